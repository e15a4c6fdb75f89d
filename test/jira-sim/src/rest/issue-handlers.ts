/**
 * Issue create/get/edit/delete, written once for Cloud (`/rest/api/{2|3}/issue`) and Data Center.
 * Bodies are checked against Atlassian's `IssueUpdateDetails` schema, then field by field.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/
 */
import { z } from 'zod';
import { failWith, jiraError } from '../auth/jira-errors.ts';
import type { SimDeps } from '../deps.ts';
import type { IssuePatch } from '../world/issue-changes.ts';
import { addComment, createIssue, deleteIssue, updateIssue } from '../world/issue-changes.ts';
import { findProject } from '../world/read.ts';
import type { Issue, User } from '../world/types.ts';
import type { RestCall, RestRequest } from './call.ts';
import { can, ISSUE_NOT_FOUND, requireUser, requireVisibleIssue, restBase } from './call.ts';
import { cannotBeSet } from './issue-fields.ts';
import type { DraftResult, IssueUpdateBody } from './issue-update.ts';
import { buildDraft, issueUpdateBody } from './issue-update.ts';
import { readCheckedBody } from './request-body.ts';
import { issueView, parseFieldSelection } from './views/issue-view.ts';
import { resolveTransition } from './workflow.ts';

const projectRef = z.looseObject({ id: z.string().optional(), key: z.string().optional() });

function badRequest(errors: Record<string, string>): never {
  failWith(jiraError(400, [], errors));
}

/** Apply comments and status change that a create/edit body asked for, after the field change. */
function applyFollowUps(
  deps: SimDeps,
  call: RestCall,
  issue: Issue,
  user: User,
  result: DraftResult,
  statusId: string | null,
): void {
  for (const body of result.comments) addComment(deps.world, call.instance, issue.id, body, user);
  if (statusId !== null) updateIssue(deps.world, call.instance, issue.id, { statusId }, user);
}

/** `GET /issue/{issueIdOrKey}` (fields default `*all`). */
export function getIssue(deps: SimDeps, req: RestRequest): Response {
  const issue = requireVisibleIssue(req.call, req.param('issueIdOrKey'));
  const selection = parseFieldSelection(req.url.searchParams.getAll('fields'), '*all');
  return Response.json(issueView(req.call, issue, selection, deps.clock.now()));
}

/** `POST /issue`: 201 `{id, key, self}`; every field error at once in a 400. */
export async function postIssue(deps: SimDeps, req: RestRequest): Promise<Response> {
  const { call } = req;
  const body = await readCheckedBody(req.request, 'POST /rest/api/3/issue', issueUpdateBody);
  const user = requireUser(call);
  const fields = body.fields ?? {};
  const ref = projectRef.safeParse(fields.project);
  const project = ref.success
    ? findProject(call.instance, ref.data.id ?? ref.data.key ?? '')
    : undefined;
  const errors: Record<string, string> = {};
  if (fields.summary === undefined) errors.summary = 'You must specify a summary of the issue.';
  if (fields.issuetype === undefined) errors.issuetype = 'Specify an issue type';
  if (!project || !can(call, 'BROWSE_PROJECTS', project.id)) {
    badRequest({ ...errors, project: 'Specify a valid project ID or key' });
  }
  // Message UNCONFIRMED; Atlassian documents 400 for "a user who does not have the necessary permission".
  if (!can(call, 'CREATE_ISSUES', project.id))
    badRequest({ project: 'You do not have permission to create issues in this project.' });
  const result = buildDraft(body, { call, project, issue: null }, new Set(['project']));
  const allErrors = { ...errors, ...result.errors };
  const { draft } = result;
  if (Object.keys(allErrors).length > 0 || !draft.issueTypeId || draft.summary === undefined)
    badRequest(allErrors);
  const issue = createIssue(
    deps.world,
    call.instance,
    {
      projectId: project.id,
      issueTypeId: draft.issueTypeId,
      summary: draft.summary,
      reporterId: draft.reporterId ?? user.id,
      ...(draft.description === undefined ? {} : { description: draft.description }),
      ...(draft.assigneeId === undefined ? {} : { assigneeId: draft.assigneeId }),
      ...(draft.priority === undefined ? {} : { priority: draft.priority }),
      ...(draft.labels === undefined ? {} : { labels: draft.labels }),
      ...(draft.fixVersionIds === undefined ? {} : { fixVersionIds: draft.fixVersionIds }),
      fields: draft.extra,
    },
    user,
  );
  const created = { id: issue.id, key: issue.key, self: `${restBase(call)}/issue/${issue.id}` };
  if (body.transition === undefined) {
    applyFollowUps(deps, call, issue, user, result, null);
    return Response.json(created, { status: 201 });
  }
  // Jira creates the issue even when the transition fails and reports the failure inside the 201.
  const transition = resolveTransition(call, issue, body.transition.id);
  applyFollowUps(deps, call, issue, user, result, 'error' in transition ? null : transition.to);
  return Response.json(
    {
      ...created,
      transition:
        'error' in transition
          ? { status: 400, errorCollection: { errorMessages: [transition.error], errors: {} } }
          : { status: 204 },
    },
    { status: 201 },
  );
}

