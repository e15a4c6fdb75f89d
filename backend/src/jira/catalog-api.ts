/**
 * Jira's catalog reads: projects, a project's issue types and versions, users, assignable users,
 * issue link types. Cloud REST v3 and Data Center REST v2, parsed loosely.
 */
import { z } from 'zod';
import { callJira, type JiraApi, type JiraDeps } from './http.ts';

export const JiraUserBody = z
  .object({
    accountId: z.string().optional(),
    name: z.string().optional(),
    key: z.string().optional(),
    displayName: z.string().optional(),
    emailAddress: z.string().optional(),
    active: z.boolean().optional(),
  })
  .loose();
export type JiraUserBody = z.infer<typeof JiraUserBody>;

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
 * full page tells that there is more.
 */
async function userPage(
  deps: JiraDeps,
  target: JiraApi,
  path: string,
  query: Record<string, string | undefined>,
  page: { startAt: number; limit: number },
): Promise<OffsetPage<JiraUserBody>> {
  const users = await callJira(
    deps,
    target.endpoint,
    { path, query: { ...query, startAt: page.startAt, maxResults: page.limit + 1 } },
    z.array(JiraUserBody),
  );
  const more = users.length > page.limit;
  return { items: users.slice(0, page.limit), next: more ? page.startAt + page.limit : null };
}

/**
 * Users matching `query` (name or e-mail prefix), or every user when there is none. Cloud:
 * `user/search` (active users, the first 1000 matches) or `users/search` (everyone); Data Center:
 * `user/search?username=` (`.` lists everyone). Needs `read:jira-user` on Cloud OAuth.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-user-search/#api-rest-api-3-user-search-get
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-users/#api-rest-api-3-users-search-get
 * @see https://docs.atlassian.com/software/jira/docs/api/REST/9.12.0/#api/2/user-findUsers
 */
export function searchUsers(
  deps: JiraDeps,
  target: JiraApi,
  page: { startAt: number; limit: number; query?: string | undefined },
): Promise<OffsetPage<JiraUserBody>> {
  if (target.deployment === 'data_center')
    return userPage(deps, target, '/rest/api/2/user/search', { username: page.query ?? '.' }, page);
  return page.query
    ? userPage(deps, target, '/rest/api/3/user/search', { query: page.query }, page)
    : userPage(deps, target, '/rest/api/3/users/search', {}, page);
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
): Promise<OffsetPage<JiraUserBody>> {
  const filter = target.deployment === 'cloud' ? { query: page.query } : { username: page.query };
  return userPage(
    deps,
    target,
    `/rest/api/${target.apiVersion}/user/assignable/search`,
    { project, ...filter },
    page,
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
