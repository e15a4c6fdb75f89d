/**
 * Telling the test tool: every change Jira's events make is recorded in the change feed in the
 * transaction that makes it (so at least once), and, for mappings with an outgoing callback,
 * queued in the outbox for a signed POST (event-callback-sender.ts).
 */
import type { ChangeEvent } from '@testbridge/shared/api/webhooks';
import { newSortableId } from '../db/ids.ts';
import type { Db } from '../db/store.ts';
import type { Deps } from '../deps.ts';
import { listMappings } from '../mappings/service.ts';
import { enqueueOutboxItems } from '../outbox/service.ts';
import { createChangeRepo } from './repo.ts';

/** The outbox kind of outgoing callbacks. */
export const EVENT_CALLBACK_KIND = 'event-callback';
/** Changes younger than this are not served yet: a concurrent writer may still commit an earlier id. */
export const FEED_SETTLE_MS = 2_000;

export interface NewChange {
  kind: ChangeEvent['kind'];
  connectionId: string;
  subject: string;
  data: Record<string, unknown>;
  /** The Jira project the change concerns, to find its mappings (by id). */
  projectId: string | null;
}

/** The mappings of a Jira project (by id) on a connection. */
export async function mappingIdsOf(
  deps: Pick<Deps, 'store'>,
  connectionId: string,
  projectId: string | null,
): Promise<string[]> {
  if (projectId === null) return [];
  return (await listMappings(deps, connectionId))
    .filter((m) => m.jiraProject.id === projectId)
    .map((m) => m.id);
}

/** Records a change inside `tx`, with an outbox item per mapping callback. */
export async function recordChange(
  deps: Pick<Deps, 'store' | 'clock'>,
  tx: Db,
  change: NewChange,
  mappingIds: readonly string[],
): Promise<string> {
  const now = deps.clock.now();
  const repo = createChangeRepo(deps.store.tables);
  const id = newSortableId(now);
  await repo.insert(tx, {
    id,
    kind: change.kind,
    connectionId: change.connectionId,
    mappingIds: JSON.stringify(mappingIds),
    subject: change.subject,
    data: JSON.stringify(change.data),
    createdAt: now,
  });
  const callbacks = await repo.callbacksOf(tx, mappingIds);
  if (callbacks.length > 0) {
    await enqueueOutboxItems(
      deps.store,
      tx,
      callbacks.map((callback) => ({
        kind: EVENT_CALLBACK_KIND,
        target: `callback:${callback.mappingId}`,
        subject: change.subject,
        dedupeKey: `callback:${callback.mappingId}:${id}`,
        payload: JSON.stringify({ changeId: id, mappingId: callback.mappingId }),
      })),
      now,
    );
  }
  return id;
}

export function toChangeEvent(row: {
  id: string;
  kind: string;
  connectionId: string;
  mappingIds: string;
  subject: string;
  data: string;
  createdAt: Date;
}): ChangeEvent {
  return {
    id: row.id,
    kind: row.kind as ChangeEvent['kind'],
    connectionId: row.connectionId,
    mappingIds: JSON.parse(row.mappingIds) as string[],
    subject: row.subject,
    at: row.createdAt.toISOString(),
    data: JSON.parse(row.data) as Record<string, unknown>,
  };
}

/**
 * A page of the feed after `cursor` (ids sort by time), changes younger than FEED_SETTLE_MS held
 * back; delivery is at least once: a change can appear twice (an event processed again).
 */
export async function readChangeFeed(
  deps: Pick<Deps, 'store' | 'clock'>,
  cursor: string | undefined,
  limit: number,
): Promise<{ items: ChangeEvent[]; nextCursor: string | null }> {
  const settled = new Date(deps.clock.now().getTime() - FEED_SETTLE_MS);
  const rows = await createChangeRepo(deps.store.tables).listAfter(
    deps.store.db,
    cursor,
    settled,
    limit,
  );
  const items = rows.map(toChangeEvent);
  return { items, nextCursor: items.at(-1)?.id ?? cursor ?? null };
}
