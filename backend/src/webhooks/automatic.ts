/**
 * Automatic mode: Testbridge registers the mapping's webhook in Jira itself. Cloud OAuth 2.0
 * connections get one dynamic webhook per connection (issue events, JQL limited to the projects
 * mapped in automatic mode; refreshed by refresh.ts); every other connection an admin webhook per
 * mapping, where its account holds ADMINISTER. When Jira will not, the mapping is kept, switched to
 * manual mode, and the answer says why and what to enter in Jira by hand.
 */
import type { Mapping } from '@testbridge/shared/api/mappings';
import { WEBHOOK_EVENTS, type WebhookSetup } from '@testbridge/shared/api/webhooks';
import { getConnection } from '../connections/service.ts';
import { AppError } from '../http/errors.ts';
import { JiraCallError } from '../jira/errors.ts';
import { getMyPermissions } from '../jira/platform-api.ts';
import {
  deleteAdminWebhook,
  deleteDynamicWebhooks,
  refreshDynamicWebhooks,
  registerAdminWebhook,
  registerDynamicWebhooks,
} from '../jira/webhooks-api.ts';
import { getMapping, listMappings, setWebhookMode } from '../mappings/service.ts';
import { jiraTargetFor, type ToolApiDeps } from '../tool-api/endpoint.ts';
import { CHECK_PROPERTY_KEY } from './check.ts';
import { createJiraWebhookRepo, type JiraWebhookRow } from './repo.ts';
import { dynamicWebhookUrl, issueWebhookEndpoint } from './service.ts';

/** Dynamic webhooks carry issue events only (jira-protocols.md §8.1). */
export const DYNAMIC_EVENTS = ['jira:issue_updated', 'jira:issue_deleted', 'issue_property_set'];

/** Jira said no (permission, scope, request); not an outage, which is reported as such. */
const isRefusal = (error: unknown): error is JiraCallError =>
  error instanceof JiraCallError &&
  ['jira_forbidden', 'jira_unauthorized', 'jira_rejected_request', 'jira_rejected'].includes(
    error.code,
  );

const jqlOf = (keys: readonly string[]) =>
  keys.length === 1 ? `project = ${keys[0]}` : `project in (${keys.join(', ')})`;

const ids = (row: JiraWebhookRow | undefined): string[] =>
  row ? (JSON.parse(row.jiraWebhookIds) as string[]) : [];

/** Keeps the mapping, switches it to manual mode and hands over the manual instructions. */
async function fallBackToManual(
  deps: ToolApiDeps,
  mappingId: string,
  reason: string,
): Promise<WebhookSetup> {
  await setWebhookMode(deps, mappingId, 'manual');
  const manual = await issueWebhookEndpoint(deps, mappingId);
  deps.logger.warn({ mappingId, reason }, 'automatic webhook not possible: manual mode');
  return {
    mappingId,
    mode: 'manual',
    kind: null,
    jiraWebhookIds: [],
    expiresAt: null,
    reason,
    manual,
  };
}

/** Best effort: a webhook Jira keeps after we replaced it only sends deliveries we refuse. */
async function quietly(deps: ToolApiDeps, work: () => Promise<void>, what: string) {
  try {
    await work();
  } catch (error) {
    deps.logger.warn({ err: error }, `could not delete the replaced ${what} in Jira`);
  }
}

