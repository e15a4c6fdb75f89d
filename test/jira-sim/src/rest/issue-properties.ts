/**
 * Issue entity properties (what apps keep on an issue and Forge indexes for JQL): set (201 on
 * create, 200 on update), get, list keys, delete. Setting needs *Edit issues*; any call needs the
 * issue to be visible (404). Values are JSON of at most 32,768 bytes, keys at most 255 characters.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-properties/
 */
import { Hono } from 'hono';
import { failWith, jiraError } from '../auth/jira-errors.ts';
import type { CloudEnv, DcEnv } from '../auth/principal.ts';
import { requireDcScope, requireOperationScopes } from '../auth/scopes.ts';
import type { Issue, JsonValue, World } from '../world/types.ts';
import type { RestCall, RestRequest } from './call.ts';
import { can, cloudRequest, dcRequest, requireUser, requireVisibleIssue } from './call.ts';

const MAX_VALUE_BYTES = 32_768;
const MAX_KEY_LENGTH = 255;

function propertiesOf(call: RestCall, issue: Issue): Map<string, JsonValue> {
  let properties = call.instance.issueProperties.get(issue.id);
  if (!properties) {
    properties = new Map();
    call.instance.issueProperties.set(issue.id, properties);
  }
  return properties;
}

function requireKey(key: string): string {
  // Message UNCONFIRMED (Atlassian: 400 "if the property key is longer than 255 characters").
  if (key.length > MAX_KEY_LENGTH)
    failWith(jiraError(400, ['The property key cannot be longer than 255 characters.']));
  return key;
}

/** Jira fires `issue_property_set` / `issue_property_deleted` webhooks for these changes. */
function emit(
  world: World,
  req: RestRequest,
  issue: Issue,
  type: 'issue_property_set' | 'issue_property_deleted',
  property: { key: string; value: JsonValue | null },
): void {
  world.events.emit({
    type,
    instance: req.call.instance,
    actor: req.call.user,
    at: world.now(),
    issue,
    property,
  });
}

async function set(world: World, req: RestRequest): Promise<Response> {
  const issue = requireVisibleIssue(req.call, req.param('issueIdOrKey'));
  requireUser(req.call);
  const key = requireKey(req.param('propertyKey'));
  // Message UNCONFIRMED (Atlassian: 403 "if the user does not have permission to edit the issue").
  if (!can(req.call, 'EDIT_ISSUES', issue.projectId))
    failWith(jiraError(403, ['You do not have permission to edit issue properties.']));
  const text = await req.request.text();
  // Message UNCONFIRMED (Atlassian: 400 "if the property value is not valid JSON or too long").
  if (Buffer.byteLength(text, 'utf8') > MAX_VALUE_BYTES)
    failWith(jiraError(400, ['The property value is too long: at most 32768 bytes.']));
  let value: JsonValue;
  try {
    value = JSON.parse(text) as JsonValue;
  } catch {
    return failWith(jiraError(400, ['The property value must be valid JSON.']));
  }
  const properties = propertiesOf(req.call, issue);
  const created = !properties.has(key);
  properties.set(key, value);
  emit(world, req, issue, 'issue_property_set', { key, value });
  return new Response(null, { status: created ? 201 : 200 });
}

function get(req: RestRequest): Response {
  const issue = requireVisibleIssue(req.call, req.param('issueIdOrKey'));
  const key = req.param('propertyKey');
  const properties = propertiesOf(req.call, issue);
  if (!properties.has(key))
    failWith(jiraError(404, [`The property with key '${key}' does not exist.`]));
  return Response.json({ key, value: properties.get(key) });
}

function keys(req: RestRequest): Response {
  const issue = requireVisibleIssue(req.call, req.param('issueIdOrKey'));
  return Response.json({
    keys: [...propertiesOf(req.call, issue).keys()].map((key) => ({ key })),
  });
}

function remove(world: World, req: RestRequest): Response {
  const issue = requireVisibleIssue(req.call, req.param('issueIdOrKey'));
  requireUser(req.call);
  if (!can(req.call, 'EDIT_ISSUES', issue.projectId))
    failWith(jiraError(403, ['You do not have permission to edit issue properties.']));
  const key = req.param('propertyKey');
  if (!propertiesOf(req.call, issue).delete(key))
    failWith(jiraError(404, [`The property with key '${key}' does not exist.`]));
  emit(world, req, issue, 'issue_property_deleted', { key, value: null });
  return new Response(null, { status: 204 });
}

const LIST = '/rest/api/3/issue/{issueIdOrKey}/properties';
const ONE = '/rest/api/3/issue/{issueIdOrKey}/properties/{propertyKey}';

export function createCloudIssuePropertyRoutes(world: World): Hono<CloudEnv> {
  const router = new Hono<CloudEnv>();
  const list = '/rest/api/:version{[23]}/issue/:issueIdOrKey/properties';
  const one = `${list}/:propertyKey`;
  router.get(list, requireOperationScopes('GET', LIST), (c) => keys(cloudRequest(c)));
  router.get(one, requireOperationScopes('GET', ONE), (c) => get(cloudRequest(c)));
  router.put(one, requireOperationScopes('PUT', ONE), (c) => set(world, cloudRequest(c)));
  router.delete(one, requireOperationScopes('DELETE', ONE), (c) => remove(world, cloudRequest(c)));
  return router;
}

export function createDcIssuePropertyRoutes(world: World): Hono<DcEnv> {
  const router = new Hono<DcEnv>();
  const list = '/rest/api/2/issue/:issueIdOrKey/properties';
  const one = `${list}/:propertyKey`;
  router.get(list, requireDcScope('READ'), (c) => keys(dcRequest(c)));
  router.get(one, requireDcScope('READ'), (c) => get(dcRequest(c)));
  router.put(one, requireDcScope('WRITE'), (c) => set(world, dcRequest(c)));
  router.delete(one, requireDcScope('WRITE'), (c) => remove(world, dcRequest(c)));
  return router;
}
