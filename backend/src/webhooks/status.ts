/**
 * Webhook health of a connection, for the Forge admin page (`ForgeFeatures.webhookStatusOf`):
 * registered (automatic or manual) and working, failing (dead letters, an expired dynamic
 * webhook), or not registered.
 */
import type { ForgeWebhookStatus } from '@testbridge/shared/forge/remote';
import type { Deps } from '../deps.ts';
import { createEndpointRepo, createEventRepo, createJiraWebhookRepo } from './repo.ts';

export async function webhookStatusOf(
  deps: Pick<Deps, 'store' | 'clock'>,
  connectionId: string,
): Promise<ForgeWebhookStatus> {
  const { db, tables } = deps.store;
  const registered = await createJiraWebhookRepo(tables).listOfConnection(db, connectionId);
  const endpoints = await createEndpointRepo(tables).countOfConnection(db, connectionId);
  const { dead, lastReceived } = await createEventRepo(tables).healthOf(db, connectionId);
  const last = lastReceived
    ? `last delivery ${lastReceived.at.toISOString()} (${lastReceived.source})`
    : 'no delivery received yet';
  const now = deps.clock.now();
  const expired = registered.filter((hook) => hook.expiresAt && hook.expiresAt <= now);
  if (expired.length > 0) {
    return {
      state: 'failing',
      detail: `A dynamic webhook expired on ${expired[0]?.expiresAt?.toISOString()}; switch the mapping to automatic again. ${last}.`,
    };
  }
  if (dead > 0) {
    return {
      state: 'failing',
      detail: `${dead} event(s) could not be processed (dead letters); ${last}.`,
    };
  }
  if (registered.length === 0 && endpoints === 0) {
    return { state: 'not_registered', detail: 'No mapping of this site has a webhook.' };
  }
  const kinds = [
    ...new Set(registered.map((hook) => (hook.kind === 'dynamic' ? 'dynamic' : 'admin'))),
  ];
  return {
    state: 'registered',
    detail: `${kinds.length > 0 ? `Registered by Testbridge (${kinds.join(', ')})` : 'Entered by hand'}; ${last}.`,
  };
}

/** `project = A` or `project in (A, B)` (what automatic mode writes) → the keys. */
const projectKeysOf = (jql: string): string[] =>
  jql
    .replace(/^project\s*(=|in)\s*\(?/, '')
    .replace(/\)\s*$/, '')
    .split(',')
    .map((key) => key.trim());

/** What Testbridge registered in Jira for a mapping in automatic mode (none: not registered). */
export interface AutomaticRegistration {
  kind: 'admin' | 'dynamic';
  jiraWebhookIds: string[];
  jql: string;
  expiresAt: string | null;
}

/**
 * The registration automatic mode made for a mapping: its own admin webhook, or its connection's
 * dynamic webhook when that covers the mapped project. For the admin UI's mapping page.
 */
export async function automaticRegistrationOf(
  deps: Pick<Deps, 'store'>,
  mapping: { id: string; connectionId: string; jiraProject: { key: string } },
): Promise<AutomaticRegistration | null> {
  const repo = createJiraWebhookRepo(deps.store.tables);
  const rows = await repo.listOfConnection(deps.store.db, mapping.connectionId);
  const own =
    rows.find((row) => row.kind === 'admin' && row.mappingId === mapping.id) ??
    rows.find(
      (row) => row.kind === 'dynamic' && projectKeysOf(row.jql).includes(mapping.jiraProject.key),
    );
  if (!own) return null;
  return {
    kind: own.kind,
    jiraWebhookIds: JSON.parse(own.jiraWebhookIds) as string[],
    jql: own.jql,
    expiresAt: own.expiresAt?.toISOString() ?? null,
  };
}
