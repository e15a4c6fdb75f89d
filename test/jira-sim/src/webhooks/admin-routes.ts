/**
 * Admin webhooks (`/rest/webhooks/1.0/webhook`) on a Cloud site URL and on Data Center: created by a
 * Jira administrator, never expire, optional `secret` (deliveries then carry `X-Hub-Signature`),
 * JQL in `filters["issue-related-events-section"]`. Error bodies use Jira's ErrorCollection
 * (the webhooks plugin's own shape is UNCONFIRMED).
 * @see https://developer.atlassian.com/server/jira/platform/webhooks/
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import {
  failWith,
  gatewayScopeMismatch,
  jiraError,
  jiraNotAuthenticated,
} from '../auth/jira-errors.ts';
import type { CloudEnv, DcEnv } from '../auth/principal.ts';
import { userOf } from '../auth/principal.ts';
import { requireDcScope } from '../auth/scopes.ts';
import type { SimDeps } from '../deps.ts';
import { compileJql, JqlError } from '../jql/evaluate.ts';
import { hasPermission } from '../world/permissions.ts';
import type { JiraInstance, User } from '../world/types.ts';
import type { AdminWebhook } from './store.ts';

/** Event names an admin webhook may subscribe to (Atlassian's webhook event list). */
export const ADMIN_EVENTS = new Set([
  'jira:issue_created',
  'jira:issue_updated',
  'jira:issue_deleted',
  'comment_created',
  'comment_updated',
  'comment_deleted',
  'issuelink_created',
  'issuelink_deleted',
  'issue_property_set',
  'issue_property_deleted',
  'worklog_created',
  'worklog_updated',
  'worklog_deleted',
  'attachment_created',
  'attachment_deleted',
  'jira:version_created',
  'jira:version_updated',
  'jira:version_released',
  'jira:version_unreleased',
  'jira:version_moved',
  'jira:version_merged',
  'jira:version_deleted',
  'project_created',
  'project_updated',
  'project_deleted',
  'project_soft_deleted',
  'project_restored_deleted',
  'project_archived',
  'project_restored_archived',
  'sprint_created',
  'sprint_updated',
  'sprint_started',
  'sprint_closed',
  'sprint_deleted',
  'board_created',
  'board_updated',
  'board_deleted',
  'board_configuration_changed',
  'user_created',
  'user_updated',
  'user_deleted',
]);

const SECTION = 'issue-related-events-section';
const adminBody = z.looseObject({
  name: z.string().optional(),
  url: z.string().optional(),
  events: z.array(z.string()).optional(),
  filters: z.record(z.string(), z.string()).optional(),
  excludeBody: z.boolean().optional(),
  secret: z.string().optional(),
  enabled: z.boolean().optional(),
});

function view(instance: JiraInstance, hook: AdminWebhook) {
  const user = instance.users.get(hook.lastUpdatedUserId);
  return {
    name: hook.name,
    url: hook.url,
    excludeBody: hook.excludeBody,
    filters: { [SECTION]: hook.jqlFilter ?? '' },
    events: hook.events,
    enabled: hook.enabled,
    self: `${instance.baseUrl}/rest/webhooks/1.0/webhook/${hook.id}`,
    lastUpdatedUser: hook.lastUpdatedUserId,
    lastUpdatedDisplayName: user?.displayName ?? '',
    lastUpdated: hook.lastUpdated,
  };
}

async function readBody(
  deps: SimDeps,
  instance: JiraInstance,
  user: User,
  request: Request,
  old?: AdminWebhook,
) {
  let raw: unknown;
  try {
    raw = JSON.parse(await request.text());
  } catch {
    raw = undefined;
  }
  const parsed = adminBody.safeParse(raw);
  if (!parsed.success)
    failWith(
      jiraError(400, [
        'Invalid request payload. Refer to the REST API documentation and try again.',
      ]),
    );
  const body = parsed.data;
  const name = body.name ?? old?.name;
  const url = body.url ?? old?.url;
  const events = body.events ?? old?.events ?? [];
  const jql = body.filters?.[SECTION] ?? old?.jqlFilter ?? '';
  const errors: Record<string, string> = {};
  if (!name?.trim()) errors.name = 'Name is required.';
  if (!url || !URL.canParse(url.replaceAll(/\$\{[^}]+\}/g, 'x')))
    errors.url = 'A valid URL is required.';
  const unknown = events.find((event) => !ADMIN_EVENTS.has(event));
  if (unknown !== undefined) errors.events = `Unknown event '${unknown}'.`;
  if (jql.trim() !== '') {
    try {
      compileJql(jql, { instance, user, now: deps.clock.now(), canBrowse: () => true }, 'search');
    } catch (error) {
      if (!(error instanceof JqlError)) throw error;
      errors.filters = error.messages.join(' ');
    }
  }
  if (Object.keys(errors).length > 0 || !name || !url) failWith(jiraError(400, [], errors));
  return {
    name,
    url,
    events,
    jqlFilter: jql.trim() === '' ? null : jql,
    excludeBody: body.excludeBody ?? old?.excludeBody ?? false,
    secret:
      body.secret === undefined ? (old?.secret ?? null) : body.secret === '' ? null : body.secret,
    enabled: body.enabled ?? old?.enabled ?? true,
  };
}

