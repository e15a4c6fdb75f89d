/**
 * Jira's catalog reads: projects, a project's issue types and versions, users, assignable users,
 * issue link types. Cloud REST v3 and Data Center REST v2, parsed loosely (users keep only what
 * Testbridge reads: they come by the page, inside every issue too).
 */
import { z } from 'zod';
import { callJira, type JiraApi, type JiraDeps } from './http.ts';

export const JiraUserBody = z.object({
  accountId: z.string().optional(),
  name: z.string().optional(),
  key: z.string().optional(),
  displayName: z.string().optional(),
  emailAddress: z.string().optional(),
  accountType: z.string().optional(),
  active: z.boolean().optional(),
});
export type JiraUserBody = z.infer<typeof JiraUserBody>;

const ACCOUNT_TYPES = ['atlassian', 'app', 'customer'] as const;

/** Cloud's `accountType`; Data Center has none, its users are people (`atlassian`). */
export function accountTypeOf(user: JiraUserBody): (typeof ACCOUNT_TYPES)[number] | 'unknown' {
  if (user.accountType === undefined) return 'atlassian';
  return ACCOUNT_TYPES.find((type) => type === user.accountType) ?? 'unknown';
}

/** Which users a search keeps: by account type, by active or not; absent means any. */
export interface UserFilter {
  accountType?: string | undefined;
  active?: boolean | undefined;
}

const keeps = (filter: UserFilter) => (user: JiraUserBody) =>
  (filter.accountType === undefined || accountTypeOf(user) === filter.accountType) &&
  (filter.active === undefined || (user.active ?? true) === filter.active);

/** Jira calls one filtered user page may make before it answers a short page with a cursor. */
const MAX_USER_CALLS = 10;
const FILTERED_PAGE = 200;

export const JiraProjectBody = z
  .object({
    id: z.string(),
    key: z.string(),
    name: z.string(),
    projectTypeKey: z.string().optional(),
  })
  .loose();
export type JiraProjectBody = z.infer<typeof JiraProjectBody>;

const IssueTypeBody = z
  .object({ id: z.string(), name: z.string(), subtask: z.boolean().optional() })
  .loose();

const VersionBody = z
  .object({
    id: z.string(),
    name: z.string(),
    released: z.boolean().optional(),
    archived: z.boolean().optional(),
    releaseDate: z.string().optional(),
  })
  .loose();
export type VersionBody = z.infer<typeof VersionBody>;

const PageBean = <T extends z.ZodType>(item: T) =>
  z
    .object({
      startAt: z.number().optional(),
      total: z.number().optional(),
      isLast: z.boolean().optional(),
      values: z.array(item),
    })
    .loose();

/** One page of an offset-paged resource: the items and where the next page starts (null: none). */
export interface OffsetPage<T> {
  items: T[];
  next: number | null;
}

function nextOf(page: { isLast?: boolean | undefined; total?: number | undefined }, end: number) {
  const last = page.isLast ?? (page.total === undefined || end >= page.total);
  return last ? null : end;
}

/**
 * Projects the credentials can browse whose key or name contains `query`. Cloud pages on the
 * server (`project/search`); Data Center lists every project (`GET /project`, no paging) and
 * this pages the list.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-projects/#api-rest-api-3-project-search-get
 * @see https://docs.atlassian.com/software/jira/docs/api/REST/9.12.0/#api/2/project-getAllProjects
 */
export async function searchProjects(
  deps: JiraDeps,
  target: JiraApi,
  page: { startAt: number; limit: number; query?: string | undefined },
): Promise<OffsetPage<JiraProjectBody>> {
  if (target.deployment === 'cloud') {
    const result = await callJira(
      deps,
      target.endpoint,
      {
        path: '/rest/api/3/project/search',
        query: { query: page.query, startAt: page.startAt, maxResults: page.limit, orderBy: 'key' },
      },
      PageBean(JiraProjectBody),
    );
    return { items: result.values, next: nextOf(result, page.startAt + result.values.length) };
  }
  const all = await callJira(
    deps,
    target.endpoint,
    { path: '/rest/api/2/project' },
    z.array(JiraProjectBody),
  );
  const query = page.query?.toLowerCase();
  const matching = all
    .filter(
      (p) => !query || p.key.toLowerCase().includes(query) || p.name.toLowerCase().includes(query),
    )
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const end = page.startAt + page.limit;
  return { items: matching.slice(page.startAt, end), next: end < matching.length ? end : null };
}

/**
 * The issue types of one project, from the project itself (both deployments list them there).
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-projects/#api-rest-api-3-project-projectidorkey-get
 */
export async function getProjectIssueTypes(deps: JiraDeps, target: JiraApi, project: string) {
  const result = await callJira(
    deps,
    target.endpoint,
    { path: `/rest/api/${target.apiVersion}/project/${encodeURIComponent(project)}` },
    z.object({ issueTypes: z.array(IssueTypeBody).default([]) }).loose(),
  );
  return result.issueTypes;
}

