/**
 * A Jira Cloud site URL (`${baseUrl}/cloud/{site}`): Basic e-mail + API token REST, and the
 * unauthenticated `/_edge/tenant_info` that maps a site to its cloudId.
 * @see https://developer.atlassian.com/cloud/jira/software/integrate-jsw-cloud-with-onpremises-tools/
 */
import { Hono } from 'hono';
import { authenticateSite } from '../auth/authenticate-cloud.ts';
import type { CloudEnv } from '../auth/principal.ts';
import type { SimDeps } from '../deps.ts';
import { createCloudRestRoutes } from '../rest/cloud-routes.ts';
import { findSiteByName } from '../world/read.ts';

export function createSiteRoutes(deps: SimDeps): Hono {
  const app = new Hono();
  app.get('/:site/_edge/tenant_info', (c) => {
    const site = findSiteByName(deps.world, c.req.param('site'));
    return site
      ? c.json({ cloudId: site.cloudId })
      : c.json({ errorMessages: ['Site not found.'], errors: {} }, 404);
  });
  const rest = new Hono<CloudEnv>();
  rest.use('/rest/*', authenticateSite(deps));
  rest.route('/', createCloudRestRoutes(deps));
  app.route('/:site', rest);
  return app;
}
