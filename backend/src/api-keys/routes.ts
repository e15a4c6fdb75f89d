import { createRoute } from '@hono/zod-openapi';
import {
  ApiKeyIdParam,
  ApiKeyList,
  CreateApiKeyRequest,
  CreatedApiKey,
} from '@testbridge/shared/api/api-keys';
import type { Deps } from '../deps.ts';
import type { AuthenticateKey } from '../http/auth.ts';
import { requireRole } from '../http/auth.ts';
import { createRouter } from '../http/openapi.ts';
import { jsonBody, jsonContent, problemResponse, problemResponses } from '../http/responses.ts';
import { createApiKey, listApiKeys, revokeApiKey } from './service.ts';

const security = [{ apiKey: [] }];

/** `/api/v1/api-keys`: admin-only key management. */
export function apiKeyRoutes(deps: Deps, authenticate: AuthenticateKey) {
  const router = createRouter();
  router.use('*', requireRole(authenticate, 'admin'));

  router.openapi(
    createRoute({
      method: 'post',
      path: '/',
      operationId: 'createApiKey',
      tags: ['API keys'],
      summary: 'Create an API key (shown once)',
      security,
      request: { body: jsonBody(CreateApiKeyRequest) },
      responses: {
        201: jsonContent(CreatedApiKey, 'The key; store it now, it is never shown again'),
        ...problemResponses,
      },
    }),
    async (c) => c.json(await createApiKey(deps, c.req.valid('json')), 201),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/',
      operationId: 'listApiKeys',
      tags: ['API keys'],
      summary: 'List API keys (never the keys themselves)',
      security,
      responses: { 200: jsonContent(ApiKeyList, 'Every key, oldest first'), ...problemResponses },
    }),
    async (c) => c.json({ items: await listApiKeys(deps) }, 200),
  );

  router.openapi(
    createRoute({
      method: 'delete',
      path: '/{id}',
      operationId: 'revokeApiKey',
      tags: ['API keys'],
      summary: 'Revoke an API key',
      security,
      request: { params: ApiKeyIdParam },
      responses: {
        204: { description: 'Revoked' },
        404: problemResponse('No such active key'),
        409: problemResponse('The last active admin key cannot be revoked'),
        ...problemResponses,
      },
    }),
    async (c) => {
      await revokeApiKey(deps, c.req.valid('param').id);
      return c.body(null, 204);
    },
  );

  return router;
}
