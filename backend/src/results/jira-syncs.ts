import { z } from 'zod';
import type { Db, Store } from '../db/store.ts';
import type { Deps } from '../deps.ts';
import { enqueueOutboxItems, newOutboxId } from '../outbox/service.ts';
import {
  createJiraSyncsRepo,
  type JiraSyncKind,
  type JiraSyncRow,
  syncKey,
} from './jira-syncs-repo.ts';

/** The outbox kind of each thing kept current on Jira issues (target: the connection). */
export const SYNC_OUTBOX_KIND = {
  remote_link: 'jira.remote-link',
  coverage_property: 'jira.coverage-property',
} as const satisfies Record<JiraSyncKind, string>;

/** An update's outbox payload: the issue, and the test for a remote link ('' for the property). */
export const SyncPayload = z.object({ issueId: z.string(), subject: z.string() });

const itemFor = (
  kind: JiraSyncKind,
  row: Pick<JiraSyncRow, 'connectionId' | 'issueId' | 'subject'>,
) => ({
  kind: SYNC_OUTBOX_KIND[kind],
  target: row.connectionId,
  subject: row.subject || row.issueId,
  payload: JSON.stringify({ issueId: row.issueId, subject: row.subject }),
});

/**
 * Asks, inside the caller's transaction, for these issues' `kind` to be brought up to date.
 * Coalesced: one that already has a pending update only has its version raised (the pending
 * update reads the store when it is sent), so each has at most one pending update however many
 * imports arrive. `existing` holds the rows read for them (by `syncKey`).
 */
export async function requestSyncs(
  store: Pick<Store, 'dialect' | 'tables'>,
  tx: Db,
  kind: JiraSyncKind,
  connectionId: string,
  wanted: readonly { issueId: string; subject: string }[],
  existing: ReadonlyMap<string, JiraSyncRow>,
  now: Date,
): Promise<number> {
  const rows: JiraSyncRow[] = [];
  const fresh: JiraSyncRow[] = [];
  for (const { issueId, subject } of wanted) {
    const before = existing.get(syncKey(issueId, subject));
    const row: JiraSyncRow = {
      kind,
      connectionId,
      issueId,
      subject,
      version: (before?.version ?? 0) + 1,
      sentVersion: before?.sentVersion ?? 0,
      pendingItemId: before?.pendingItemId ?? null,
      failureReason: before?.failureReason ?? null,
      updatedAt: now,
    };
    if (row.pendingItemId === null) {
      row.pendingItemId = newOutboxId(now);
      fresh.push(row);
    }
    rows.push(row);
  }
  const ids = await enqueueOutboxItems(
    store,
    tx,
    fresh.map((row) => ({ ...itemFor(kind, row), dedupeKey: `sync:${row.pendingItemId}` })),
    now,
  );
  // The outbox may have made other ids: record the ones it made.
  fresh.forEach((row, i) => {
    row.pendingItemId = ids[i] ?? row.pendingItemId;
  });
  await createJiraSyncsRepo(store.tables).upsert(tx, rows);
  return fresh.length;
}

/** One update sent (or refused, with Jira's words). */
export interface SentSync {
  row: JiraSyncRow;
  failureReason: string | null;
}

/**
 * Records what was sent, in one transaction: each is up to date unless an import raised its
 * version meanwhile; then a new update is queued in place of the sent one (still one pending).
 */
export async function settleSyncs(
  deps: Pick<Deps, 'store' | 'clock'>,
  sent: readonly SentSync[],
): Promise<void> {
  if (sent.length === 0) return;
  const repo = createJiraSyncsRepo(deps.store.tables);
  await deps.store.transaction(async (tx) => {
    const now = deps.clock.now();
    for (const { row: before, failureReason } of sent) {
      const row = await repo.find(tx, before);
      if (!row) continue;
      let pendingItemId: string | null = null;
      if (row.version > before.version && failureReason === null) {
        const [queued] = await enqueueOutboxItems(deps.store, tx, [itemFor(row.kind, row)], now);
        pendingItemId = queued ?? null;
      }
      await repo.update(tx, row, {
        sentVersion: before.version,
        pendingItemId,
        failureReason,
        updatedAt: now,
      });
    }
  });
}
