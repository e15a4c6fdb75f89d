/**
 * Issue links and link types: `POST /issueLink` (201, no body), `GET`/`DELETE /issueLink/{id}`,
 * `GET /issueLinkType[/{id}]`. Jira answers every permission problem here with 404.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-links/
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { failWith, jiraError } from '../auth/jira-errors.ts';
import type { CloudEnv, DcEnv } from '../auth/principal.ts';
import { requireDcScope, requireOperationScopes } from '../auth/scopes.ts';
import type { SimDeps } from '../deps.ts';
import { addComment } from '../world/issue-changes.ts';
import { createIssueLink, deleteIssueLink } from '../world/link-changes.ts';
import { findIssue } from '../world/read.ts';
import type { Issue, IssueLink } from '../world/types.ts';
import type { RestCall, RestRequest } from './call.ts';
import { can, cloudRequest, dcRequest, ISSUE_NOT_FOUND, requireUser, restBase } from './call.ts';
import { readCheckedBody } from './request-body.ts';
import { richTextError } from './rich-text.ts';
import { issueLinkView, linkTypeView } from './views/link-views.ts';

const ref = z.looseObject({ id: z.string().optional(), key: z.string().optional() });
const linkBody = z.looseObject({
  type: z.looseObject({ id: z.string().optional(), name: z.string().optional() }),
  inwardIssue: ref,
  outwardIssue: ref,
  comment: z.looseObject({ body: z.json().optional() }).optional(),
});

function visibleIssue(call: RestCall, value: z.infer<typeof ref>): Issue {
  const issue = findIssue(call.instance, value.key ?? value.id ?? '');
  if (!issue || !can(call, 'BROWSE_PROJECTS', issue.projectId))
    failWith(jiraError(404, [ISSUE_NOT_FOUND]));
  return issue;
}

async function link(deps: SimDeps, req: RestRequest): Promise<Response> {
  const { call } = req;
  const body = await readCheckedBody(req.request, 'POST /rest/api/3/issueLink', linkBody);
  const user = requireUser(call);
  const types = [...call.instance.issueLinkTypes.values()];
  const type = types.find((t) =>
    body.type.id === undefined ? t.name === body.type.name : t.id === body.type.id,
  );
  if (!type)
    failWith(
      jiraError(404, [
        body.type.id === undefined
          ? `No issue link type with name '${body.type.name ?? ''}' found.`
          : `No issue link type with id '${body.type.id}' found.`,
      ]),
    );
  const inward = visibleIssue(call, body.inwardIssue);
  const outward = visibleIssue(call, body.outwardIssue);
  // Atlassian: 404 when the caller lacks *Link issues* on the "from" (outward) issue's project.
  if (!can(call, 'LINK_ISSUES', outward.projectId))
    failWith(jiraError(404, [`No Link Issue Permission for issue '${outward.key}'.`]));
  const commentBody = body.comment?.body;
  if (commentBody !== undefined && richTextError(call, commentBody) !== null)
    failWith(jiraError(400, [], { comment: 'Comment body is not valid!' }));
  const existing = [...call.instance.issueLinks.values()].find(
    (l) => l.typeId === type.id && l.inwardIssueId === inward.id && l.outwardIssueId === outward.id,
  );
  const created =
    existing ??
    createIssueLink(
      deps.world,
      call.instance,
      { typeId: type.id, inwardIssueId: inward.id, outwardIssueId: outward.id },
      user,
    );
  if (commentBody !== undefined)
    addComment(deps.world, call.instance, outward.id, commentBody, user);
  return new Response(null, {
    status: 201,
    headers: { Location: `${restBase(call)}/issueLink/${created.id}` },
  });
}

/** A link the caller may see (both issues browsable), else 404; a non-numeric id is a 400. */
function visibleLink(call: RestCall, linkId: string): IssueLink {
  // Messages UNCONFIRMED.
  if (!/^\d+$/.test(linkId))
    failWith(jiraError(400, [`The issue link id '${linkId}' is invalid.`]));
  const found = call.instance.issueLinks.get(linkId);
  const visible =
    found !== undefined &&
    [found.inwardIssueId, found.outwardIssueId].every((id) => {
      const issue = call.instance.issues.get(id);
      return issue !== undefined && can(call, 'BROWSE_PROJECTS', issue.projectId);
    });
  if (!found || !visible) failWith(jiraError(404, [`No issue link with id '${linkId}' exists.`]));
  return found;
}

