/**
 * The admin's side of Jira events: where a mapping's webhooks are received (manual mode: URL,
 * secret and events to enter in Jira), and the dead-letter list with its retry.
 */
import {
  type DeadLetter,
  type KnownWebhook,
  type MappingVersion,
  WEBHOOK_EVENTS,
  type WebhookEndpoint,
  type WebhookEndpointSecrets,
} from '@testbridge/shared/api/webhooks';
import { PlainSecret } from '../crypto/secret.ts';
import { newSortableId } from '../db/ids.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../http/errors.ts';
import { assertJiraUrlAllowed } from '../jira/url-guard.ts';
import { getMapping, listMappings } from '../mappings/service.ts';
import {
  createChangeRepo,
  createEndpointRepo,
  createEventRepo,
  createVersionRepo,
  type EndpointRow,
} from './repo.ts';
import { bindCallbackSecret, bindEndpointSecret } from './seal.ts';
import { hashUrlToken, newUrlToken, newWebhookSecret } from './verify.ts';

type ServiceDeps = Pick<Deps, 'store' | 'clock' | 'sealer' | 'config'>;

/** Where a mapping's admin webhooks (secret, `X-Hub-Signature`) are posted. */
export const signedWebhookUrl = (deps: Pick<Deps, 'config'>, endpointId: string) =>
  `${deps.config.publicUrl}/webhooks/jira/endpoints/${endpointId}`;

/** Where a Cloud OAuth 2.0 connection's dynamic webhooks are posted. */
export const dynamicWebhookUrl = (deps: Pick<Deps, 'config'>, connectionId: string) =>
  `${deps.config.publicUrl}/webhooks/jira/connections/${connectionId}`;

