/**
 * The test tool's Jira use cases: resolve the connection's endpoint for the calling user (reads
 * may fall back to the shared grant, writes honour `requireUserGrantForWrites`), call Jira, shape.
 */
import type {
  AddJiraCommentRequest,
  CreateJiraIssueRequest,
  JiraCommentAdded,
  JiraFilteredPageQuery,
  JiraIssue,
  JiraIssueCreated,
  JiraIssueSummary,
  JiraIssueType,
  JiraPageQuery,
  JiraProject,
  JiraUser,
  JiraUserQuery,
  JiraVersion,
  LinkJiraIssuesRequest,
  RemoteLinkSaved,
  SearchJiraIssuesRequest,
  UpsertRemoteLinkRequest,
} from '@testbridge/shared/api/tool-api';
import { AppError } from '../http/errors.ts';
import {
  getProjectIssueTypes,
  listIssueLinkTypes,
  listProjectVersions,
  type OffsetPage,
  searchAssignableUsers,
  searchProjects,
  searchUsers,
} from '../jira/catalog-api.ts';
import * as issues from '../jira/issues-api.ts';
import { decodeCursor, decodeOffset, encodeCursor } from './cursor.ts';
import { jiraTargetFor, type ToolApiDeps } from './endpoint.ts';
import { rethrowCreateFields, rethrowJqlFields } from './jira-fields.ts';
import {
  browseUrlOf,
  toIssue,
  toIssueSummary,
  toJiraProject,
  toJiraUser,
  toJiraVersion,
} from './views.ts';