async function setUpAdminWebhook(deps: ToolApiDeps, mappingId: string): Promise<WebhookSetup> {
  const mapping = await getMapping(deps, mappingId);
  const connection = await getConnection(deps, mapping.connectionId);
  const target = await jiraTargetFor(deps, mapping.connectionId, undefined, 'read');
  const account = connection.auth.username ?? "The connection's account";
  const { permissions } = await getMyPermissions(deps, target.endpoint, target.apiVersion, [
    'ADMINISTER',
  ]);
  if (permissions.ADMINISTER?.havePermission !== true) {
    return fallBackToManual(
      deps,
      mappingId,
      `${account} is not a Jira administrator (global permission ADMINISTER), which creating a webhook needs. The mapping is kept in manual mode: enter the URL, secret and events below in Jira (System → WebHooks), or connect with an administrator's account and switch the mapping to automatic again.`,
    );
  }
  const secrets = await issueWebhookEndpoint(deps, mappingId);
  const cloud = connection.deployment === 'cloud';
  const jql = jqlOf([mapping.jiraProject.key]);
  let id: string;
  try {
    id = await registerAdminWebhook(deps, target.endpoint, {
      name: `Testbridge ${mapping.toolProject.key}`,
      // Data Center may not sign deliveries: its URL carries the token instead.
      url: cloud ? secrets.url : secrets.urlWithToken,
      events: WEBHOOK_EVENTS,
      jql,
      ...(cloud ? { secret: secrets.secret } : {}),
    });
  } catch (error) {
    if (isRefusal(error)) {
      return fallBackToManual(
        deps,
        mappingId,
        `Jira refused to create the webhook: ${error.message}. The mapping is kept in manual mode.`,
      );
    }
    throw error;
  }
  const repo = createJiraWebhookRepo(deps.store.tables);
  const key = `adm:${mappingId}`;
  const previous = await repo.find(deps.store.db, key);
  for (const old of ids(previous)) {
    await quietly(deps, () => deleteAdminWebhook(deps, target.endpoint, old), 'admin webhook');
  }
  const now = deps.clock.now();
  await deps.store.transaction((tx) =>
    repo.upsert(tx, {
      id: key,
      connectionId: mapping.connectionId,
      mappingId,
      kind: 'admin',
      jiraWebhookIds: JSON.stringify([id]),
      url: secrets.url,
      jql,
      expiresAt: null,
      refreshedAt: null,
      createdAt: previous?.createdAt ?? now,
      updatedAt: now,
    }),
  );
  return {
    mappingId,
    mode: 'automatic',
    kind: 'admin',
    jiraWebhookIds: [id],
    expiresAt: null,
    reason: null,
    manual: null,
  };
}

async function setUpDynamicWebhook(deps: ToolApiDeps, mappingId: string): Promise<WebhookSetup> {
  const mapping = await getMapping(deps, mappingId);
  const connectionId = mapping.connectionId;
  const keys = [
    ...new Set(
      (await listMappings(deps, connectionId))
        .filter((m) => m.webhookMode === 'automatic' && m.jiraProjectStatus !== 'deleted')
        .map((m) => m.jiraProject.key),
    ),
  ].sort();
  const jql = jqlOf(keys.length > 0 ? keys : [mapping.jiraProject.key]);
  const target = await jiraTargetFor(deps, connectionId, undefined, 'read');
  const url = dynamicWebhookUrl(deps, connectionId);
  let created: string[];
  let expiresAt: Date;
  try {
    created = await registerDynamicWebhooks(deps, target.endpoint, url, [
      {
        events: DYNAMIC_EVENTS,
        jqlFilter: jql,
        // Only the "send test event" property, not every property apps (and our coverage) set.
        issuePropertyKeysFilter: [CHECK_PROPERTY_KEY],
      },
    ]);
    // The refresh answers the exact expiry (30 days on Jira Cloud).
    expiresAt = await refreshDynamicWebhooks(deps, target.endpoint, created);
  } catch (error) {
    if (isRefusal(error)) {
      return fallBackToManual(
        deps,
        mappingId,
        `Jira refused to register a dynamic webhook: ${error.message}. Registering one needs the scope manage:jira-webhook: authorize the connection again with automatic webhooks asked for. The mapping is kept in manual mode.`,
      );
    }
    throw error;
  }
  const repo = createJiraWebhookRepo(deps.store.tables);
  const key = `dyn:${connectionId}`;
  const previous = await repo.find(deps.store.db, key);
  const replaced = ids(previous);
  if (replaced.length > 0) {
    await quietly(
      deps,
      () => deleteDynamicWebhooks(deps, target.endpoint, replaced),
      'dynamic webhook',
    );
  }
  const now = deps.clock.now();
  await deps.store.transaction((tx) =>
    repo.upsert(tx, {
      id: key,
      connectionId,
      mappingId: null,
      kind: 'dynamic',
      jiraWebhookIds: JSON.stringify(created),
      url,
      jql,
      expiresAt,
      refreshedAt: now,
      createdAt: previous?.createdAt ?? now,
      updatedAt: now,
    }),
  );
  return {
    mappingId,
    mode: 'automatic',
    kind: 'dynamic',
    jiraWebhookIds: created,
    expiresAt: expiresAt.toISOString(),
    reason: null,
    manual: null,
  };
}