function view(deps: Pick<Deps, 'config'>, row: EndpointRow, projectKey: string): WebhookEndpoint {
  return {
    mappingId: row.mappingId,
    url: signedWebhookUrl(deps, row.id),
    events: [...WEBHOOK_EVENTS],
    jqlFilter: `project = ${projectKey}`,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/**
 * Creates the mapping's webhook endpoint, or replaces its secret and URL token (the old ones stop
 * working at once). The only answer that shows them.
 * @throws AppError not_found (mapping)
 */
export async function issueWebhookEndpoint(
  deps: ServiceDeps,
  mappingId: string,
): Promise<WebhookEndpointSecrets> {
  const mapping = await getMapping(deps, mappingId);
  const repo = createEndpointRepo(deps.store.tables);
  const now = deps.clock.now();
  const existing = await repo.findByMapping(deps.store.db, mappingId);
  const id = existing?.id ?? newSortableId(now);
  const secret = newWebhookSecret();
  const token = newUrlToken();
  const row = await deps.store.transaction((tx) =>
    repo.upsert(tx, {
      id,
      mappingId,
      connectionId: mapping.connectionId,
      secret: deps.sealer.seal(new PlainSecret(secret), bindEndpointSecret(id)),
      tokenHash: hashUrlToken(token),
      createdAt: now,
      updatedAt: now,
    }),
  );
  const shown = view(deps, row, mapping.jiraProject.key);
  return { ...shown, secret, urlWithToken: `${shown.url}/${token}` };
}

/**
 * The mapping's webhook endpoint, without its secret.
 * @throws AppError not_found (mapping, or no endpoint issued yet)
 */
export async function getWebhookEndpoint(
  deps: ServiceDeps,
  mappingId: string,
): Promise<WebhookEndpoint> {
  const mapping = await getMapping(deps, mappingId);
  const row = await createEndpointRepo(deps.store.tables).findByMapping(deps.store.db, mappingId);
  if (!row) {
    throw new AppError('not_found', `Mapping ${mappingId} has no webhook endpoint yet`);
  }
  return view(deps, row, mapping.jiraProject.key);
}

/** Events that could not be processed, newest first. */
export async function listDeadLetters(deps: Pick<Deps, 'store'>): Promise<DeadLetter[]> {
  const rows = await createEventRepo(deps.store.tables).listDead(deps.store.db, 500);
  return rows.map((row) => ({
    id: row.id,
    connectionId: row.connectionId,
    source: row.source,
    deliveryId: row.deliveryId,
    eventType: row.eventType,
    attempts: row.attempts,
    lastError: row.lastError,
    receivedAt: row.receivedAt.toISOString(),
  }));
}

/**
 * Puts a dead letter back in line, due now.
 * @throws AppError not_found (no such dead letter)
 */
export async function retryDeadLetter(
  deps: Pick<Deps, 'store' | 'clock'>,
  id: string,
): Promise<void> {
  const repo = createEventRepo(deps.store.tables);
  const revived = await deps.store.transaction((tx) => repo.revive(tx, id, deps.clock.now()));
  if (!revived) throw new AppError('not_found', `No dead letter ${id}`);
}

/**
 * The versions of a mapping's Jira project with their release state, as Jira's events (and the
 * reconciliation) left them.
 * @throws AppError not_found (mapping)
 */
export async function listMappingVersions(
  deps: Pick<Deps, 'store'>,
  mappingId: string,
): Promise<MappingVersion[]> {
  const mapping = await getMapping(deps, mappingId);
  const rows = await createVersionRepo(deps.store.tables).listOfProject(
    deps.store.db,
    mapping.connectionId,
    mapping.jiraProject.id,
  );
  return rows.map((row) => ({
    id: row.versionId,
    name: row.name,
    released: row.released,
    archived: row.archived,
    releaseDate: row.releaseDate,
  }));
}

/** Every mapping webhook endpoint Testbridge issued (manual mode), with its mapping. */
export async function listKnownWebhooks(
  deps: Pick<Deps, 'store' | 'config'>,
): Promise<KnownWebhook[]> {
  const rows = await createEndpointRepo(deps.store.tables).list(deps.store.db);
  const mappings = new Map((await listMappings(deps)).map((m) => [m.id, m]));
  return rows.flatMap((row) => {
    const mapping = mappings.get(row.mappingId);
    if (!mapping) return [];
    return [
      {
        ...view(deps, row, mapping.jiraProject.key),
        connectionId: mapping.connectionId,
        jiraProjectKey: mapping.jiraProject.key,
        webhookMode: mapping.webhookMode,
      },
    ];
  });
}

/**
 * Forgets a mapping's endpoint: its URL, secret and token stop working at once (delete the
 * webhook in Jira too).
 * @throws AppError not_found
 */
export async function revokeWebhookEndpoint(
  deps: Pick<Deps, 'store'>,
  mappingId: string,
): Promise<void> {
  const repo = createEndpointRepo(deps.store.tables);
  const deleted = await deps.store.transaction((tx) => repo.deleteByMapping(tx, mappingId));
  if (!deleted) throw new AppError('not_found', `Mapping ${mappingId} has no webhook endpoint`);
}

/**
 * Sets the mapping's outgoing callback (a new secret each time, shown once). The URL is checked
 * like a Jira URL (https, no private address unless ALLOW_PRIVATE_JIRA_URLS).
 * @throws AppError not_found (mapping) | url_not_allowed (`body.url`)
 */
export async function setEventCallback(
  deps: Pick<Deps, 'store' | 'clock' | 'sealer' | 'config' | 'lookupHost'>,
  mappingId: string,
  url: string,
): Promise<{ mappingId: string; url: string; secret: string }> {
  await getMapping(deps, mappingId);
  const checked = await assertJiraUrlAllowed(url, 'body.url', {
    allowPrivate: deps.config.allowPrivateJiraUrls,
    lookupHost: deps.lookupHost,
  });
  const secret = newWebhookSecret();
  const now = deps.clock.now();
  const repo = createChangeRepo(deps.store.tables);
  await deps.store.transaction((tx) =>
    repo.upsertCallback(tx, {
      mappingId,
      url: checked.toString(),
      secret: deps.sealer.seal(new PlainSecret(secret), bindCallbackSecret(mappingId)),
      createdAt: now,
      updatedAt: now,
    }),
  );
  return { mappingId, url: checked.toString(), secret };
}

/**
 * Removes the mapping's callback; queued calls to it are dropped.
 * @throws AppError not_found
 */
export async function deleteEventCallback(
  deps: Pick<Deps, 'store'>,
  mappingId: string,
): Promise<void> {
  const repo = createChangeRepo(deps.store.tables);
  const deleted = await deps.store.transaction((tx) => repo.deleteCallback(tx, mappingId));
  if (!deleted) throw new AppError('not_found', `Mapping ${mappingId} has no callback`);
}
