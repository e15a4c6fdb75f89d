/** Every Data Center REST operation (`/dc/jira/rest/api/2/...`). Add a feature by routing it here. */
import { Hono } from 'hono';
import type { DcEnv } from '../auth/principal.ts';
import type { SimDeps } from '../deps.ts';
import { createDcWebhookRoutes } from '../webhooks/routes.ts';
import { createDcMyselfRoutes } from './myself.ts';
import { createDcPlatformRoutes } from './platform-routes.ts';
import { createDcServerInfoRoutes } from './server-info.ts';

export function createDcRestRoutes(deps: SimDeps): Hono<DcEnv> {
  const router = new Hono<DcEnv>();
  router.route('/', createDcMyselfRoutes());
  router.route('/', createDcServerInfoRoutes(deps));
  router.route('/', createDcPlatformRoutes(deps));
  router.route('/', createDcWebhookRoutes(deps));
  return router;
}
