/**
 * `GET /rest/api/{2|3}/serverInfo`: anonymous-capable; `deploymentType` is "Cloud" on Cloud and
 * "Server" on Data Center (what a DC 10.3 reported; jira-protocols.md §5.3).
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-server-info/
 */
import { Hono } from 'hono';
import type { CloudEnv, DcEnv } from '../auth/principal.ts';
import { requireDcScope, requireOperationScopes } from '../auth/scopes.ts';
import type { SimDeps } from '../deps.ts';
import type { JiraInstance } from '../world/types.ts';
import { formatJiraDateTime } from './format.ts';

function serverInfoOf(instance: JiraInstance, now: number) {
  return {
    baseUrl: instance.baseUrl,
    version: instance.version,
    versionNumbers: instance.versionNumbers,
    deploymentType: instance.kind === 'cloud' ? 'Cloud' : 'Server',
    buildNumber: instance.buildNumber,
    buildDate: '2026-01-20T00:00:00.000+0000',
    serverTime: formatJiraDateTime(now),
    scmInfo: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
    serverTitle: instance.serverTitle,
  };
}

export function createCloudServerInfoRoutes(deps: SimDeps): Hono<CloudEnv> {
  const router = new Hono<CloudEnv>();
  router.get(
    '/rest/api/:version{[23]}/serverInfo',
    requireOperationScopes('GET', '/rest/api/3/serverInfo'),
    (c) => c.json(serverInfoOf(c.var.instance, deps.clock.now())),
  );
  return router;
}

export function createDcServerInfoRoutes(deps: SimDeps): Hono<DcEnv> {
  const router = new Hono<DcEnv>();
  router.get('/rest/api/2/serverInfo', requireDcScope('ANONYMOUS'), (c) =>
    c.json(serverInfoOf(c.var.instance, deps.clock.now())),
  );
  return router;
}
