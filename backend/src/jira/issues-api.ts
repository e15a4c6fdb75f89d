/**
 * Jira's issue calls: search (token paging on Cloud, `startAt` on Data Center), get, create, link,
 * remote link, comment. Plain text goes as ADF on Cloud and escaped wiki text on DC (`text.ts`).
 */
import { z } from 'zod';
import { JiraUserBody } from './catalog-api.ts';
import { JiraCallError } from './errors.ts';
import { callJira, callJiraWithStatus, type JiraApi, type JiraDeps } from './http.ts';
import { toJiraRichText } from './text.ts';

const Named = z.object({ id: z.string(), name: z.string() });

export const IssueBody = z.object({
  id: z.string(),
  key: z.string(),
  fields: z
    .object({
      summary: z.string().nullish(),
      status: Named.extend({
        statusCategory: z.object({ key: z.string() }).optional(),
      }).nullish(),
      issuetype: Named.nullish(),
      project: z.object({ id: z.string(), key: z.string(), name: z.string() }).nullish(),
      priority: z.object({ name: z.string() }).nullish(),
      labels: z.array(z.string()).nullish(),
      assignee: JiraUserBody.nullish(),
      reporter: JiraUserBody.nullish(),
      created: z.string().nullish(),
      updated: z.string().nullish(),
      description: z.unknown().optional(),
    })
    .default({}),
});
export type IssueBody = z.infer<typeof IssueBody>;

// Unknown keys are dropped, not copied (an issue page is ~60 KB of avatars, self links and
// expands; copying them cost three times the parse of what is read).
// Answers' schemas are built once: zod builds and compiles a schema on first use, so a schema
// made per call cost more than parsing the answer with it (~4% of a mediated search).
const CloudSearchPage = z.object({
  issues: z.array(IssueBody),
  nextPageToken: z.string().nullish(),
});
const DcSearchPage = z.object({ issues: z.array(IssueBody), total: z.number().optional() });
const CreatedIssue = z.object({ id: z.string(), key: z.string() }).loose();
const RemoteLinkAnswer = z.object({ id: z.union([z.number(), z.string()]) }).loose();
const CommentAnswer = z
  .object({ id: z.string(), author: JiraUserBody.nullish(), created: z.string().nullish() })
  .loose();

const SUMMARY_FIELDS = [
  'summary',
  'status',
  'issuetype',
  'project',
  'priority',
  'labels',
  'assignee',
  'reporter',
  'created',
  'updated',
];

/** Where the next page starts: Jira Cloud's token, or a Data Center offset. */
export type SearchPosition = { token: string } | { startAt: number };

/**
 * One page of issues matching `jql`. Cloud: `POST /rest/api/3/search/jql` (`nextPageToken`, bound
 * to its JQL); Data Center: `POST /rest/api/2/search` (`startAt`, `total`).
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/#api-rest-api-3-search-jql-post
 * @see https://docs.atlassian.com/software/jira/docs/api/REST/9.12.0/#api/2/search-searchUsingSearchRequest
 */
export async function searchIssues(
  deps: JiraDeps,
  target: JiraApi,
  jql: string,
  limit: number,
  from: SearchPosition | undefined,
): Promise<{ issues: IssueBody[]; next: SearchPosition | null }> {
  if (target.deployment === 'cloud') {
    const token = from && 'token' in from ? from.token : undefined;
    const page = await callJira(
      deps,
      target.endpoint,
      {
        method: 'POST',
        path: '/rest/api/3/search/jql',
        body: {
          jql,
          maxResults: limit,
          fields: SUMMARY_FIELDS,
          ...(token ? { nextPageToken: token } : {}),
        },
        idempotent: true,
      },
      CloudSearchPage,
    );
    return { issues: page.issues, next: page.nextPageToken ? { token: page.nextPageToken } : null };
  }
  const startAt = from && 'startAt' in from ? from.startAt : 0;
  const page = await callJira(
    deps,
    target.endpoint,
    {
      method: 'POST',
      path: '/rest/api/2/search',
      body: { jql, startAt, maxResults: limit, fields: SUMMARY_FIELDS },
      idempotent: true,
    },
    DcSearchPage,
  );
  const end = startAt + page.issues.length;
  const more = page.issues.length > 0 && (page.total === undefined || end < page.total);
  return { issues: page.issues, next: more ? { startAt: end } : null };
}

/**
 * One issue with its description.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-issueidorkey-get
 */
export function getIssue(deps: JiraDeps, target: JiraApi, issue: string): Promise<IssueBody> {
  return callJira(
    deps,
    target.endpoint,
    {
      path: `/rest/api/${target.apiVersion}/issue/${encodeURIComponent(issue)}`,
      query: { fields: [...SUMMARY_FIELDS, 'description'].join(',') },
    },
    IssueBody,
  );
}

export interface NewIssue {
  project: string;
  issueType: string;
  summary: string;
  description?: string | undefined;
  assignee?: string | undefined;
  labels?: string[] | undefined;
  /** Component names (or ids) of the project. */
  components?: string[] | undefined;
  priority?: string | undefined;
}

const idOrName = (value: string) => (/^\d+$/.test(value) ? { id: value } : { name: value });

/**
 * Creates an issue; the description becomes ADF on Cloud and stays text on Data Center, the
 * assignee is an accountId on Cloud and a username on Data Center.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-post
 */
