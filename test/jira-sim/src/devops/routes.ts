/**
 * Jira Software's Builds and Deployments APIs behind the gateway, as on-premises tools reach them
 * with "OAuth credentials" (2LO): `/api/jira/{builds|deployments}/0.1/cloud/{cloudId}/…`.
 * Only a 2LO token of that site whose credentials include the API may call them: submit (`/bulk`),
 * get and delete by key, delete by properties (`/bulkByProperties?key=value&…`, ANDed).
 * @see https://developer.atlassian.com/cloud/jira/software/integrate-jsw-cloud-with-onpremises-tools/
 */
import { Hono } from 'hono';
import { authenticateGateway } from '../auth/authenticate-cloud.ts';
import { failWith, gatewayError, jiraError } from '../auth/jira-errors.ts';
import type { CloudEnv } from '../auth/principal.ts';
import type { SimDeps } from '../deps.ts';
import { type DevopsApi, dropNullMembers } from './schemas.ts';
import { buildKey, deploymentKey, siteStateOf } from './state.ts';
import { submitDevopsItems } from './submit.ts';

function createApiRoutes(deps: SimDeps, api: DevopsApi): Hono<CloudEnv> {
  const app = new Hono<CloudEnv>();
  app.use('*', authenticateGateway(deps));
  app.use('*', async (c, next) => {
    const principal = c.var.principal;
    if (principal.kind !== 'cloud-2lo' || !principal.apis.has(api)) {
      failWith(gatewayError(403, 'Forbidden'));
    }
    await next();
  });
  const items = (c: { var: CloudEnv['Variables'] }) =>
    siteStateOf(deps, c.var.instance.cloudId)[api];

  app.post('/bulk', async (c) => {
    let body: unknown;
    try {
      body = dropNullMembers(JSON.parse(await c.req.text()));
    } catch {
      return Response.json([{ message: 'The request body is not valid JSON' }], { status: 400 });
    }
    return submitDevopsItems(deps, c.var.instance, api, body);
  });

  // Jira deletes asynchronously (answers 202 at once); the simulator deletes before answering.
  app.delete('/bulkByProperties', (c) => {
    const wanted = [...new URL(c.req.url).searchParams].filter(
      ([name]) => name !== '_updateSequenceNumber', // deprecated, "no longer supported"
    );
    if (wanted.length === 0) {
      // Jira's wording is UNCONFIRMED; the OpenAPI says "missing at least one Property param".
      return Response.json([{ message: 'At least one property must be given to delete by' }], {
        status: 400,
      });
    }
    const stored = items(c);
    for (const [id, item] of stored) {
      if (wanted.every(([name, value]) => item.properties[name] === value)) stored.delete(id);
    }
    return c.body(null, 202);
  });

  const notFound = (what: string) => jiraError(404, [`No ${what} found with the given key`]);
  if (api === 'builds') {
    const path = '/pipelines/:pipelineId/builds/:buildNumber';
    app.get(path, (c) => {
      const stored = items(c).get(buildKey(c.req.param('pipelineId'), c.req.param('buildNumber')));
      return stored ? c.json(stored.data) : notFound('build');
    });
    app.delete(path, (c) => {
      items(c).delete(buildKey(c.req.param('pipelineId'), c.req.param('buildNumber')));
      return c.body(null, 202);
    });
  } else {
    const path = '/pipelines/:pipelineId/environments/:environmentId/deployments/:sequence';
    const keyOf = (c: { req: { param(name: string): string } }) =>
      deploymentKey(
        c.req.param('pipelineId'),
        c.req.param('environmentId'),
        c.req.param('sequence'),
      );
    app.get(path, (c) => {
      const stored = items(c).get(keyOf(c));
      return stored ? c.json(stored.data) : notFound('deployment');
    });
    app.delete(path, (c) => {
      items(c).delete(keyOf(c));
      return c.body(null, 202);
    });
  }
  return app;
}

/** Mounted at `/api` (the gateway): `/jira/builds/0.1/cloud/:cloudId/…`, `/jira/deployments/…`. */
export function createDevopsRoutes(deps: SimDeps): Hono {
  const app = new Hono();
  app.route('/jira/builds/0.1/cloud/:cloudId', createApiRoutes(deps, 'builds'));
  app.route('/jira/deployments/0.1/cloud/:cloudId', createApiRoutes(deps, 'deployments'));
  return app;
}
