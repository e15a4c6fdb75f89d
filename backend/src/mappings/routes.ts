import { createRoute } from '@hono/zod-openapi';
import {
  CreateMappingRequest,
  Mapping,
  MappingIdParam,
  MappingList,
  MappingListQuery,
  UpdateMappingRequest,
} from '@testbridge/shared/api/mappings';
import type { WebhookSetup } from '@testbridge/shared/api/webhooks';
import type { Deps } from '../deps.ts';
import { type AuthenticateKey, requireRole } from '../http/auth.ts';
import { createRouter } from '../http/openapi.ts';
import { jsonBody, jsonContent, problemResponse, problemResponses } from '../http/responses.ts';
import {
  createMapping,
  deleteMapping,
  getMapping,
  listMappings,
  updateMapping,
} from './service.ts';

const security = [{ apiKey: [] }];
const tags = ['Mappings'];
const jiraChecks = {
  403: problemResponse(
    "The key's role may not do this; or `jira_forbidden`: the connection's Jira account lacks BROWSE_PROJECTS or CREATE_ISSUES in the project (`missingPermissions`)",
  ),
  404: problemResponse(
    'No such mapping or connection; or `jira_not_found`: no such Jira project (or hidden)',
  ),
  409: problemResponse(
    'The tool project is already mapped, or the connection needs re-authorization',
  ),
  502: problemResponse('Jira could not be reached or refused the credentials'),
};

/** What saving a mapping in automatic webhook mode does (the webhooks feature, wired in app.ts). */
export interface MappingFeatures {
  setUpWebhook?: (deps: Deps, mappingId: string) => Promise<WebhookSetup>;
  /** A mapping leaving automatic mode or deleted: what was registered in Jira for it goes. */
  releaseWebhook?: (deps: Deps, mapping: Mapping) => Promise<void>;
}

/** `/api/v1/mappings`: admins write, tool keys read. */
export function mappingRoutes(
  deps: Deps,
  authenticate: AuthenticateKey,
  features: MappingFeatures = {},
) {
  /** After a save in automatic mode: the webhook registered, or the mapping now manual and why. */
  const withWebhook = async (mapping: Mapping, wanted: boolean): Promise<Mapping> => {
    if (!wanted || mapping.webhookMode !== 'automatic' || !features.setUpWebhook) return mapping;
    const webhookSetup = await features.setUpWebhook(deps, mapping.id);
    return { ...(await getMapping(deps, mapping.id)), webhookSetup };
  };
  const router = createRouter();
  const admin = requireRole(authenticate, 'admin');
  const tool = requireRole(authenticate, 'tool');

  router.openapi(
    createRoute({
      method: 'post',
      path: '/',
      operationId: 'createMapping',
      tags,
      security,
      middleware: [admin] as const,
      summary: 'Map a test-tool project to a Jira project (checked in Jira)',
      request: { body: jsonBody(CreateMappingRequest) },
      responses: {
        201: jsonContent(Mapping, 'The mapping'),
        ...problemResponses,
        ...jiraChecks,
      },
    }),
    async (c) =>
      c.json(await withWebhook(await createMapping(deps, c.req.valid('json')), true), 201),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/',
      operationId: 'listMappings',
      tags,
      security,
      middleware: [tool] as const,
      summary: 'List mappings (optionally of one connection)',
      request: { query: MappingListQuery },
      responses: { 200: jsonContent(MappingList, 'By tool project key'), ...problemResponses },
    }),
    async (c) =>
      c.json({ items: await listMappings(deps, c.req.valid('query').connectionId) }, 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/{id}',
      operationId: 'getMapping',
      tags,
      security,
      middleware: [tool] as const,
      summary: 'One mapping',
      request: { params: MappingIdParam },
      responses: {
        200: jsonContent(Mapping, 'The mapping'),
        404: problemResponse('No such mapping'),
        ...problemResponses,
      },
    }),
    async (c) => c.json(await getMapping(deps, c.req.valid('param').id), 200),
  );

  router.openapi(
    createRoute({
      method: 'patch',
      path: '/{id}',
      operationId: 'updateMapping',
      tags,
      security,
      middleware: [admin] as const,
      summary: 'Change a mapping (results stay)',
      request: { params: MappingIdParam, body: jsonBody(UpdateMappingRequest) },
      responses: { 200: jsonContent(Mapping, 'The mapping'), ...problemResponses, ...jiraChecks },
    }),
    async (c) => {
      const before = await getMapping(deps, c.req.valid('param').id);
      const input = c.req.valid('json');
      const after = await updateMapping(deps, before.id, input);
      if (before.webhookMode === 'automatic' && after.webhookMode !== 'automatic') {
        await features.releaseWebhook?.(deps, before);
      }
      return c.json(await withWebhook(after, input.webhookMode === 'automatic'), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'delete',
      path: '/{id}',
      operationId: 'deleteMapping',
      tags,
      security,
      middleware: [admin] as const,
      summary: 'Remove a mapping (results stay)',
      request: { params: MappingIdParam },
      responses: {
        204: { description: 'Removed' },
        404: problemResponse('No such mapping'),
        ...problemResponses,
      },
    }),
    async (c) => {
      const mapping = await getMapping(deps, c.req.valid('param').id);
      if (mapping.webhookMode === 'automatic') await features.releaseWebhook?.(deps, mapping);
      await deleteMapping(deps, mapping.id);
      return c.body(null, 204);
    },
  );

  return router;
}
