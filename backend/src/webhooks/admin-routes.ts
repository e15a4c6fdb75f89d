import { createRoute } from '@hono/zod-openapi';
import {
  DeadLetterIdParam,
  DeadLetterList,
  DeadLetterRetried,
  MappingIdPathParam,
  MappingVersionList,
  OrphanedLinkList,
  OrphanedLinkQuery,
  WebhookEndpoint,
  WebhookEndpointSecrets,
} from '@testbridge/shared/api/webhooks';
import type { Deps } from '../deps.ts';
import { type AuthenticateKey, requireRole } from '../http/auth.ts';
import { createRouter } from '../http/openapi.ts';
import { jsonContent, problemResponse, problemResponses } from '../http/responses.ts';
import { listOrphanedLinks } from '../results/issue-sync.ts';
import {
  getWebhookEndpoint,
  issueWebhookEndpoint,
  listDeadLetters,
  listMappingVersions,
  retryDeadLetter,
} from './service.ts';

const security = [{ apiKey: [] }];
const tags = ['Jira events'];
const notFound = { 404: problemResponse('No such mapping, endpoint or dead letter') };

/** `/api/v1/mappings/{id}/webhook` (manual mode) and `/api/v1/jira-events/…` (dead letters, orphans). */
export function jiraEventAdminRoutes(deps: Deps, authenticate: AuthenticateKey) {
  const router = createRouter();
  const admin = requireRole(authenticate, 'admin');
  const tool = requireRole(authenticate, 'tool');

  router.openapi(
    createRoute({
      method: 'post',
      path: '/mappings/{mappingId}/webhook',
      operationId: 'issueMappingWebhook',
      tags,
      security,
      middleware: [admin] as const,
      summary: "Create or rotate a mapping's webhook endpoint: URL, secret and events, shown once",
      request: { params: MappingIdPathParam },
      responses: {
        201: jsonContent(
          WebhookEndpointSecrets,
          'Enter these in Jira; the secret is not shown again',
        ),
        ...problemResponses,
        ...notFound,
      },
    }),
    async (c) => c.json(await issueWebhookEndpoint(deps, c.req.valid('param').mappingId), 201),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/mappings/{mappingId}/webhook',
      operationId: 'getMappingWebhook',
      tags,
      security,
      middleware: [admin] as const,
      summary: "A mapping's webhook endpoint (URL and events; never the secret)",
      request: { params: MappingIdPathParam },
      responses: {
        200: jsonContent(WebhookEndpoint, 'The endpoint'),
        ...problemResponses,
        ...notFound,
      },
    }),
    async (c) => c.json(await getWebhookEndpoint(deps, c.req.valid('param').mappingId), 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/mappings/{mappingId}/versions',
      operationId: 'listMappingVersions',
      tags,
      security,
      middleware: [tool] as const,
      summary:
        "The mapped Jira project's versions with their release state, kept in step by Jira's events",
      request: { params: MappingIdPathParam },
      responses: {
        200: jsonContent(MappingVersionList, 'The versions, by id'),
        ...problemResponses,
        ...notFound,
      },
    }),
    async (c) =>
      c.json({ items: await listMappingVersions(deps, c.req.valid('param').mappingId) }, 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/jira-events/dead-letters',
      operationId: 'listJiraEventDeadLetters',
      tags,
      security,
      middleware: [admin] as const,
      summary: 'Jira events that could not be processed, newest first',
      responses: { 200: jsonContent(DeadLetterList, 'The dead letters'), ...problemResponses },
    }),
    async (c) => c.json({ items: await listDeadLetters(deps) }, 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/jira-events/dead-letters/{id}/retry',
      operationId: 'retryJiraEventDeadLetter',
      tags,
      security,
      middleware: [admin] as const,
      summary: 'Process a dead letter again',
      request: { params: DeadLetterIdParam },
      responses: {
        202: jsonContent(DeadLetterRetried, 'Back in line'),
        ...problemResponses,
        ...notFound,
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param');
      await retryDeadLetter(deps, id);
      return c.json({ id, state: 'pending' as const }, 202);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/jira-events/orphaned-links',
      operationId: 'listOrphanedTestLinks',
      tags,
      security,
      middleware: [tool] as const,
      summary: 'Test links to issues Jira reported deleted, for the test tool to resolve',
      request: { query: OrphanedLinkQuery },
      responses: { 200: jsonContent(OrphanedLinkList, 'The orphaned links'), ...problemResponses },
    }),
    async (c) =>
      c.json({ items: await listOrphanedLinks(deps, c.req.valid('query').connectionId) }, 200),
  );

  return router;
}
