/**
 * User lookups. Cloud: `user` (by accountId), `user/search` (active users, only the first 1000
 * matches), `users/search` and `users` (everyone, `maxResults` ≤ 1000), `user/assignable/search`.
 * Data Center: `user`, `user/search?username=` and `user/assignable/search` (name/key, no accountId).
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-user-search/
 */
import { Hono } from 'hono';
import { failWith, jiraError } from '../auth/jira-errors.ts';
import type { CloudEnv, DcEnv } from '../auth/principal.ts';
import { requireDcScope, requireOperationScopes } from '../auth/scopes.ts';
import { hasPermission } from '../world/permissions.ts';
import { findIssue } from '../world/read.ts';
import type { User } from '../world/types.ts';
import type { RestCall, RestRequest } from './call.ts';
import { can, cloudRequest, dcRequest, ISSUE_NOT_FOUND, requireVisibleProject } from './call.ts';
import type { Paging } from './paging.ts';
import { userView } from './views/common-views.ts';

/** Atlassian: user search "takes the filtered users … up to the thousandth user". */
const MATCH_LIMIT = 1000;

function readUserPaging(url: URL): Paging {
  const int = (name: string, fallback: number) => {
    const raw = url.searchParams.get(name);
    const value = raw === null || raw === '' ? fallback : Number(raw);
    if (!Number.isInteger(value))
      failWith(jiraError(400, [`The value '${raw ?? ''}' is not a valid number for '${name}'.`]));
    return value;
  };
  return {
    startAt: Math.max(0, int('startAt', 0)),
    maxResults: Math.min(Math.max(0, int('maxResults', 50)), 1000),
  };
}

/** Prefix match on display-name words, e-mail and (DC) login name, case-insensitively. */
function matchesQuery(user: User, query: string, dc: boolean): boolean {
  const q = query.toLowerCase();
  const words = user.displayName.toLowerCase().split(/\s+/);
  return (
    words.some((w) => w.startsWith(q)) ||
    user.displayName.toLowerCase().startsWith(q) ||
    user.emailAddress.toLowerCase().startsWith(q) ||
    (dc && user.username.toLowerCase().startsWith(q))
  );
}

function slice(call: RestCall, users: User[], paging: Paging, limit = Infinity) {
  return users
    .slice(0, limit)
    .slice(paging.startAt, paging.startAt + paging.maxResults)
    .map((user) => userView(call, user));
}

/** Cloud is in "GDPR strict mode": username/userkey parameters are refused. */
function refuseUsername(url: URL): void {
  if (url.searchParams.has('username') || url.searchParams.has('key'))
    failWith(jiraError(400, ["'username' is not supported in GDPR strict mode."]));
}

function findUsers({ call, url }: RestRequest): Response {
  refuseUsername(url);
  const query = url.searchParams.get('query');
  const accountId = url.searchParams.get('accountId');
  // Atlassian: 400 when none of accountId/query/property is given, or both query and accountId
  // (messages UNCONFIRMED; `property` search is not simulated).
  if (!query && !accountId)
    failWith(jiraError(400, ["One of 'query', 'accountId' or 'property' must be provided."]));
  if (query && accountId)
    failWith(jiraError(400, ["'query' and 'accountId' cannot be provided together."]));
  // "Anonymous calls or calls by users without the required permission return empty search results."
  if (!can(call, 'USER_PICKER')) return Response.json([]);
  const matches = [...call.instance.users.values()].filter(
    (u) => u.active && (accountId ? u.id === accountId : matchesQuery(u, query ?? '', false)),
  );
  return Response.json(slice(call, matches, readUserPaging(url), MATCH_LIMIT));
}

function allUsers({ call, url }: RestRequest): Response {
  // Message UNCONFIRMED (Atlassian: 403 without *Browse users and groups*).
  if (!can(call, 'USER_PICKER'))
    failWith(jiraError(403, ['You do not have the permission to browse users and groups.']));
  return Response.json(slice(call, [...call.instance.users.values()], readUserPaging(url)));
}

