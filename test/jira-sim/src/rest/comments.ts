/**
 * Issue comments: paged list (`{startAt, maxResults, total, comments}`, orderBy `created` only),
 * get, add (201; ADF on v3, wiki text on v2/DC), edit (200) and delete (204). Editing or deleting
 * someone else's comment needs *Administer projects* (the simulator's stand-in for "all comments").
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-comments/
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { failWith, jiraError } from '../auth/jira-errors.ts';
import type { CloudEnv, DcEnv } from '../auth/principal.ts';
import { requireDcScope, requireOperationScopes } from '../auth/scopes.ts';
import type { SimDeps } from '../deps.ts';
import { deleteComment, updateComment } from '../world/comment-changes.ts';
import { addComment } from '../world/issue-changes.ts';
import type { Comment, Issue, JsonValue } from '../world/types.ts';
import type { RestCall, RestRequest } from './call.ts';
import { can, cloudRequest, dcRequest, requireUser, requireVisibleIssue } from './call.ts';
import { pageOf } from './paging.ts';
import { readCheckedBody } from './request-body.ts';
import { richTextError } from './rich-text.ts';
import { commentView } from './views/link-views.ts';

const commentBody = z.looseObject({ body: z.json().optional() });

/** The comment body, or Jira's `{"errors":{"comment":…}}` 400. */
async function readBody(req: RestRequest, operation: string): Promise<JsonValue> {
  const { body } = await readCheckedBody(req.request, operation, commentBody);
  if (body === undefined || richTextError(req.call, body) !== null)
    failWith(jiraError(400, [], { comment: 'Comment body is not valid!' }));
  if (typeof body === 'string' && body.trim() === '')
    failWith(jiraError(400, [], { comment: 'Comment body can not be empty!' }));
  return body;
}

function requireComment(call: RestCall, issue: Issue, id: string): Comment {
  const comment = call.instance.comments.get(id);
  if (!comment || comment.issueId !== issue.id)
    failWith(jiraError(404, [`Can not find a comment for the id: ${id}.`]));
  return comment;
}

function mayChange(call: RestCall, comment: Comment, issue: Issue): boolean {
  return call.user?.id === comment.authorId || can(call, 'ADMINISTER_PROJECTS', issue.projectId);
}

function list(req: RestRequest): Response {
  const { call, url } = req;
  const issue = requireVisibleIssue(call, req.param('issueIdOrKey'));
  const orderBy = url.searchParams.get('orderBy') ?? 'created';
  // Atlassian: 400 "if orderBy is set to a value other than created" (message UNCONFIRMED).
  if (!['created', '+created', '-created'].includes(orderBy))
    failWith(jiraError(400, [`Invalid orderBy value '${orderBy}'; only 'created' is supported.`]));
  const comments = [...call.instance.comments.values()]
    .filter((c) => c.issueId === issue.id)
    .sort(
      (a, b) =>
        (a.created - b.created || Number(a.id) - Number(b.id)) * (orderBy === '-created' ? -1 : 1),
    );
  const int = (name: string, fallback: number) => {
    const value = Number(url.searchParams.get(name) ?? fallback);
    return Number.isInteger(value) ? value : fallback;
  };
  // Atlassian: maxResults defaults to 100 (the simulator also caps it there).
  const paging = {
    startAt: Math.max(0, int('startAt', 0)),
    maxResults: Math.min(Math.max(0, int('maxResults', 100)), 100),
  };
  const page = pageOf(comments, paging);
  return Response.json({
    comments: page.values.map((c) => commentView(call, c)),
    maxResults: page.maxResults,
    total: page.total,
    startAt: page.startAt,
  });
}

async function add(deps: SimDeps, req: RestRequest): Promise<Response> {
  const issue = requireVisibleIssue(req.call, req.param('issueIdOrKey'));
  const body = await readBody(req, 'POST /rest/api/3/issue/{issueIdOrKey}/comment');
  const user = requireUser(req.call);
  // Message UNCONFIRMED (Atlassian documents 400 for an invalid request).
  if (!can(req.call, 'ADD_COMMENTS', issue.projectId))
    failWith(jiraError(400, ['You do not have the permission to comment on this issue.']));
  const comment = addComment(deps.world, req.call.instance, issue.id, body, user);
  return Response.json(commentView(req.call, comment), { status: 201 });
}

async function edit(deps: SimDeps, req: RestRequest): Promise<Response> {
  const issue = requireVisibleIssue(req.call, req.param('issueIdOrKey'));
  const comment = requireComment(req.call, issue, req.param('id'));
  const body = await readBody(req, 'PUT /rest/api/3/issue/{issueIdOrKey}/comment/{id}');
  const user = requireUser(req.call);
  if (!mayChange(req.call, comment, issue))
    failWith(jiraError(400, ['You do not have the permission to edit this comment.']));
  updateComment(deps.world, req.call.instance, comment.id, body, user);
  return Response.json(commentView(req.call, comment));
}

function remove(deps: SimDeps, req: RestRequest): Response {
  const issue = requireVisibleIssue(req.call, req.param('issueIdOrKey'));
  const comment = requireComment(req.call, issue, req.param('id'));
  if (!req.call.user) failWith(jiraError(405, ['Anonymous users cannot delete comments.']));
  const user = requireUser(req.call);
  if (!mayChange(req.call, comment, issue))
    failWith(jiraError(400, ['You do not have the permission to delete this comment.']));
  deleteComment(deps.world, req.call.instance, comment.id, user);
  return new Response(null, { status: 204 });
}

const LIST = '/rest/api/3/issue/{issueIdOrKey}/comment';
const ONE = '/rest/api/3/issue/{issueIdOrKey}/comment/{id}';

export function createCloudCommentRoutes(deps: SimDeps): Hono<CloudEnv> {
  const router = new Hono<CloudEnv>();
  const path = '/rest/api/:version{[23]}/issue/:issueIdOrKey/comment';
  router.get(path, requireOperationScopes('GET', LIST), (c) => list(cloudRequest(c)));
  router.post(path, requireOperationScopes('POST', LIST), (c) => add(deps, cloudRequest(c)));
  router.get(`${path}/:id`, requireOperationScopes('GET', ONE), (c) => {
    const req = cloudRequest(c);
    const issue = requireVisibleIssue(req.call, req.param('issueIdOrKey'));
    return c.json(commentView(req.call, requireComment(req.call, issue, req.param('id'))));
  });
  router.put(`${path}/:id`, requireOperationScopes('PUT', ONE), (c) => edit(deps, cloudRequest(c)));
  router.delete(`${path}/:id`, requireOperationScopes('DELETE', ONE), (c) =>
    remove(deps, cloudRequest(c)),
  );
  return router;
}

export function createDcCommentRoutes(deps: SimDeps): Hono<DcEnv> {
  const router = new Hono<DcEnv>();
  const path = '/rest/api/2/issue/:issueIdOrKey/comment';
  router.get(path, requireDcScope('READ'), (c) => list(dcRequest(c)));
  router.post(path, requireDcScope('WRITE'), (c) => add(deps, dcRequest(c)));
  router.get(`${path}/:id`, requireDcScope('READ'), (c) => {
    const req = dcRequest(c);
    const issue = requireVisibleIssue(req.call, req.param('issueIdOrKey'));
    return c.json(commentView(req.call, requireComment(req.call, issue, req.param('id'))));
  });
  router.put(`${path}/:id`, requireDcScope('WRITE'), (c) => edit(deps, dcRequest(c)));
  router.delete(`${path}/:id`, requireDcScope('WRITE'), (c) => remove(deps, dcRequest(c)));
  return router;
}
