/**
 * Workflow transitions: `GET /issue/{key}/transitions` (empty without *Transition issues*) and
 * `POST` (204). The seeded transitions have no screen, so only `update.comment` may ride along.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-issueidorkey-transitions-get
 */
import { Hono } from 'hono';
import { failWith, jiraError } from '../auth/jira-errors.ts';
import type { CloudEnv, DcEnv } from '../auth/principal.ts';
import { requireDcScope, requireOperationScopes } from '../auth/scopes.ts';
import type { SimDeps } from '../deps.ts';
import { addComment, updateIssue } from '../world/issue-changes.ts';
import type { JsonValue } from '../world/types.ts';
import type { RestRequest } from './call.ts';
import { cloudRequest, dcRequest, requireUser, requireVisibleIssue } from './call.ts';
import { cannotBeSet } from './issue-fields.ts';
import { issueUpdateBody } from './issue-update.ts';
import { readCheckedBody } from './request-body.ts';
import { richTextError } from './rich-text.ts';
import { statusView } from './views/common-views.ts';
import { availableTransitions, resolveTransition } from './workflow.ts';

function listTransitions(req: RestRequest): Response {
  const { call } = req;
  const issue = requireVisibleIssue(call, req.param('issueIdOrKey'));
  const only = req.url.searchParams.get('transitionId');
  const transitions = availableTransitions(call, issue)
    .filter((t) => only === null || t.id === only)
    .flatMap((t) => {
      const to = call.instance.statuses.get(t.to);
      if (!to) return [];
      return [
        {
          id: t.id,
          name: t.name,
          to: statusView(call, to),
          hasScreen: false,
          isGlobal: t.from.length === 0,
          isInitial: false,
          isAvailable: true,
          isConditional: false,
          isLooped: false,
        },
      ];
    });
  return Response.json({ expand: 'transitions', transitions });
}

async function doTransition(deps: SimDeps, req: RestRequest): Promise<Response> {
  const { call } = req;
  const issue = requireVisibleIssue(call, req.param('issueIdOrKey'));
  const body = await readCheckedBody(
    req.request,
    'POST /rest/api/3/issue/{issueIdOrKey}/transitions',
    issueUpdateBody,
  );
  const user = requireUser(call);
  const transition = resolveTransition(call, issue, body.transition?.id);
  if ('error' in transition) failWith(jiraError(400, [transition.error]));
  const errors: Record<string, string> = {};
  for (const field of Object.keys(body.fields ?? {})) errors[field] = cannotBeSet(field);
  const comments: JsonValue[] = [];
  for (const [field, ops] of Object.entries(body.update ?? {})) {
    if (field !== 'comment') {
      errors[field] = cannotBeSet(field);
      continue;
    }
    for (const op of ops) {
      const add = op.add;
      const text =
        typeof add === 'object' && add !== null && !Array.isArray(add) ? add.body : undefined;
      if (text === undefined || richTextError(call, text) !== null)
        errors.comment = 'Comment body is not valid!';
      else comments.push(text);
    }
  }
  if (Object.keys(errors).length > 0) failWith(jiraError(400, [], errors));
  updateIssue(deps.world, call.instance, issue.id, { statusId: transition.to }, user);
  for (const text of comments) addComment(deps.world, call.instance, issue.id, text, user);
  return new Response(null, { status: 204 });
}

const PATH = '/rest/api/3/issue/{issueIdOrKey}/transitions';

export function createCloudTransitionRoutes(deps: SimDeps): Hono<CloudEnv> {
  const router = new Hono<CloudEnv>();
  const path = '/rest/api/:version{[23]}/issue/:issueIdOrKey/transitions';
  router.get(path, requireOperationScopes('GET', PATH), (c) => listTransitions(cloudRequest(c)));
  router.post(path, requireOperationScopes('POST', PATH), (c) =>
    doTransition(deps, cloudRequest(c)),
  );
  return router;
}

export function createDcTransitionRoutes(deps: SimDeps): Hono<DcEnv> {
  const router = new Hono<DcEnv>();
  const path = '/rest/api/2/issue/:issueIdOrKey/transitions';
  router.get(path, requireDcScope('READ'), (c) => listTransitions(dcRequest(c)));
  router.post(path, requireDcScope('WRITE'), (c) => doTransition(deps, dcRequest(c)));
  return router;
}
