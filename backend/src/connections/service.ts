import type {
  Connection,
  ConnectionEvent,
  UpdateConnectionRequest,
} from '@testbridge/shared/api/connections';
import { newSortableId } from '../db/ids.ts';
import type { Db } from '../db/store.ts';
import type { Deps } from '../deps.ts';
import type { Caller } from '../http/env.ts';
import { AppError } from '../http/errors.ts';
import { type ConnectionEventRow, type ConnectionRow, createConnectionRepo } from './repo.ts';
import { toConnection, toConnectionEvent } from './view.ts';

export type ServiceDeps = Pick<
  Deps,
  | 'store'
  | 'clock'
  | 'logger'
  | 'sealer'
  | 'config'
  | 'fetch'
  | 'sleep'
  | 'lookupHost'
  | 'projectKeysOf'
>;

/** Records one history entry (in the caller's transaction). Never pass a secret in `detail`. */
export async function recordConnectionEvent(
  deps: Pick<Deps, 'store' | 'clock'>,
  tx: Db,
  connectionId: string,
  type: ConnectionEvent['type'],
  actor: string,
  detail: ConnectionEventRow['detail'] = null,
): Promise<void> {
  const at = deps.clock.now();
  await createConnectionRepo(deps.store.tables).appendEvent(tx, {
    id: newSortableId(at),
    connectionId,
    at,
    type,
    actor,
    detail,
  });
}

export const actorOf = (caller: Caller) => `api-key:${caller.name} (${caller.keyId})`;

export async function listConnections(deps: ServiceDeps): Promise<Connection[]> {
  const repo = createConnectionRepo(deps.store.tables);
  const rows = await repo.list(deps.store.db);
  return Promise.all(
    rows.map(async (row) => toConnection(row, await repo.findGrant(deps.store.db, row.id, ''))),
  );
}

/**
 * The connection that serves a Jira Cloud site (the Forge app's tenant): an active one first,
 * else the oldest; undefined when the site has none.
 */
export async function findSiteConnection(
  deps: Pick<Deps, 'store'>,
  cloudId: string,
): Promise<SiteConnection | undefined> {
  const rows = await createConnectionRepo(deps.store.tables).listByCloudId(deps.store.db, cloudId);
  const row = rows.find((candidate) => candidate.status === 'active') ?? rows[0];
  if (!row) return undefined;
  const { id, name, jiraUrl, status, statusReason } = row;
  return { id, name, jiraUrl, status, statusReason };
}

/** A connection as another feature needs it: who it is and whether it works, no credentials. */
export type SiteConnection = Pick<
  ConnectionRow,
  'id' | 'name' | 'jiraUrl' | 'status' | 'statusReason'
>;

export async function getConnection(deps: ServiceDeps, id: string): Promise<Connection> {
  const repo = createConnectionRepo(deps.store.tables);
  const row = await repo.findById(deps.store.db, id);
  if (!row) throw new AppError('not_found', `No connection ${id}`);
  return toConnection(row, await repo.findGrant(deps.store.db, id, ''));
}

/**
 * Changes a connection's settings (`requireUserGrantForWrites`), recorded in the history as
 * `settings_updated` with the old and new values.
 * @throws AppError not_found | validation_failed (nothing to change)
 */
export async function updateConnectionSettings(
  deps: ServiceDeps,
  id: string,
  input: UpdateConnectionRequest,
  caller: Caller,
): Promise<Connection> {
  const repo = createConnectionRepo(deps.store.tables);
  if (input.requireUserGrantForWrites === undefined)
    throw new AppError('validation_failed', 'The body changes nothing', {
      invalidFields: [{ field: 'body', message: 'name at least one setting' }],
    });
  const required = input.requireUserGrantForWrites;
  await deps.store.transaction(async (tx) => {
    const row = await repo.findById(tx, id);
    if (!row) throw new AppError('not_found', `No connection ${id}`);
    if (row.requireUserGrantForWrites === required) return;
    await repo.update(tx, id, { requireUserGrantForWrites: required, updatedAt: deps.clock.now() });
    await recordConnectionEvent(deps, tx, id, 'settings_updated', actorOf(caller), {
      requireUserGrantForWrites: required,
      previous: row.requireUserGrantForWrites,
    });
  });
  return getConnection(deps, id);
}

/** Deletes a connection with its grants and history, and closes its sockets to Jira. */
export async function deleteConnection(
  deps: ServiceDeps & Pick<Deps, 'dispatchers'>,
  id: string,
  caller: Caller,
): Promise<void> {
  const repo = createConnectionRepo(deps.store.tables);
  const deleted = await deps.store.transaction((tx) => repo.delete(tx, id));
  if (!deleted) throw new AppError('not_found', `No connection ${id}`);
  await deps.dispatchers.release(id);
  deps.logger.info({ connectionId: id, actor: actorOf(caller) }, 'connection deleted');
}

/** The OAuth history, newest first, paged by an opaque cursor. */
export async function listConnectionEvents(
  deps: ServiceDeps,
  id: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<{ items: ConnectionEvent[]; nextCursor: string | null }> {
  const repo = createConnectionRepo(deps.store.tables);
  if (!(await repo.findById(deps.store.db, id)))
    throw new AppError('not_found', `No connection ${id}`);
  const before = page.cursor ? decodeCursor(page.cursor) : undefined;
  const rows = await repo.listEvents(deps.store.db, id, page.limit + 1, before);
  const items = rows.slice(0, page.limit);
  const last = items[items.length - 1];
  return {
    items: items.map(toConnectionEvent),
    nextCursor: rows.length > page.limit && last ? encodeCursor(last) : null,
  };
}

function encodeCursor(row: { at: Date; id: string }): string {
  return Buffer.from(`${row.at.getTime()}:${row.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { at: Date; id: string } {
  const match = /^(\d+):(.+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match?.[1] || !match[2]) {
    throw new AppError('validation_failed', 'The cursor is not valid', {
      invalidFields: [{ field: 'query.cursor', message: 'is not a cursor from this API' }],
    });
  }
  return { at: new Date(Number(match[1])), id: match[2] };
}
