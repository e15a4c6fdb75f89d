/**
 * Jira lookups for results and mappings: a project with its id and issue types, and issue keys
 * resolved to issue ids in one batched JQL search (`key in (…)`), old keys of moved issues too.
 */
import { z } from 'zod';
import { JiraCallError } from './errors.ts';
import { callJira, type JiraApi, type JiraDeps } from './http.ts';

const ProjectBody = z
  .object({
    id: z.string(),
    key: z.string(),
    name: z.string(),
    issueTypes: z
      .array(
        z.object({ id: z.string(), name: z.string(), subtask: z.boolean().optional() }).loose(),
      )
      .default([]),
  })
  .loose();
export type JiraProjectWithTypes = z.infer<typeof ProjectBody>;

/**
 * One project with its id and issue types.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-projects/#api-rest-api-3-project-projectidorkey-get
 * @throws JiraCallError (jira_not_found: no such project, or not visible to the grant)
 */
export function getProjectWithIssueTypes(
  deps: JiraDeps,
  target: JiraApi,
  projectKey: string,
): Promise<JiraProjectWithTypes> {
  return callJira(
    deps,
    target.endpoint,
    { path: `/rest/api/${target.apiVersion}/project/${encodeURIComponent(projectKey)}` },
    ProjectBody,
  );
}

const KeyPage = z
  .object({
    issues: z.array(z.object({ id: z.string(), key: z.string() }).loose()),
    nextPageToken: z.string().nullish(),
    total: z.number().optional(),
  })
  .loose();
const IssueIdentity = z.object({ id: z.string(), key: z.string() }).loose();

/** Keys per JQL search: keeps the JQL well under Jira's URL/body limits. */
export const KEYS_PER_SEARCH = 200;

/** Jira's words for a key in `key in (…)` that it does not know (or may not show). */
const UNKNOWN_KEY = [
  /An issue with key '([^']+)' does not exist for field 'key'/,
  /The issue key '([^']+)' for field 'key' is invalid/,
];

function unknownKeysIn(error: unknown): string[] | undefined {
  if (!(error instanceof JiraCallError) || error.code !== 'jira_rejected_request') return undefined;
  const messages = error.jira?.errorMessages ?? [];
  const keys = messages.map((m) => UNKNOWN_KEY.map((re) => re.exec(m)?.[1]).find(Boolean));
  if (keys.length === 0 || keys.some((key) => !key)) return undefined;
  return keys as string[];
}

async function searchKeys(deps: JiraDeps, target: JiraApi, keys: readonly string[]) {
  const jql = `key in (${keys.join(', ')})`;
  const body =
    target.deployment === 'cloud'
      ? { jql, maxResults: keys.length, fields: ['key'] }
      : { jql, startAt: 0, maxResults: keys.length, fields: ['key'] };
  const page = await callJira(
    deps,
    target.endpoint,
    {
      method: 'POST',
      path: target.deployment === 'cloud' ? '/rest/api/3/search/jql' : '/rest/api/2/search',
      body,
      idempotent: true,
    },
    KeyPage,
  );
  return page.issues;
}

/** What Jira said about a set of keys: each known key's issue (id, current key), the unknown. */
export interface ResolvedKeys {
  found: Map<string, { id: string; key: string }>;
  unknown: string[];
}

/**
 * Resolves issue keys to ids: one `key in (…)` search per KEYS_PER_SEARCH keys. Jira refuses the
 * whole query naming keys it does not know; those are set aside and the search repeated without
 * them. A key Jira answers under another key (the issue moved) is read on its own, as Jira
 * follows old keys there, so each asked key maps to its issue.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/#api-rest-api-3-search-jql-post
 * @throws JiraCallError for anything but unknown keys
 */
export async function resolveIssueKeys(
  deps: JiraDeps,
  target: JiraApi,
  keys: readonly string[],
  perSearch = KEYS_PER_SEARCH,
): Promise<ResolvedKeys> {
  const found = new Map<string, { id: string; key: string }>();
  const unknown: string[] = [];
  const wanted = [...new Set(keys.map((key) => key.toUpperCase()))];
  for (let start = 0; start < wanted.length; start += perSearch) {
    let chunk = wanted.slice(start, start + perSearch);
    while (chunk.length > 0) {
      let issues: { id: string; key: string }[];
      try {
        issues = await searchKeys(deps, target, chunk);
      } catch (error) {
        const refused = unknownKeysIn(error);
        if (!refused) throw error;
        const set = new Set(refused.map((key) => key.toUpperCase()));
        const rest = chunk.filter((key) => !set.has(key));
        if (rest.length === chunk.length) throw error;
        unknown.push(...chunk.filter((key) => set.has(key)));
        chunk = rest;
        continue;
      }
      const byKey = new Map(issues.map((issue) => [issue.key.toUpperCase(), issue]));
      for (const key of chunk) {
        const issue = byKey.get(key) ?? (await readMoved(deps, target, key));
        if (issue) found.set(key, { id: issue.id, key: issue.key });
        else unknown.push(key);
      }
      chunk = [];
    }
  }
  return { found, unknown };
}

/** An issue asked for by an old key: Jira answers it under its new key. */
async function readMoved(deps: JiraDeps, target: JiraApi, key: string) {
  try {
    return await getIssueIdentity(deps, target, key);
  } catch (error) {
    if (error instanceof JiraCallError && error.code === 'jira_not_found') return undefined;
    throw error;
  }
}

/**
 * One issue's id and current key, by id or key (an old key of a moved issue answers the issue
 * under its new key).
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-issueidorkey-get
 * @throws JiraCallError (jira_not_found: no such issue, or hidden)
 */
export function getIssueIdentity(deps: JiraDeps, target: JiraApi, idOrKey: string) {
  return callJira(
    deps,
    target.endpoint,
    {
      path: `/rest/api/${target.apiVersion}/issue/${encodeURIComponent(idOrKey)}`,
      query: { fields: 'key' },
    },
    IssueIdentity,
  );
}
