/**
 * `api.atlassian.com` at `${baseUrl}/api`: accessible-resources, the 2LO token endpoint, and
 * product APIs under `/ex/jira/{cloudId}` (bearer tokens only).
 * @see https://developer.atlassian.com/cloud/oauth/getting-started/making-calls-to-api/
 */
import { Hono } from 'hono';
import { authenticateGateway } from '../auth/authenticate-cloud.ts';
import type { CloudEnv } from '../auth/principal.ts';
import type { SimDeps } from '../deps.ts';
import { createCloudRestRoutes } from '../rest/cloud-routes.ts';

/** Extra gateway routers (accessible-resources, 2LO token, Builds/Deployments) plug in here. */
export interface GatewayExtensions {
  /** Routers mounted at `/api` before the product APIs, e.g. `/oauth/token/accessible-resources`. */
  routers: Hono[];
}

export function createGatewayRoutes(deps: SimDeps, extensions: GatewayExtensions): Hono {
  const app = new Hono();
  for (const router of extensions.routers) app.route('/', router);
  const jira = new Hono<CloudEnv>();
  jira.use('*', authenticateGateway(deps));
  jira.route('/', createCloudRestRoutes(deps));
  app.route('/ex/jira/:cloudId', jira);
  return app;
}
