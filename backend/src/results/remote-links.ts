import type { Db, Store } from '../db/store.ts';
import type { Deps } from '../deps.ts';
import { enqueueOutboxItems, newOutboxId } from '../outbox/service.ts';
import { createExecutionRepo } from './execution-repo.ts';
import { createRemoteLinksRepo, pairKey, type RemoteLinkSyncRow } from './remote-links-repo.ts';

/** The outbox kind of a remote-link update (target: the connection; payload: issue and test). */
export const REMOTE_LINK_KIND = 'jira.remote-link';

/** Where people and Jira's remote links find a run. */
export const runUrlOf = (deps: Pick<Deps, 'config'>, runId: string) =>
  `${deps.config.publicUrl.replace(/\/+$/, '')}/api/v1/test-runs/${encodeURIComponent(runId)}`;

/** The remote link's `globalId`: one per test on each issue, so updates replace it. */
export const remoteLinkGlobalIdOf = (testId: string) => `testbridge:test:${testId}`;

/**
 * Asks for the remote links of `testIds` on every issue they cover to be brought up to date,
 * inside the import's transaction. Coalesced: a pair that already has a pending update only has
 * its version raised (the pending update reads the latest result when it is sent), so however
 * many files and runs arrive, each issue and test has at most one pending update.
 */
export async function requestRemoteLinkUpdates(
  store: Pick<Store, 'dialect' | 'tables'>,
  tx: Db,
  connectionId: string,
  testIds: readonly string[],
  now: Date,
): Promise<number> {
  const covered = await createExecutionRepo(store.tables).coveredIssueIds(
    tx,
    connectionId,
    testIds,
  );
  if (covered.size === 0) return 0;
  const repo = createRemoteLinksRepo(store.tables);
  const existing = await repo.findByTests(tx, connectionId, [...covered.keys()]);
  const rows: RemoteLinkSyncRow[] = [];
  const items = [];
  for (const [testId, issueIds] of covered) {
    for (const issueId of issueIds) {
      const before = existing.get(pairKey(issueId, testId));
      let pendingItemId = before?.pendingItemId ?? null;
      if (pendingItemId === null) {
        pendingItemId = newOutboxId(now);
        items.push({ issueId, testId, id: pendingItemId });
      }
      rows.push({
        connectionId,
        issueId,
        testId,
        version: (before?.version ?? 0) + 1,
        sentVersion: before?.sentVersion ?? 0,
        pendingItemId,
        failureReason: before?.failureReason ?? null,
        updatedAt: now,
      });
    }
  }
  const ids = await enqueueOutboxItems(
    store,
    tx,
    items.map((item) => ({
      kind: REMOTE_LINK_KIND,
      target: connectionId,
      subject: item.testId,
      dedupeKey: `remote-link:${item.id}`,
      payload: JSON.stringify({ issueId: item.issueId, testId: item.testId }),
    })),
    now,
  );
  // The outbox makes its own ids: record the ones it made.
  const made = new Map(items.map((item, i) => [item.id, ids[i] ?? item.id]));
  await repo.upsert(
    tx,
    rows.map((row) => ({
      ...row,
      pendingItemId: made.get(row.pendingItemId ?? '') ?? row.pendingItemId,
    })),
  );
  return items.length;
}
