/**
 * Issue routes: create/get/edit/delete on Cloud (`/rest/api/{2|3}/issue`, scopes per Atlassian's
 * table) and Data Center (`/rest/api/2/issue`, READ/WRITE).
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/
 */
import { Hono } from 'hono';
import type { CloudEnv, DcEnv } from '../auth/principal.ts';
import { requireDcScope, requireOperationScopes } from '../auth/scopes.ts';
import type { SimDeps } from '../deps.ts';
import { cloudRequest, dcRequest } from './call.ts';
import { getIssue, postIssue, putIssue, removeIssue } from './issue-handlers.ts';

const ISSUE = '/rest/api/3/issue/{issueIdOrKey}';

export function createCloudIssueRoutes(deps: SimDeps): Hono<CloudEnv> {
  const router = new Hono<CloudEnv>();
  const path = '/rest/api/:version{[23]}/issue/:issueIdOrKey';
  router.post(
    '/rest/api/:version{[23]}/issue',
    requireOperationScopes('POST', '/rest/api/3/issue'),
    (c) => postIssue(deps, cloudRequest(c)),
  );
  router.get(path, requireOperationScopes('GET', ISSUE), (c) => getIssue(deps, cloudRequest(c)));
  router.put(path, requireOperationScopes('PUT', ISSUE), (c) => putIssue(deps, cloudRequest(c)));
  router.delete(path, requireOperationScopes('DELETE', ISSUE), (c) =>
    removeIssue(deps, cloudRequest(c)),
  );
  return router;
}

export function createDcIssueRoutes(deps: SimDeps): Hono<DcEnv> {
  const router = new Hono<DcEnv>();
  const path = '/rest/api/2/issue/:issueIdOrKey';
  router.post('/rest/api/2/issue', requireDcScope('WRITE'), (c) => postIssue(deps, dcRequest(c)));
  router.get(path, requireDcScope('READ'), (c) => getIssue(deps, dcRequest(c)));
  router.put(path, requireDcScope('WRITE'), (c) => putIssue(deps, dcRequest(c)));
  router.delete(path, requireDcScope('WRITE'), (c) => removeIssue(deps, dcRequest(c)));
  return router;
}