/** Who a call is for: the connection and the test-tool user (`X-Testbridge-User`), if named. */
export interface CallFor {
  connectionId: string;
  user: string | undefined;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

function pageOf<B, T>(page: OffsetPage<B>, view: (item: B) => T): Page<T> {
  return {
    items: page.items.map(view),
    nextCursor: encodeCursor(page.next === null ? null : { startAt: page.next }),
  };
}

const read = (deps: ToolApiDeps, call: CallFor) =>
  jiraTargetFor(deps, call.connectionId, call.user, 'read');
const write = (deps: ToolApiDeps, call: CallFor) =>
  jiraTargetFor(deps, call.connectionId, call.user, 'write');

export async function listJiraProjects(
  deps: ToolApiDeps,
  call: CallFor,
  query: JiraFilteredPageQuery,
): Promise<Page<JiraProject>> {
  const target = await read(deps, call);
  const startAt = decodeOffset(query.cursor, 'query.cursor');
  const page = await searchProjects(deps, target, {
    startAt,
    limit: query.limit,
    query: query.query,
  });
  return pageOf(page, toJiraProject);
}

export async function listJiraIssueTypes(
  deps: ToolApiDeps,
  call: CallFor,
  project: string,
): Promise<{ items: JiraIssueType[] }> {
  const target = await read(deps, call);
  const types = await getProjectIssueTypes(deps, target, project);
  return {
    items: types.map((t) => ({ id: t.id, name: t.name, subtask: t.subtask ?? false })),
  };
}

export async function listJiraVersions(
  deps: ToolApiDeps,
  call: CallFor,
  project: string,
  query: JiraPageQuery,
): Promise<Page<JiraVersion>> {
  const target = await read(deps, call);
  const startAt = decodeOffset(query.cursor, 'query.cursor');
  const page = await listProjectVersions(deps, target, project, { startAt, limit: query.limit });
  return pageOf(page, toJiraVersion);
}

const userFilterOf = (query: JiraUserQuery) => ({
  accountType: query.accountType,
  active: query.active === undefined ? undefined : query.active === 'true',
});

/** A page of users; `accountType` and `active` filter (a filtered page may hold fewer). */
export async function listJiraUsers(
  deps: ToolApiDeps,
  call: CallFor,
  query: JiraUserQuery,
): Promise<Page<JiraUser>> {
  const target = await read(deps, call);
  const startAt = decodeOffset(query.cursor, 'query.cursor');
  const page = await searchUsers(
    deps,
    target,
    { startAt, limit: query.limit, query: query.query },
    userFilterOf(query),
  );
  return pageOf(page, toJiraUser);
}

export async function listAssignableJiraUsers(
  deps: ToolApiDeps,
  call: CallFor,
  project: string,
  query: JiraUserQuery,
): Promise<Page<JiraUser>> {
  const target = await read(deps, call);
  const startAt = decodeOffset(query.cursor, 'query.cursor');
  const page = await searchAssignableUsers(
    deps,
    target,
    project,
    { startAt, limit: query.limit, query: query.query },
    userFilterOf(query),
  );
  return pageOf(page, toJiraUser);
}

export async function listJiraIssueLinkTypes(deps: ToolApiDeps, call: CallFor) {
  const target = await read(deps, call);
  const types = await listIssueLinkTypes(deps, target);
  return {
    items: types.map((t) => ({ id: t.id, name: t.name, inward: t.inward, outward: t.outward })),
  };
}

/** A page of issues; the cursor is Jira Cloud's `nextPageToken` or a Data Center offset. */
export async function searchJiraIssues(
  deps: ToolApiDeps,
  call: CallFor,
  request: SearchJiraIssuesRequest,
): Promise<Page<JiraIssueSummary>> {
  const target = await read(deps, call);
  const from = decodeCursor(request.cursor, 'body.cursor');
  if (from && 'token' in from !== (target.deployment === 'cloud')) {
    throw new AppError('validation_failed', 'Invalid body.cursor', {
      invalidFields: [{ field: 'body.cursor', message: 'is not a cursor of this search' }],
    });
  }
  const page = await issues
    .searchIssues(deps, target, request.jql, request.limit, from)
    .catch(rethrowJqlFields);
  return {
    items: page.issues.map((issue) => toIssueSummary(target, issue)),
    nextCursor: encodeCursor(page.next),
  };
}

export async function getJiraIssue(
  deps: ToolApiDeps,
  call: CallFor,
  issue: string,
): Promise<JiraIssue> {
  const target = await read(deps, call);
  return toIssue(target, await issues.getIssue(deps, target, issue));
}

export async function createJiraIssue(
  deps: ToolApiDeps,
  call: CallFor,
  request: CreateJiraIssueRequest,
): Promise<JiraIssueCreated> {
  const target = await write(deps, call);
  const created = await issues.createIssue(deps, target, request).catch(rethrowCreateFields);
  deps.logger.info(
    { connectionId: call.connectionId, issue: created.key, grant: target.grant },
    'jira issue created',
  );
  return { id: created.id, key: created.key, url: browseUrlOf(target, created.key) };
}

export async function linkJiraIssues(
  deps: ToolApiDeps,
  call: CallFor,
  request: LinkJiraIssuesRequest,
): Promise<LinkJiraIssuesRequest> {
  const target = await write(deps, call);
  await issues.linkIssues(deps, target, request);
  return request;
}

/** Creates or updates (same `globalId`) a remote link; `created` tells which. */
export async function upsertJiraRemoteLink(
  deps: ToolApiDeps,
  call: CallFor,
  issue: string,
  request: UpsertRemoteLinkRequest,
): Promise<{ link: RemoteLinkSaved; created: boolean }> {
  const target = await write(deps, call);
  const saved = await issues.upsertRemoteLink(deps, target, issue, request);
  return { link: { id: saved.id, globalId: request.globalId }, created: saved.created };
}

export async function addJiraComment(
  deps: ToolApiDeps,
  call: CallFor,
  issue: string,
  request: AddJiraCommentRequest,
): Promise<JiraCommentAdded> {
  const target = await write(deps, call);
  const comment = await issues.addComment(deps, target, issue, request.body);
  return {
    id: comment.id,
    author: comment.author ? toJiraUser(comment.author) : null,
    created: comment.created ?? null,
  };
}
