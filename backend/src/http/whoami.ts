import { createRoute } from '@hono/zod-openapi';
import { WhoAmI } from '@testbridge/shared/api/api-keys';
import type { AuthenticateKey } from './auth.ts';
import { requireRole } from './auth.ts';
import { createRouter } from './openapi.ts';
import { jsonContent, problemResponses } from './responses.ts';

/** `GET /api/v1/whoami`: which key is calling, with which role. Any valid key. */
export function whoAmIRoutes(authenticate: AuthenticateKey) {
  const router = createRouter();
  router.use('/whoami', requireRole(authenticate, 'tool'));
  router.openapi(
    createRoute({
      method: 'get',
      path: '/whoami',
      operationId: 'getWhoami',
      tags: ['API keys'],
      summary: 'The caller behind the presented API key',
      security: [{ apiKey: [] }],
      responses: { 200: jsonContent(WhoAmI, 'The caller'), ...problemResponses },
    }),
    (c) => {
      const caller = c.get('caller');
      return c.json({ keyId: caller.keyId, name: caller.name, role: caller.role }, 200);
    },
  );
  return router;
}