export function createIssue(deps: JiraDeps, target: JiraApi, input: NewIssue) {
  const fields: Record<string, unknown> = {
    project: /^\d+$/.test(input.project) ? { id: input.project } : { key: input.project },
    issuetype: idOrName(input.issueType),
    summary: input.summary,
  };
  if (input.description !== undefined)
    fields.description = toJiraRichText(target.deployment, input.description);
  if (input.assignee !== undefined)
    fields.assignee =
      target.deployment === 'cloud' ? { accountId: input.assignee } : { name: input.assignee };
  if (input.labels !== undefined) fields.labels = input.labels;
  if (input.components !== undefined && input.components.length > 0)
    fields.components = input.components.map(idOrName);
  if (input.priority !== undefined) fields.priority = idOrName(input.priority);
  return callJira(
    deps,
    target.endpoint,
    { method: 'POST', path: `/rest/api/${target.apiVersion}/issue`, body: { fields } },
    CreatedIssue,
  );
}

/**
 * Links two issues (201 without a body).
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-links/#api-rest-api-3-issuelink-post
 */
export async function linkIssues(
  deps: JiraDeps,
  target: JiraApi,
  link: { type: string; inwardIssue: string; outwardIssue: string },
): Promise<void> {
  const ref = (issue: string) => (/^\d+$/.test(issue) ? { id: issue } : { key: issue });
  await callJira(
    deps,
    target.endpoint,
    {
      method: 'POST',
      path: `/rest/api/${target.apiVersion}/issueLink`,
      body: {
        type: idOrName(link.type),
        inwardIssue: ref(link.inwardIssue),
        outwardIssue: ref(link.outwardIssue),
      },
    },
    z.unknown(),
  );
}

export interface RemoteLink {
  globalId: string;
  url: string;
  title: string;
  summary?: string | undefined;
  relationship?: string | undefined;
  application?: { type?: string | undefined; name?: string | undefined } | undefined;
}

/**
 * Creates or updates (same `globalId`) a remote link on an issue; `created` tells which (Jira
 * answers 201 on create, 200 on update). Safe to repeat, so retried.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-remote-links/#api-rest-api-3-issue-issueidorkey-remotelink-post
 * @see https://docs.atlassian.com/software/jira/docs/api/REST/9.12.0/#api/2/issue-createOrUpdateRemoteIssueLink
 */
export async function upsertRemoteLink(
  deps: JiraDeps,
  target: JiraApi,
  issue: string,
  link: RemoteLink,
): Promise<{ id: string; created: boolean }> {
  const { status, body } = await callJiraWithStatus(
    deps,
    target.endpoint,
    {
      method: 'POST',
      path: `/rest/api/${target.apiVersion}/issue/${encodeURIComponent(issue)}/remotelink`,
      body: {
        globalId: link.globalId,
        ...(link.application ? { application: link.application } : {}),
        ...(link.relationship ? { relationship: link.relationship } : {}),
        object: {
          url: link.url,
          title: link.title,
          ...(link.summary !== undefined ? { summary: link.summary } : {}),
        },
      },
      idempotent: true,
    },
    RemoteLinkAnswer,
  );
  return { id: String(body.id), created: status === 201 };
}

/**
 * Removes the remote link with `globalId` from an issue; false when there was none to remove
 * (Jira answers 404 both for a missing link and for an issue that is gone). Safe to repeat.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-remote-links/#api-rest-api-3-issue-issueidorkey-remotelink-delete
 */
export async function deleteRemoteLinkByGlobalId(
  deps: JiraDeps,
  target: JiraApi,
  issue: string,
  globalId: string,
): Promise<boolean> {
  try {
    await callJira(
      deps,
      target.endpoint,
      {
        method: 'DELETE',
        path: `/rest/api/${target.apiVersion}/issue/${encodeURIComponent(issue)}/remotelink`,
        query: { globalId },
      },
      z.unknown(),
    );
    return true;
  } catch (error) {
    if (error instanceof JiraCallError && error.code === 'jira_not_found') return false;
    throw error;
  }
}

/**
 * Adds a comment (ADF on Cloud, wiki text on Data Center).
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-comments/#api-rest-api-3-issue-issueidorkey-comment-post
 */
export function addComment(deps: JiraDeps, target: JiraApi, issue: string, text: string) {
  return callJira(
    deps,
    target.endpoint,
    {
      method: 'POST',
      path: `/rest/api/${target.apiVersion}/issue/${encodeURIComponent(issue)}/comment`,
      body: { body: toJiraRichText(target.deployment, text) },
    },
    CommentAnswer,
  );
}

/**
 * Sets an issue entity property (201 on create, 200 on update, no body); safe to repeat, so
 * retried. Apps index such properties for JQL (the Forge manifest's `jira:entityProperty`).
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-properties/#api-rest-api-3-issue-issueidorkey-properties-propertykey-put
 */
export async function setIssueProperty(
  deps: JiraDeps,
  target: JiraApi,
  issue: string,
  key: string,
  value: unknown,
): Promise<void> {
  await callJira(
    deps,
    target.endpoint,
    {
      method: 'PUT',
      path: `/rest/api/${target.apiVersion}/issue/${encodeURIComponent(issue)}/properties/${encodeURIComponent(key)}`,
      body: value,
      idempotent: true,
    },
    z.unknown(),
  );
}
