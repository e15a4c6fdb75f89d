/**
 * Jira Data Center at `${baseUrl}/dc/jira` (context path `/jira`): REST v2 with every DC auth
 * scheme, plus the OAuth 2.0 and OAuth 1.0a provider endpoints plugged in by the caller.
 */
import { Hono } from 'hono';
import { authenticateDc } from '../auth/authenticate-dc.ts';
import type { DcEnv } from '../auth/principal.ts';
import type { SimDeps } from '../deps.ts';
import { createDcRestRoutes } from '../rest/dc-routes.ts';

export function createDcRoutes(deps: SimDeps, providers: Hono[]): Hono {
  const app = new Hono();
  for (const router of providers) app.route('/', router);
  const rest = new Hono<DcEnv>();
  rest.use('/rest/*', authenticateDc(deps));
  rest.route('/', createDcRestRoutes(deps));
  // Jersey's answer for an unknown resource, e.g. `/rest/api/3/...`, which DC does not have.
  rest.all('/rest/*', (c) =>
    c.json({ message: `null for uri: ${c.req.url}`, 'status-code': 404 }, 404),
  );
  app.route('/', rest);
  return app;
}