function patchOf(issue: Issue, result: DraftResult): IssuePatch {
  const { draft } = result;
  const patch: IssuePatch = {};
  if (draft.summary !== undefined) patch.summary = draft.summary;
  if (draft.description !== undefined) patch.description = draft.description;
  if (draft.assigneeId !== undefined) patch.assigneeId = draft.assigneeId;
  if (draft.issueTypeId !== undefined) patch.issueTypeId = draft.issueTypeId;
  if (draft.priority !== undefined) patch.priority = draft.priority;
  if (draft.labels !== undefined) patch.labels = draft.labels;
  if (draft.fixVersionIds !== undefined) patch.fixVersionIds = draft.fixVersionIds;
  if (Object.keys(draft.extra).length > 0) patch.fields = { ...issue.fields, ...draft.extra };
  return patch;
}

/** Every field error for a caller without *Edit issues*: nothing is on their edit screen. */
function lockedErrors(body: IssueUpdateBody): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const field of [...Object.keys(body.fields ?? {}), ...Object.keys(body.update ?? {})])
    errors[field] = cannotBeSet(field);
  return errors;
}

/** `PUT /issue/{issueIdOrKey}`: 204 (200 with the issue when `returnIssue=true`). */
export async function putIssue(deps: SimDeps, req: RestRequest): Promise<Response> {
  const { call } = req;
  const issue = requireVisibleIssue(call, req.param('issueIdOrKey'));
  const body = await readCheckedBody(
    req.request,
    'PUT /rest/api/3/issue/{issueIdOrKey}',
    issueUpdateBody,
  );
  const user = requireUser(call);
  const project = findProject(call.instance, issue.projectId);
  if (!project) return failWith(jiraError(404, [ISSUE_NOT_FOUND]));
  if (!can(call, 'EDIT_ISSUES', issue.projectId)) badRequest(lockedErrors(body));
  const result = buildDraft(body, { call, project, issue }, new Set());
  if (Object.keys(result.errors).length > 0) badRequest(result.errors);
  const transition =
    body.transition === undefined ? null : resolveTransition(call, issue, body.transition.id);
  if (transition && 'error' in transition) failWith(jiraError(400, [transition.error]));
  updateIssue(deps.world, call.instance, issue.id, patchOf(issue, result), user);
  applyFollowUps(deps, call, issue, user, result, transition ? transition.to : null);
  if (req.url.searchParams.get('returnIssue') === 'true')
    return Response.json(issueView(call, issue, parseFieldSelection([], '*all'), deps.clock.now()));
  return new Response(null, { status: 204 });
}

/** `DELETE /issue/{issueIdOrKey}`: 204; subtasks need `deleteSubtasks=true`. */
export function removeIssue(deps: SimDeps, req: RestRequest): Response {
  const { call } = req;
  const issue = requireVisibleIssue(call, req.param('issueIdOrKey'));
  const user = requireUser(call);
  // Message UNCONFIRMED (Atlassian: 403 "if the user does not have permission to delete the issue").
  if (!can(call, 'DELETE_ISSUES', issue.projectId))
    failWith(jiraError(403, ['You do not have permission to delete issues in this project.']));
  const subtasks = [...call.instance.issues.values()].filter(
    (other) => other.fields.parent === issue.id,
  );
  if (subtasks.length > 0 && req.url.searchParams.get('deleteSubtasks') !== 'true')
    failWith(
      jiraError(400, [
        `The issue '${issue.key}' has subtasks.  You must specify the 'deleteSubtasks' parameter to delete this issue with subtasks.`,
      ]),
    );
  for (const subtask of subtasks) deleteIssue(deps.world, call.instance, subtask.id, user);
  deleteIssue(deps.world, call.instance, issue.id, user);
  return new Response(null, { status: 204 });
}
