/**
 * The Cloud dynamic-webhook API for OAuth 2.0 apps: `POST /rest/api/3/webhook` (per-webhook
 * errors inside a 200 body), `GET` (paged), `DELETE` (202), `PUT /webhook/refresh` (30 more days)
 * and `GET /webhook/failed` (Connect apps only, so 403 here).
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-webhooks/
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import { failWith, jiraError } from '../auth/jira-errors.ts';
import type { CloudEnv } from '../auth/principal.ts';
import { requireOperationScopes } from '../auth/scopes.ts';
import type { SimDeps } from '../deps.ts';
import { compileJql, JqlError } from '../jql/evaluate.ts';
import { readCheckedBody } from '../rest/request-body.ts';
import { hasPermission } from '../world/permissions.ts';
import type { DynamicWebhook } from './store.ts';

const registration = z.object({
  url: z.string(),
  webhooks: z.array(
    z.object({
      events: z.array(z.string()),
      jqlFilter: z.string(),
      fieldIdsFilter: z.array(z.string()).optional(),
      issuePropertyKeysFilter: z.array(z.string()).optional(),
    }),
  ),
});
const webhookIds = z.object({ webhookIds: z.array(z.number().int()) });

/** UNCONFIRMED: a third-party note quoting Atlassian says 5 webhooks per app per user per site. */
const MAX_PER_APP_USER = 5;

/** The calling OAuth app, or Jira's 403 for anyone else (API tokens, browsers). */
function requireApp(c: Context<CloudEnv>) {
  const principal = c.var.principal;
  if (principal.kind !== 'cloud-3lo')
    failWith(jiraError(403, ['Only apps can access this resource.']));
  return principal;
}

function liveHooks(deps: SimDeps, instanceId: string, clientId: string): DynamicWebhook[] {
  const now = deps.clock.now();
  return [...deps.webhooks.dynamic.values()].filter(
    (hook) => hook.instanceId === instanceId && hook.clientId === clientId && hook.expiresAt > now,
  );
}

function hookView(hook: DynamicWebhook) {
  return {
    id: hook.id,
    jqlFilter: hook.jqlFilter,
    ...(hook.fieldIdsFilter ? { fieldIdsFilter: hook.fieldIdsFilter } : {}),
    ...(hook.issuePropertyKeysFilter
      ? { issuePropertyKeysFilter: hook.issuePropertyKeysFilter }
      : {}),
    events: hook.events,
    expirationDate: hook.expiresAt,
    url: hook.url,
  };
}

async function register(deps: SimDeps, c: Context<CloudEnv>): Promise<Response> {
  const app = requireApp(c);
  const site = c.var.instance;
  const body = await readCheckedBody(c.req.raw, 'POST /rest/api/3/webhook', registration);
  if (!URL.canParse(body.url)) failWith(jiraError(400, [], { url: 'The URL is not valid.' }));
  const existing = liveHooks(deps, site.id, app.clientId);
  // Atlassian: "Only a single URL per app is allowed to be registered" (response shape UNCONFIRMED).
  if (existing.some((hook) => hook.url !== body.url))
    failWith(jiraError(400, ['Only a single URL per app is allowed to be registered.']));
  let mine = existing.filter((hook) => hook.accountId === app.user.id).length;
  const ctx = {
    instance: site,
    user: app.user,
    now: deps.clock.now(),
    canBrowse: (projectId: string) =>
      hasPermission(site, app.user.id, 'BROWSE_PROJECTS', projectId),
  };
  const results = body.webhooks.map((details) => {
    // Empty filters are refused (integrators use `project != null`); messages UNCONFIRMED.
    if (details.jqlFilter.trim() === '') return { errors: ['The JQL filter cannot be empty.'] };
    if (details.events.length === 0) return { errors: ['At least one event must be specified.'] };
    try {
      compileJql(details.jqlFilter, ctx, 'webhook');
    } catch (error) {
      if (error instanceof JqlError) return { errors: error.messages };
      throw error;
    }
    if (mine >= MAX_PER_APP_USER)
      return {
        errors: [`An app can register at most ${MAX_PER_APP_USER} webhooks per user on a site.`],
      };
    mine += 1;
    const hook: DynamicWebhook = {
      id: deps.webhooks.nextId++,
      instanceId: site.id,
      clientId: app.clientId,
      accountId: app.user.id,
      url: body.url,
      events: details.events,
      jqlFilter: details.jqlFilter,
      fieldIdsFilter: details.fieldIdsFilter ?? null,
      issuePropertyKeysFilter: details.issuePropertyKeysFilter ?? null,
      expiresAt: deps.clock.now() + deps.settings.dynamicWebhookTtlMs,
    };
    deps.webhooks.dynamic.set(hook.id, hook);
    return { createdWebhookId: hook.id };
  });
  return c.json({ webhookRegistrationResult: results });
}

export function createDynamicWebhookRoutes(deps: SimDeps): Hono<CloudEnv> {
  const router = new Hono<CloudEnv>();
  const path = '/rest/api/:version{[23]}/webhook';
  router.post(path, requireOperationScopes('POST', '/rest/api/3/webhook'), (c) =>
    register(deps, c),
  );
  router.get(path, requireOperationScopes('GET', '/rest/api/3/webhook'), (c) => {
    const app = requireApp(c);
    const hooks = liveHooks(deps, c.var.instance.id, app.clientId).sort((a, b) => a.id - b.id);
    const startAt = Math.max(0, Number(c.req.query('startAt') ?? 0) || 0);
    const maxResults = Math.min(Math.max(0, Number(c.req.query('maxResults') ?? 100) || 100), 100);
    const values = hooks.slice(startAt, startAt + maxResults).map(hookView);
    return c.json({
      maxResults,
      startAt,
      total: hooks.length,
      isLast: startAt + values.length >= hooks.length,
      values,
    });
  });
  router.delete(path, requireOperationScopes('DELETE', '/rest/api/3/webhook'), async (c) => {
    const app = requireApp(c);
    const body = await readCheckedBody(c.req.raw, 'DELETE /rest/api/3/webhook', webhookIds);
    // Webhooks of other apps are silently ignored, as Jira does.
    for (const hook of liveHooks(deps, c.var.instance.id, app.clientId))
      if (body.webhookIds.includes(hook.id)) deps.webhooks.dynamic.delete(hook.id);
    return c.body(null, 202);
  });
  router.put(
    `${path}/refresh`,
    requireOperationScopes('PUT', '/rest/api/3/webhook/refresh'),
    async (c) => {
      const app = requireApp(c);
      const body = await readCheckedBody(c.req.raw, 'PUT /rest/api/3/webhook/refresh', webhookIds);
      const expirationDate = deps.clock.now() + deps.settings.dynamicWebhookTtlMs;
      // Unknown, expired and other apps' ids are ignored.
      for (const hook of liveHooks(deps, c.var.instance.id, app.clientId))
        if (body.webhookIds.includes(hook.id)) hook.expiresAt = expirationDate;
      return c.json({ expirationDate });
    },
  );
  router.get(`${path}/failed`, requireOperationScopes('GET', '/rest/api/3/webhook/failed'), (c) => {
    requireApp(c);
    // Atlassian: "Only Connect apps can use this operation" (403; message UNCONFIRMED).
    // Failed deliveries are visible in-process (`sim.webhooks.failed()`) and at /_sim/webhooks.
    return failWith(jiraError(403, ['Only Connect apps can use this operation.']));
  });
  return router;
}
