/**
 * The one Hono app serving every simulated host by path prefix:
 * `/auth` (auth.atlassian.com), `/api` (api.atlassian.com), `/cloud/{site}` (site URLs),
 * `/dc/jira` (Data Center), `/forge` (Forge JWKS) and `/_sim` (control API).
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { createAuthServerRoutes, createGatewayOAuthRoutes } from './cloud-oauth/routes.ts';
import { createControlRoutes } from './control/routes.ts';
import { ConnectionDroppedError } from './core/network-error.ts';
import { createTrafficMiddleware } from './core/traffic.ts';
import { createDcOAuth1Routes } from './dc/oauth1/routes.ts';
import { createDcOAuth2Routes } from './dc/oauth2/routes.ts';
import { createDcRoutes } from './dc/routes.ts';
import type { SimDeps } from './deps.ts';
import { createDevopsRoutes } from './devops/routes.ts';
import { createForgeRoutes } from './forge/routes.ts';
import { createGatewayRoutes } from './gateway/routes.ts';
import { createSiteRoutes } from './site/routes.ts';
import { listInstances } from './world/read.ts';

export function createSimApp(deps: SimDeps): Hono {
  const app = new Hono();
  app.use('*', createTrafficMiddleware(deps));
  app.route('/_sim', createControlRoutes(deps));
  app.route('/auth', createAuthServerRoutes(deps));
  app.route(
    '/api',
    createGatewayRoutes(deps, {
      routers: [createGatewayOAuthRoutes(deps), createDevopsRoutes(deps)],
    }),
  );
  app.route('/cloud', createSiteRoutes(deps));
  app.route(
    '/dc/jira',
    createDcRoutes(deps, [createDcOAuth2Routes(deps), createDcOAuth1Routes(deps)]),
  );
  app.route('/forge', createForgeRoutes(deps));
  app.get('/', (c) =>
    c.json({
      name: 'jira-sim',
      authUrl: `${deps.baseUrl}/auth`,
      apiUrl: `${deps.baseUrl}/api`,
      instances: listInstances(deps.world).map((i) => ({
        id: i.id,
        kind: i.kind,
        baseUrl: i.baseUrl,
        cloudId: i.kind === 'cloud' ? i.cloudId : null,
      })),
      control: `${deps.baseUrl}/_sim`,
    }),
  );
  app.notFound((c) =>
    c.json(
      {
        error: 'not_found',
        message: `jira-sim has no route for ${c.req.method} ${new URL(c.req.url).pathname}`,
      },
      404,
    ),
  );
  app.onError((error) => {
    if (error instanceof ConnectionDroppedError) throw error;
    if (error instanceof HTTPException) return error.getResponse();
    console.error('jira-sim: unhandled error', error);
    return Response.json(
      { errorMessages: ['Internal server error (jira-sim).'], errors: {} },
      { status: 500 },
    );
  });
  return app;
}
