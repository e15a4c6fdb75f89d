/**
 * Every Cloud REST operation, mounted twice: behind the API gateway (`/api/ex/jira/{cloudId}`)
 * and on the site URL (`/cloud/{site}`). Add a feature by creating its router and routing it here.
 */
import { Hono } from 'hono';
import type { CloudEnv } from '../auth/principal.ts';
import { userOf } from '../auth/principal.ts';
import type { SimDeps } from '../deps.ts';
import { createCloudWebhookRoutes } from '../webhooks/routes.ts';
import { createCloudMyselfRoutes } from './myself.ts';
import { createCloudPlatformRoutes } from './platform-routes.ts';
import { createCloudServerInfoRoutes } from './server-info.ts';

export function createCloudRestRoutes(deps: SimDeps): Hono<CloudEnv> {
  const router = new Hono<CloudEnv>();
  // Jira Cloud names the caller in every response.
  router.use('*', async (c, next) => {
    await next();
    const user = userOf(c.var.principal);
    if (user) c.res.headers.set('X-AAccountId', user.id);
  });
  router.route('/', createCloudMyselfRoutes());
  router.route('/', createCloudServerInfoRoutes(deps));
  router.route('/', createCloudPlatformRoutes(deps));
  router.route('/', createCloudWebhookRoutes(deps));
  return router;
}