/**
 * Registers the mapping's webhook in Jira (automatic mode), or falls back to manual mode with
 * the reason. Called when a mapping is saved in automatic mode, and by the admin to retry.
 * @throws AppError not_found | needs_reauthorization | Jira unreachable (nothing changed)
 */
export async function setUpAutomaticWebhook(
  deps: ToolApiDeps,
  mappingId: string,
): Promise<WebhookSetup> {
  const mapping = await getMapping(deps, mappingId);
  if (mapping.webhookMode !== 'automatic') await setWebhookMode(deps, mappingId, 'automatic');
  const connection = await getConnection(deps, mapping.connectionId);
  try {
    return connection.auth.type === 'cloud_oauth2'
      ? await setUpDynamicWebhook(deps, mappingId)
      : await setUpAdminWebhook(deps, mappingId);
  } catch (error) {
    // Jira unreachable, the grant needing re-authorization …: the mapping stays, in manual mode.
    if (error instanceof AppError && error.code !== 'not_found') {
      return fallBackToManual(
        deps,
        mappingId,
        `The webhook could not be registered in Jira (${error.message}). The mapping is kept in manual mode; switch it to automatic again to retry.`,
      );
    }
    throw error;
  }
}

/**
 * What Testbridge registered for a mapping leaving automatic mode (or being deleted): its admin
 * webhook deleted in Jira; the connection's dynamic webhook narrowed to the projects still in
 * automatic mode, or deleted when none is. Best effort: a failure is logged, the mapping change
 * stands (a webhook left in Jira only sends deliveries Testbridge refuses or ignores).
 */
export async function releaseAutomaticWebhook(deps: ToolApiDeps, mapping: Mapping): Promise<void> {
  const repo = createJiraWebhookRepo(deps.store.tables);
  try {
    const connection = await getConnection(deps, mapping.connectionId);
    if (connection.auth.type !== 'cloud_oauth2') {
      const row = await repo.find(deps.store.db, `adm:${mapping.id}`);
      if (!row) return;
      const target = await jiraTargetFor(deps, mapping.connectionId, undefined, 'read');
      for (const id of ids(row)) await deleteAdminWebhook(deps, target.endpoint, id);
      await deps.store.transaction((tx) => repo.delete(tx, row.id));
      return;
    }
    const row = await repo.find(deps.store.db, `dyn:${mapping.connectionId}`);
    if (!row) return;
    const keys = [
      ...new Set(
        (await listMappings(deps, mapping.connectionId))
          .filter(
            (m) =>
              m.id !== mapping.id &&
              m.webhookMode === 'automatic' &&
              m.jiraProjectStatus !== 'deleted',
          )
          .map((m) => m.jiraProject.key),
      ),
    ].sort();
    const target = await jiraTargetFor(deps, mapping.connectionId, undefined, 'read');
    if (keys.length === 0) {
      await deleteDynamicWebhooks(deps, target.endpoint, ids(row));
      await deps.store.transaction((tx) => repo.delete(tx, row.id));
      return;
    }
    const jql = jqlOf(keys);
    if (jql === row.jql) return;
    const created = await registerDynamicWebhooks(deps, target.endpoint, row.url, [
      {
        events: DYNAMIC_EVENTS,
        jqlFilter: jql,
        // Only the "send test event" property, not every property apps (and our coverage) set.
        issuePropertyKeysFilter: [CHECK_PROPERTY_KEY],
      },
    ]);
    const expiresAt = await refreshDynamicWebhooks(deps, target.endpoint, created);
    await quietly(
      deps,
      () => deleteDynamicWebhooks(deps, target.endpoint, ids(row)),
      'dynamic webhook',
    );
    const now = deps.clock.now();
    await deps.store.transaction((tx) =>
      repo.upsert(tx, {
        ...row,
        jiraWebhookIds: JSON.stringify(created),
        jql,
        expiresAt,
        refreshedAt: now,
        updatedAt: now,
      }),
    );
  } catch (error) {
    deps.logger.warn(
      { err: error, mappingId: mapping.id },
      "could not remove the mapping's webhook from Jira",
    );
  }
}
