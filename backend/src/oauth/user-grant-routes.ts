import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { ConnectionIdParam } from '@testbridge/shared/api/connections';
import { UserGrantList, UserGrantParams } from '@testbridge/shared/api/oauth';
import type { MiddlewareHandler } from 'hono';
import type { Deps } from '../deps.ts';
import type { Env } from '../http/env.ts';
import { jsonContent, problemResponse, problemResponses } from '../http/responses.ts';
import { revokeGrant } from './configure.ts';
import { listUserGrants } from './user-grants.ts';

const security = [{ apiKey: [] }];
const tags = ['Connections: OAuth'];

/** `/api/v1/connections/{id}/user-grants`: the test-tool users' own grants, for admins. */
export function registerUserGrantRoutes(
  router: OpenAPIHono<Env>,
  deps: Deps,
  admin: MiddlewareHandler<Env>,
): void {
  router.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/user-grants',
      operationId: 'listUserGrants',
      tags,
      security,
      middleware: [admin] as const,
      summary: 'The users’ own grants: test-tool user, Jira account, granted when, last used',
      request: { params: ConnectionIdParam },
      responses: {
        200: jsonContent(UserGrantList, 'Every user grant, by user'),
        404: problemResponse('No such OAuth connection'),
        ...problemResponses,
      },
    }),
    async (c) => c.json({ items: await listUserGrants(deps, c.req.valid('param').id) }, 200),
  );

  router.openapi(
    createRoute({
      method: 'delete',
      path: '/{id}/user-grants/{user}',
      operationId: 'revokeUserGrant',
      tags,
      security,
      middleware: [admin] as const,
      summary:
        'Revoke one user’s grant (their calls fall back to the shared grant, or are refused)',
      request: { params: UserGrantParams },
      responses: {
        204: { description: 'Revoked (recorded in the history)' },
        404: problemResponse('No such OAuth connection or no grant for that user'),
        ...problemResponses,
      },
    }),
    async (c) => {
      const { id, user } = c.req.valid('param');
      await revokeGrant(deps, id, user, c.get('caller'));
      return c.body(null, 204);
    },
  );
}
