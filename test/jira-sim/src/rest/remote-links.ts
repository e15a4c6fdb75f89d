/**
 * Remote issue links (how test results link back to Jira): list/get, create-or-update by
 * `globalId` (200 on update, 201 on create), replace by id, delete by `globalId` or id.
 * Needs *Browse projects* (404) and *Link issues* (403) in the issue's project.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-remote-links/
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { failWith, jiraError } from '../auth/jira-errors.ts';
import type { CloudEnv, DcEnv } from '../auth/principal.ts';
import { requireDcScope, requireOperationScopes } from '../auth/scopes.ts';
import type { SimDeps } from '../deps.ts';
import type { RemoteLinkInput } from '../world/link-changes.ts';
import { deleteRemoteLink, replaceRemoteLink, upsertRemoteLink } from '../world/link-changes.ts';
import type { Issue, RemoteLink } from '../world/types.ts';
import type { RestCall, RestRequest } from './call.ts';
import { can, cloudRequest, dcRequest, requireUser, requireVisibleIssue } from './call.ts';
import { readCheckedBody } from './request-body.ts';
import { remoteLinkSelf, remoteLinkView } from './views/link-views.ts';

const remoteLinkBody = z.looseObject({
  globalId: z.string().optional(),
  application: z.record(z.string(), z.json()).optional(),
  relationship: z.string().optional(),
  object: z.record(z.string(), z.json()),
});

const OPERATION = 'POST /rest/api/3/issue/{issueIdOrKey}/remotelink';

function requireLinkPermission(call: RestCall, issue: Issue, alsoEdit = false): void {
  const allowed =
    can(call, 'LINK_ISSUES', issue.projectId) &&
    (!alsoEdit || can(call, 'EDIT_ISSUES', issue.projectId));
  // Message UNCONFIRMED (Atlassian: 403 "if the user does not have permission to link issues").
  if (!allowed) failWith(jiraError(403, ['You do not have permission to link issues.']));
}

async function readInput(req: RestRequest): Promise<RemoteLinkInput> {
  const body = await readCheckedBody(req.request, OPERATION, remoteLinkBody);
  // Atlassian: "The maximum length is 255 characters" (message UNCONFIRMED).
  if (body.globalId !== undefined && body.globalId.length > 255)
    failWith(jiraError(400, [], { globalId: 'The global ID must be at most 255 characters.' }));
  return {
    globalId: body.globalId ?? null,
    application: body.application ?? null,
    relationship: body.relationship ?? null,
    object: body.object,
  };
}

function linksOf(call: RestCall, issue: Issue): RemoteLink[] {
  return [...call.instance.remoteLinks.values()].filter((l) => l.issueId === issue.id);
}

/** The issue's link with this id: 404 if there is none, 400 if it belongs to another issue. */
function requireLink(call: RestCall, issue: Issue, linkId: string): RemoteLink {
  if (!/^\d+$/.test(linkId)) failWith(jiraError(400, [`Invalid remote link id '${linkId}'.`]));
  const link = call.instance.remoteLinks.get(linkId);
  if (!link) failWith(jiraError(404, [`No remote link with id '${linkId}' found.`]));
  if (link.issueId !== issue.id)
    failWith(jiraError(400, ['The remote issue link does not belong to the issue.']));
  return link;
}

function list(req: RestRequest): Response {
  const issue = requireVisibleIssue(req.call, req.param('issueIdOrKey'));
  const globalId = req.url.searchParams.get('globalId');
  const links = linksOf(req.call, issue);
  if (globalId === null) return Response.json(links.map((l) => remoteLinkView(req.call, l)));
  const link = links.find((l) => l.globalId === globalId);
  if (!link) failWith(jiraError(404, [`No remote link with globalId '${globalId}' found.`]));
  return Response.json(remoteLinkView(req.call, link));
}

async function upsert(deps: SimDeps, req: RestRequest): Promise<Response> {
  const issue = requireVisibleIssue(req.call, req.param('issueIdOrKey'));
  const input = await readInput(req);
  const user = requireUser(req.call);
  requireLinkPermission(req.call, issue);
  const { remoteLink, created } = upsertRemoteLink(
    deps.world,
    req.call.instance,
    issue.id,
    input,
    user,
  );
  return Response.json(
    { id: Number(remoteLink.id), self: remoteLinkSelf(req.call, remoteLink) },
    { status: created ? 201 : 200 },
  );
}