function requireHook(deps: SimDeps, instance: JiraInstance, id: string): AdminWebhook {
  const hook = deps.webhooks.admin.get(Number(id));
  if (!hook || hook.instanceId !== instance.id)
    failWith(jiraError(404, [`No webhook with id '${id}' found.`]));
  return hook;
}

/** The admin-webhook CRUD for one instance, once the caller is known to be a Jira administrator. */
function mountAdminRoutes<E extends CloudEnv | DcEnv>(
  deps: SimDeps,
  router: Hono<E>,
  admin: (c: Context<E>) => { instance: JiraInstance; user: User },
): void {
  const path = '/rest/webhooks/1.0/webhook';
  router.get(path, (c) => {
    const { instance } = admin(c);
    const hooks = [...deps.webhooks.admin.values()].filter((h) => h.instanceId === instance.id);
    return c.json(hooks.map((hook) => view(instance, hook)));
  });
  router.post(path, async (c) => {
    const { instance, user } = admin(c);
    const input = await readBody(deps, instance, user, c.req.raw);
    const hook: AdminWebhook = {
      id: deps.webhooks.nextId++,
      instanceId: instance.id,
      ...input,
      lastUpdatedUserId: user.id,
      lastUpdated: deps.clock.now(),
    };
    deps.webhooks.admin.set(hook.id, hook);
    return c.json(view(instance, hook), 201);
  });
  router.get(`${path}/:id`, (c) => {
    const { instance } = admin(c);
    return c.json(view(instance, requireHook(deps, instance, c.req.param('id') ?? '')));
  });
  router.put(`${path}/:id`, async (c) => {
    const { instance, user } = admin(c);
    const hook = requireHook(deps, instance, c.req.param('id') ?? '');
    Object.assign(hook, await readBody(deps, instance, user, c.req.raw, hook), {
      lastUpdatedUserId: user.id,
      lastUpdated: deps.clock.now(),
    });
    return c.json(view(instance, hook));
  });
  router.delete(`${path}/:id`, (c) => {
    const { instance } = admin(c);
    deps.webhooks.admin.delete(requireHook(deps, instance, c.req.param('id') ?? '').id);
    return c.body(null, 204);
  });
}

/** Jira's 403 for a signed-in user who is not a Jira administrator (message UNCONFIRMED). */
function requireAdministrator(instance: JiraInstance, user: User): void {
  if (!hasPermission(instance, user.id, 'ADMINISTER'))
    failWith(jiraError(403, ['You must be a Jira administrator to manage webhooks.']));
}

export function createCloudAdminWebhookRoutes(deps: SimDeps): Hono<CloudEnv> {
  const router = new Hono<CloudEnv>();
  mountAdminRoutes(deps, router, (c) => {
    const principal = c.var.principal;
    if (principal.kind === 'anonymous') failWith(jiraNotAuthenticated());
    // Not a platform REST operation: OAuth tokens through the gateway have no scope for it (UNCONFIRMED).
    if (principal.kind !== 'cloud-api-token') failWith(gatewayScopeMismatch());
    requireAdministrator(c.var.instance, principal.user);
    return { instance: c.var.instance, user: principal.user };
  });
  return router;
}

export function createDcAdminWebhookRoutes(deps: SimDeps): Hono<DcEnv> {
  const router = new Hono<DcEnv>();
  router.use('/rest/webhooks/*', requireDcScope('ADMIN'));
  mountAdminRoutes(deps, router, (c) => {
    const user = userOf(c.var.principal);
    if (!user) return failWith(jiraNotAuthenticated());
    requireAdministrator(c.var.instance, user);
    return { instance: c.var.instance, user };
  });
  return router;
}