function unlink(deps: SimDeps, req: RestRequest): Response {
  const { call } = req;
  const found = visibleLink(call, req.param('linkId'));
  const user = requireUser(call);
  const projects = [found.inwardIssueId, found.outwardIssueId].map(
    (id) => call.instance.issues.get(id)?.projectId ?? '',
  );
  if (!projects.some((projectId) => can(call, 'LINK_ISSUES', projectId)))
    failWith(jiraError(404, [`No issue link with id '${found.id}' exists.`]));
  deleteIssueLink(deps.world, call.instance, found.id, user);
  return new Response(null, { status: 204 });
}

function linkTypes(req: RestRequest): Response {
  return Response.json({
    issueLinkTypes: [...req.call.instance.issueLinkTypes.values()].map((t) =>
      linkTypeView(req.call, t),
    ),
  });
}

function linkType(req: RestRequest): Response {
  const type = req.call.instance.issueLinkTypes.get(req.param('issueLinkTypeId'));
  if (!type)
    failWith(
      jiraError(404, [`No issue link type with id '${req.param('issueLinkTypeId')}' found.`]),
    );
  return Response.json(linkTypeView(req.call, type));
}

export function createCloudIssueLinkRoutes(deps: SimDeps): Hono<CloudEnv> {
  const router = new Hono<CloudEnv>();
  const v = '/rest/api/:version{[23]}';
  const ONE = '/rest/api/3/issueLink/{linkId}';
  router.post(`${v}/issueLink`, requireOperationScopes('POST', '/rest/api/3/issueLink'), (c) =>
    link(deps, cloudRequest(c)),
  );
  router.get(`${v}/issueLink/:linkId`, requireOperationScopes('GET', ONE), (c) => {
    const req = cloudRequest(c);
    return c.json(issueLinkView(req.call, visibleLink(req.call, req.param('linkId'))));
  });
  router.delete(`${v}/issueLink/:linkId`, requireOperationScopes('DELETE', ONE), (c) =>
    unlink(deps, cloudRequest(c)),
  );
  router.get(
    `${v}/issueLinkType`,
    requireOperationScopes('GET', '/rest/api/3/issueLinkType'),
    (c) => linkTypes(cloudRequest(c)),
  );
  router.get(
    `${v}/issueLinkType/:issueLinkTypeId`,
    requireOperationScopes('GET', '/rest/api/3/issueLinkType/{issueLinkTypeId}'),
    (c) => linkType(cloudRequest(c)),
  );
  return router;
}

export function createDcIssueLinkRoutes(deps: SimDeps): Hono<DcEnv> {
  const router = new Hono<DcEnv>();
  const v = '/rest/api/2';
  router.post(`${v}/issueLink`, requireDcScope('WRITE'), (c) => link(deps, dcRequest(c)));
  router.get(`${v}/issueLink/:linkId`, requireDcScope('READ'), (c) => {
    const req = dcRequest(c);
    return c.json(issueLinkView(req.call, visibleLink(req.call, req.param('linkId'))));
  });
  router.delete(`${v}/issueLink/:linkId`, requireDcScope('WRITE'), (c) =>
    unlink(deps, dcRequest(c)),
  );
  router.get(`${v}/issueLinkType`, requireDcScope('READ'), (c) => linkTypes(dcRequest(c)));
  router.get(`${v}/issueLinkType/:issueLinkTypeId`, requireDcScope('READ'), (c) =>
    linkType(dcRequest(c)),
  );
  return router;
}
