import { createRoute } from '@hono/zod-openapi';
import {
  ChangeFeedPage,
  ChangeFeedQuery,
  DeadLetterIdParam,
  DeadLetterList,
  DeadLetterRetried,
  EventCallbackCreated,
  EventCallbackRequest,
  KnownWebhookList,
  MappingIdPathParam,
  MappingVersionList,
  OrphanedLinkList,
  OrphanedLinkQuery,
  WebhookCheck,
  WebhookCheckParams,
  WebhookEndpoint,
  WebhookEndpointSecrets,
  WebhookSetup,
} from '@testbridge/shared/api/webhooks';
import type { Deps } from '../deps.ts';
import { type AuthenticateKey, requireRole } from '../http/auth.ts';
import { createRouter } from '../http/openapi.ts';
import { jsonBody, jsonContent, problemResponse, problemResponses } from '../http/responses.ts';
import { listOrphanedLinks } from '../results/issue-sync.ts';
import { setUpAutomaticWebhook } from './automatic.ts';
import { readChangeFeed } from './changes.ts';
import { getWebhookTestEvent, sendWebhookTestEvent } from './check.ts';
import {
  deleteEventCallback,
  getWebhookEndpoint,
  issueWebhookEndpoint,
  listDeadLetters,
  listKnownWebhooks,
  listMappingVersions,
  retryDeadLetter,
  revokeWebhookEndpoint,
  setEventCallback,
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
      method: 'post',
      path: '/mappings/{mappingId}/webhook/automatic',
      operationId: 'setUpMappingWebhookAutomatically',
      tags,
      security,
      middleware: [admin] as const,
      summary:
        "Register the mapping's webhook in Jira (automatic mode), or say why not and fall back to manual",
      request: { params: MappingIdPathParam },
      responses: {
        200: jsonContent(WebhookSetup, 'Registered (`automatic`), or `manual` with the reason'),
        ...problemResponses,
        ...notFound,
      },
    }),
    async (c) => c.json(await setUpAutomaticWebhook(deps, c.req.valid('param').mappingId), 200),
  );

  router.openapi(
    createRoute({
      method: 'delete',
      path: '/mappings/{mappingId}/webhook',
      operationId: 'revokeMappingWebhook',
      tags,
      security,
      middleware: [admin] as const,
      summary: "Forget a mapping's webhook endpoint: its URL, secret and token stop working",
      request: { params: MappingIdPathParam },
      responses: { 204: { description: 'Forgotten' }, ...problemResponses, ...notFound },
    }),
    async (c) => {
      await revokeWebhookEndpoint(deps, c.req.valid('param').mappingId);
      return c.body(null, 204);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/mappings/{mappingId}/webhook/test',
      operationId: 'sendMappingWebhookTest',
      tags,
      security,
      middleware: [admin] as const,
      summary:
        'Send a test event: set an issue property in the mapped project and wait for Jira to report it',
      request: { params: MappingIdPathParam },
      responses: {
        202: jsonContent(WebhookCheck, 'Set in Jira; poll the check until `received`'),
        ...problemResponses,
        ...notFound,
        409: problemResponse('The project has no issue, or the connection needs re-authorization'),
        502: problemResponse('Jira could not be reached or refused the call'),
      },
    }),
    async (c) => c.json(await sendWebhookTestEvent(deps, c.req.valid('param').mappingId), 202),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/mappings/{mappingId}/webhook/test/{checkId}',
      operationId: 'getMappingWebhookTest',
      tags,
      security,
      middleware: [admin] as const,
      summary: 'A test event: `received` once Jira delivered it and Testbridge processed it',
      request: { params: WebhookCheckParams },
      responses: { 200: jsonContent(WebhookCheck, 'The check'), ...problemResponses, ...notFound },
    }),
    async (c) => {
      const { mappingId, checkId } = c.req.valid('param');
      return c.json(await getWebhookTestEvent(deps, mappingId, checkId), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/jira-events/webhooks',
      operationId: 'listKnownWebhooks',
      tags,
      security,
      middleware: [admin] as const,
      summary: 'The webhook endpoints Testbridge issued, with their mappings (never a secret)',
      responses: { 200: jsonContent(KnownWebhookList, 'The endpoints'), ...problemResponses },
    }),
    async (c) => c.json({ items: await listKnownWebhooks(deps) }, 200),
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

  router.openapi(
    createRoute({
      method: 'get',
      path: '/events',
      operationId: 'readChangeFeed',
      tags,
      security,
      middleware: [tool] as const,
      summary: "What Jira's events changed, after a cursor (at least once; ids sort by time)",
      request: { query: ChangeFeedQuery },
      responses: { 200: jsonContent(ChangeFeedPage, 'A page of changes'), ...problemResponses },
    }),
    async (c) => {
      const { cursor, limit } = c.req.valid('query');
      return c.json(await readChangeFeed(deps, cursor, limit), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'put',
      path: '/mappings/{mappingId}/callback',
      operationId: 'setMappingEventCallback',
      tags,
      security,
      middleware: [admin] as const,
      summary:
        "Send the mapping's changes to the test tool: signed POSTs (HMAC-SHA256 over timestamp and body), retried",
      request: { params: MappingIdPathParam, body: jsonBody(EventCallbackRequest) },
      responses: {
        201: jsonContent(EventCallbackCreated, 'Set; the secret is not shown again'),
        ...problemResponses,
        ...notFound,
      },
    }),
    async (c) =>
      c.json(
        await setEventCallback(deps, c.req.valid('param').mappingId, c.req.valid('json').url),
        201,
      ),
  );

  router.openapi(
    createRoute({
      method: 'delete',
      path: '/mappings/{mappingId}/callback',
      operationId: 'deleteMappingEventCallback',
      tags,
      security,
      middleware: [admin] as const,
      summary: "Stop sending the mapping's changes to the test tool",
      request: { params: MappingIdPathParam },
      responses: { 204: { description: 'Removed' }, ...problemResponses, ...notFound },
    }),
    async (c) => {
      await deleteEventCallback(deps, c.req.valid('param').mappingId);
      return c.body(null, 204);
    },
  );

  return router;
}
