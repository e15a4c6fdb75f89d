/**
 * From world changes to queued deliveries: match each event against live dynamic webhooks (not
 * expired, event subscribed, JQL as the registering user, `fieldIdsFilter`) and enabled admin
 * webhooks, then queue one delivery per receiver. The world listener only queues; delivery runs
 * later (`delivery.ts`).
 * @see https://developer.atlassian.com/cloud/jira/platform/webhooks/
 */
import type { SimDeps } from '../deps.ts';
import { compileJql, JqlError } from '../jql/evaluate.ts';
import type { WorldChange } from '../world/events.ts';
import { hasPermission } from '../world/permissions.ts';
import type { Issue, JiraInstance } from '../world/types.ts';
import { startDueDeliveries } from './delivery.ts';
import type { WebhookEvent } from './payloads.ts';
import { eventsFor } from './payloads.ts';
import type { Delivery, DeliverySigning } from './store.ts';

/** Whether `jql` matches the issue for `userId` (null = no permission restriction). */
export function issueMatches(
  deps: SimDeps,
  instance: JiraInstance,
  jql: string | null,
  issue: Issue,
  userId: string | null,
  dialect: 'search' | 'webhook',
): boolean {
  const user = userId === null ? null : (instance.users.get(userId) ?? null);
  const canBrowse = (projectId: string) =>
    userId === null || hasPermission(instance, userId, 'BROWSE_PROJECTS', projectId);
  if (!canBrowse(issue.projectId)) return false;
  if (jql === null || jql.trim() === '') return true;
  try {
    const ctx = { instance, user, now: deps.clock.now(), canBrowse };
    return compileJql(jql, ctx, dialect).matches(issue);
  } catch (error) {
    // A filter that no longer compiles (e.g. a deleted issue key) matches nothing.
    if (error instanceof JqlError) return false;
    throw error;
  }
}

function enqueue(
  deps: SimDeps,
  instance: JiraInstance,
  event: WebhookEvent,
  target: { url: string; body: string; signing: DeliverySigning; clientId: string | null },
): void {
  const store = deps.webhooks;
  const delivery: Delivery = {
    id: String(store.nextDeliveryId++),
    instanceId: instance.id,
    clientId: target.clientId,
    webhookEvent: event.webhookEvent,
    url: target.url,
    body: target.body,
    signing: target.signing,
    attempts: 0,
    dueAt: deps.clock.now(),
    state: 'pending',
  };
  store.queue.push(delivery);
}

function dispatchDynamic(deps: SimDeps, instance: JiraInstance, event: WebhookEvent): void {
  if (instance.kind !== 'cloud') return;
  const now = deps.clock.now();
  const groups = new Map<
    string,
    { ids: number[]; clientId: string; url: string; accountId: string }
  >();
  for (const hook of deps.webhooks.dynamic.values()) {
    if (hook.instanceId !== instance.id || hook.expiresAt <= now) continue;
    if (!hook.events.includes(event.webhookEvent)) continue;
    if (
      event.webhookEvent === 'jira:issue_updated' &&
      hook.fieldIdsFilter !== null &&
      !event.changedFields.some((field) => hook.fieldIdsFilter?.includes(field))
    )
      continue;
    // issuePropertyKeysFilter: only these properties' issue_property_* events (absent: all).
    const property = event.payload.property as { key?: unknown } | undefined;
    if (
      event.webhookEvent.startsWith('issue_property_') &&
      hook.issuePropertyKeysFilter !== null &&
      !hook.issuePropertyKeysFilter.includes(String(property?.key))
    )
      continue;
    if (
      event.issue &&
      !issueMatches(deps, instance, hook.jqlFilter, event.issue, hook.accountId, 'webhook')
    )
      continue;
    const key = `${hook.clientId}\n${hook.url}`;
    const group = groups.get(key) ?? {
      ids: [],
      clientId: hook.clientId,
      url: hook.url,
      accountId: hook.accountId,
    };
    group.ids.push(hook.id);
    groups.set(key, group);
  }
  for (const group of groups.values())
    enqueue(deps, instance, event, {
      url: group.url,
      body: JSON.stringify({ ...event.payload, matchedWebhookIds: group.ids }),
      signing: {
        kind: 'jwt',
        clientId: group.clientId,
        cloudId: instance.cloudId,
        accountId: group.accountId,
      },
      clientId: group.clientId,
    });
}

/** Admin webhook URLs may name the issue or project: `${issue.key}`, `${project.key}` … */
function expandUrl(url: string, event: WebhookEvent, instance: JiraInstance): string {
  const issue = event.issue;
  const project = issue ? instance.projects.get(issue.projectId) : undefined;
  const values: Record<string, string> = {
    'issue.key': issue?.key ?? '',
    'issue.id': issue?.id ?? '',
    'project.key': project?.key ?? '',
    'project.id': project?.id ?? '',
  };
  return url.replace(/\$\{(issue|project)\.(key|id)\}/g, (_, entity: string, field: string) =>
    encodeURIComponent(values[`${entity}.${field}`] ?? ''),
  );
}

function dispatchAdmin(deps: SimDeps, instance: JiraInstance, event: WebhookEvent): void {
  for (const hook of deps.webhooks.admin.values()) {
    if (hook.instanceId !== instance.id || !hook.enabled) continue;
    if (!hook.events.includes(event.webhookEvent)) continue;
    if (event.issue && !issueMatches(deps, instance, hook.jqlFilter, event.issue, null, 'search'))
      continue;
    const body = hook.excludeBody ? '' : JSON.stringify(event.payload);
    enqueue(deps, instance, event, {
      url: expandUrl(hook.url, event, instance),
      body,
      signing: hook.secret === null ? { kind: 'none' } : { kind: 'hmac', secret: hook.secret },
      clientId: null,
    });
  }
}

/** Queue the deliveries for one change, then start them without waiting. */
export function dispatchChange(deps: SimDeps, change: WorldChange): void {
  const { dynamic, admin } = deps.webhooks;
  const instanceId = change.instance.id;
  if (![...dynamic.values(), ...admin.values()].some((hook) => hook.instanceId === instanceId))
    return;
  const events = eventsFor(change, () => String(deps.webhooks.nextDeliveryId++));
  for (const event of events) {
    dispatchDynamic(deps, change.instance, event);
    dispatchAdmin(deps, change.instance, event);
  }
  if (deps.webhooks.queue.length > 0) queueMicrotask(() => startDueDeliveries(deps));
}

/** Subscribe webhook dispatch to world changes; returns the unsubscribe function. */
export function startWebhookDispatch(deps: SimDeps): () => void {
  return deps.world.events.subscribe((change) => dispatchChange(deps, change));
}