async function replace(deps: SimDeps, req: RestRequest): Promise<Response> {
  const issue = requireVisibleIssue(req.call, req.param('issueIdOrKey'));
  const link = requireLink(req.call, issue, req.param('linkId'));
  const input = await readInput(req);
  const user = requireUser(req.call);
  requireLinkPermission(req.call, issue);
  replaceRemoteLink(deps.world, req.call.instance, link.id, input, user);
  return new Response(null, { status: 204 });
}

function removeByGlobalId(deps: SimDeps, req: RestRequest): Response {
  const issue = requireVisibleIssue(req.call, req.param('issueIdOrKey'));
  const globalId = req.url.searchParams.get('globalId');
  // Atlassian: 400 "if a global ID isn't provided" (message UNCONFIRMED).
  if (!globalId) failWith(jiraError(400, ['A globalId must be provided.']));
  const user = requireUser(req.call);
  requireLinkPermission(req.call, issue);
  const link = linksOf(req.call, issue).find((l) => l.globalId === globalId);
  if (!link) failWith(jiraError(404, [`No remote link with globalId '${globalId}' found.`]));
  deleteRemoteLink(deps.world, req.call.instance, link.id, user);
  return new Response(null, { status: 204 });
}

function removeById(deps: SimDeps, req: RestRequest): Response {
  const issue = requireVisibleIssue(req.call, req.param('issueIdOrKey'));
  const link = requireLink(req.call, issue, req.param('linkId'));
  const user = requireUser(req.call);
  requireLinkPermission(req.call, issue, true);
  deleteRemoteLink(deps.world, req.call.instance, link.id, user);
  return new Response(null, { status: 204 });
}

function getOne(req: RestRequest): Response {
  const issue = requireVisibleIssue(req.call, req.param('issueIdOrKey'));
  return Response.json(remoteLinkView(req.call, requireLink(req.call, issue, req.param('linkId'))));
}

const LIST = '/rest/api/3/issue/{issueIdOrKey}/remotelink';
const ONE = '/rest/api/3/issue/{issueIdOrKey}/remotelink/{linkId}';

export function createCloudRemoteLinkRoutes(deps: SimDeps): Hono<CloudEnv> {
  const router = new Hono<CloudEnv>();
  const list_ = '/rest/api/:version{[23]}/issue/:issueIdOrKey/remotelink';
  const one = `${list_}/:linkId`;
  router.get(list_, requireOperationScopes('GET', LIST), (c) => list(cloudRequest(c)));
  router.post(list_, requireOperationScopes('POST', LIST), (c) => upsert(deps, cloudRequest(c)));
  router.delete(list_, requireOperationScopes('DELETE', LIST), (c) =>
    removeByGlobalId(deps, cloudRequest(c)),
  );
  router.get(one, requireOperationScopes('GET', ONE), (c) => getOne(cloudRequest(c)));
  router.put(one, requireOperationScopes('PUT', ONE), (c) => replace(deps, cloudRequest(c)));
  router.delete(one, requireOperationScopes('DELETE', ONE), (c) =>
    removeById(deps, cloudRequest(c)),
  );
  return router;
}

export function createDcRemoteLinkRoutes(deps: SimDeps): Hono<DcEnv> {
  const router = new Hono<DcEnv>();
  const list_ = '/rest/api/2/issue/:issueIdOrKey/remotelink';
  const one = `${list_}/:linkId`;
  router.get(list_, requireDcScope('READ'), (c) => list(dcRequest(c)));
  router.post(list_, requireDcScope('WRITE'), (c) => upsert(deps, dcRequest(c)));
  router.delete(list_, requireDcScope('WRITE'), (c) => removeByGlobalId(deps, dcRequest(c)));
  router.get(one, requireDcScope('READ'), (c) => getOne(dcRequest(c)));
  router.put(one, requireDcScope('WRITE'), (c) => replace(deps, dcRequest(c)));
  router.delete(one, requireDcScope('WRITE'), (c) => removeById(deps, dcRequest(c)));
  return router;
}