function assignableUsers({ call, url }: RestRequest): Response {
  const dc = call.instance.kind === 'dc';
  if (!dc) refuseUsername(url);
  const projectRef = url.searchParams.get('project');
  const issueRef = url.searchParams.get('issueKey') ?? url.searchParams.get('issueId');
  const query = url.searchParams.get(dc ? 'username' : 'query');
  const accountId = dc ? null : url.searchParams.get('accountId');
  if (!projectRef && !issueRef)
    failWith(
      jiraError(400, [
        'At least one of the project, issueKey or issueId parameters must be given.',
      ]),
    );
  if (query && accountId)
    failWith(jiraError(400, ["'query' and 'accountId' cannot be provided together."]));
  let projectId: string;
  if (issueRef) {
    const issue = findIssue(call.instance, issueRef);
    if (!issue || !can(call, 'BROWSE_PROJECTS', issue.projectId))
      failWith(jiraError(404, [ISSUE_NOT_FOUND]));
    projectId = issue.projectId;
  } else projectId = requireVisibleProject(call, projectRef ?? '').id;
  if (!can(call, 'USER_PICKER') && !can(call, 'ASSIGN_ISSUES', projectId)) return Response.json([]);
  const matches = [...call.instance.users.values()].filter(
    (u) =>
      u.active &&
      hasPermission(call.instance, u.id, 'ASSIGNABLE_USER', projectId) &&
      (accountId ? u.id === accountId : !query || matchesQuery(u, query, dc)),
  );
  return Response.json(slice(call, matches, readUserPaging(url), MATCH_LIMIT));
}

function oneUser({ call, url }: RestRequest): Response {
  const { instance } = call;
  let user: User | undefined;
  if (instance.kind === 'cloud') {
    const accountId = url.searchParams.get('accountId');
    if (!accountId)
      failWith(jiraError(400, ["The 'accountId' query parameter needs to be provided"]));
    user = instance.users.get(accountId);
  } else {
    const name = url.searchParams.get('username')?.toLowerCase();
    const key = url.searchParams.get('key');
    if (!name && !key) failWith(jiraError(400, ['The username query parameter was not provided']));
    user = [...instance.users.values()].find(
      (u) => u.id === key || u.username.toLowerCase() === name,
    );
  }
  // Message UNCONFIRMED.
  if (!user)
    failWith(
      jiraError(404, ['Specified user does not exist or you do not have required permissions']),
    );
  return Response.json(userView(call, user));
}

export function createCloudUserRoutes(): Hono<CloudEnv> {
  const router = new Hono<CloudEnv>();
  const v = '/rest/api/:version{[23]}';
  router.get(`${v}/user`, requireOperationScopes('GET', '/rest/api/3/user'), (c) =>
    oneUser(cloudRequest(c)),
  );
  router.get(`${v}/user/search`, requireOperationScopes('GET', '/rest/api/3/user/search'), (c) =>
    findUsers(cloudRequest(c)),
  );
  router.get(`${v}/users/search`, requireOperationScopes('GET', '/rest/api/3/users/search'), (c) =>
    allUsers(cloudRequest(c)),
  );
  router.get(`${v}/users`, requireOperationScopes('GET', '/rest/api/3/users'), (c) =>
    allUsers(cloudRequest(c)),
  );
  router.get(
    `${v}/user/assignable/search`,
    requireOperationScopes('GET', '/rest/api/3/user/assignable/search'),
    (c) => assignableUsers(cloudRequest(c)),
  );
  return router;
}

export function createDcUserRoutes(): Hono<DcEnv> {
  const router = new Hono<DcEnv>();
  router.get('/rest/api/2/user', requireDcScope('READ'), (c) => oneUser(dcRequest(c)));
  router.get('/rest/api/2/user/search', requireDcScope('READ'), (c) => {
    const req = dcRequest(c);
    const username = req.url.searchParams.get('username');
    if (!username) failWith(jiraError(400, ['The username query parameter was not provided']));
    if (!can(req.call, 'USER_PICKER')) return c.json([]);
    const active = req.url.searchParams.get('includeActive') !== 'false';
    const inactive = req.url.searchParams.get('includeInactive') === 'true';
    const matches = [...req.call.instance.users.values()].filter(
      (u) =>
        (u.active ? active : inactive) && (username === '.' || matchesQuery(u, username, true)),
    );
    return c.json(slice(req.call, matches, readUserPaging(req.url)));
  });
  router.get('/rest/api/2/user/assignable/search', requireDcScope('READ'), (c) =>
    assignableUsers(dcRequest(c)),
  );
  return router;
}