/**
 * One page of a project's versions, in Jira's order (sequence).
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-project-versions/#api-rest-api-3-project-projectidorkey-version-get
 */
export async function listProjectVersions(
  deps: JiraDeps,
  target: JiraApi,
  project: string,
  page: { startAt: number; limit: number },
): Promise<OffsetPage<VersionBody>> {
  const result = await callJira(
    deps,
    target.endpoint,
    {
      path: `/rest/api/${target.apiVersion}/project/${encodeURIComponent(project)}/version`,
      query: { startAt: page.startAt, maxResults: page.limit },
    },
    PageBean(VersionBody),
  );
  return { items: result.values, next: nextOf(result, page.startAt + result.values.length) };
}

/**
 * User searches answer plain arrays without a total: one more than `limit` is asked for, so a
 * further match tells that there is more. Jira cannot filter by account type, so the filter runs
 * here, reading on (at most MAX_USER_CALLS calls) until the page is full or Jira has no more.
 */
async function userPage(
  deps: JiraDeps,
  target: JiraApi,
  path: string,
  query: Record<string, string | undefined>,
  page: { startAt: number; limit: number },
  filter: UserFilter,
): Promise<OffsetPage<JiraUserBody>> {
  const keep = keeps(filter);
  const items: JiraUserBody[] = [];
  let at = page.startAt;
  // A filter may skip many users: read on in bigger pages (the cursor still counts exactly).
  const filtered = filter.accountType !== undefined || filter.active !== undefined;
  const ask = filtered ? Math.max(page.limit + 1, FILTERED_PAGE) : page.limit + 1;
  for (let calls = 0; calls < MAX_USER_CALLS; calls++) {
    const users = await callJira(
      deps,
      target.endpoint,
      { path, query: { ...query, startAt: at, maxResults: ask } },
      z.array(JiraUserBody),
    );
    for (const [index, user] of users.entries()) {
      if (!keep(user)) continue;
      if (items.length === page.limit) return { items, next: at + index };
      items.push(user);
    }
    if (users.length < ask) return { items, next: null };
    at += users.length;
  }
  return { items, next: at };
}

/**
 * Users matching `query` (name or e-mail prefix), or every user when there is none. Cloud:
 * `user/search` (active users only, the first 1000 matches) or `users/search` (everyone); Data
 * Center: `user/search?username=` (`.` lists everyone; inactive ones unless `active` is true).
 * Needs `read:jira-user` on Cloud OAuth.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-user-search/#api-rest-api-3-user-search-get
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-users/#api-rest-api-3-users-search-get
 * @see https://docs.atlassian.com/software/jira/docs/api/REST/9.12.0/#api/2/user-findUsers
 */
export function searchUsers(
  deps: JiraDeps,
  target: JiraApi,
  page: { startAt: number; limit: number; query?: string | undefined },
  filter: UserFilter = {},
): Promise<OffsetPage<JiraUserBody>> {
  if (target.deployment === 'data_center') {
    const activity = {
      includeActive: String(filter.active !== false),
      includeInactive: String(filter.active !== true),
    };
    return userPage(
      deps,
      target,
      '/rest/api/2/user/search',
      { username: page.query ?? '.', ...activity },
      page,
      filter,
    );
  }
  return page.query
    ? userPage(deps, target, '/rest/api/3/user/search', { query: page.query }, page, filter)
    : userPage(deps, target, '/rest/api/3/users/search', {}, page, filter);
}

/**
 * Users who may be assigned issues in `project`, optionally matching `query`.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-user-search/#api-rest-api-3-user-assignable-search-get
 */
export function searchAssignableUsers(
  deps: JiraDeps,
  target: JiraApi,
  project: string,
  page: { startAt: number; limit: number; query?: string | undefined },
  filter: UserFilter = {},
): Promise<OffsetPage<JiraUserBody>> {
  const match = target.deployment === 'cloud' ? { query: page.query } : { username: page.query };
  return userPage(
    deps,
    target,
    `/rest/api/${target.apiVersion}/user/assignable/search`,
    { project, ...match },
    page,
    filter,
  );
}

const LinkTypeBody = z
  .object({ id: z.string(), name: z.string(), inward: z.string(), outward: z.string() })
  .loose();

/**
 * Every issue link type (Relates, Blocks, …).
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-link-types/#api-rest-api-3-issuelinktype-get
 */
export async function listIssueLinkTypes(deps: JiraDeps, target: JiraApi) {
  const result = await callJira(
    deps,
    target.endpoint,
    { path: `/rest/api/${target.apiVersion}/issueLinkType` },
    z.object({ issueLinkTypes: z.array(LinkTypeBody) }).loose(),
  );
  return result.issueLinkTypes;
}
