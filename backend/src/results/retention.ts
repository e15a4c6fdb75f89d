/**
 * Retention of results: executions older than RESULTS_RETENTION_DAYS and those beyond the newest
 * RESULTS_MAX_EXECUTIONS_PER_TEST of their test are deleted (the latest of each test in each
 * scope always stays, so coverage never loses a status), then runs left empty, then staged cases
 * a crashed upload left. Safe with several replicas: on PostgreSQL each batch first takes a
 * transaction-level advisory lock, and a replica that does not get it stops (another is pruning).
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/store.ts';
import type { Deps } from '../deps.ts';
import { createResultsRepo } from './repo.ts';
import { createRetentionRepo } from './retention-repo.ts';

type PruneDeps = Pick<Deps, 'store' | 'clock' | 'config' | 'logger'>;

/** Rows per batch (one transaction each). */
export const PRUNE_BATCH = 5000;
/** How often the pruner runs. */
export const PRUNE_INTERVAL_MS = 3_600_000;
/** Staged cases older than this belong to an upload that died with its process. */
const STAGED_MAX_AGE_MS = 3_600_000;
/** Arbitrary, fixed: the advisory lock key of results pruning. */
export const PRUNE_LOCK_KEY = 0x7e57_2e5;

export interface PruneReport {
  skipped: boolean;
  byAge: number;
  byCount: number;
  runs: number;
  staged: number;
}

/** One batch in its own transaction, under the lock on PostgreSQL; undefined: lock not had. */
async function batch(deps: PruneDeps, work: (tx: Db) => Promise<number>) {
  return deps.store.transaction(async (tx) => {
    if (deps.store.dialect === 'postgres') {
      const [row] = await deps.store.query<{ locked: boolean }>(
        tx,
        sql`select pg_try_advisory_xact_lock(${PRUNE_LOCK_KEY}) as locked`,
      );
      if (!row?.locked) return undefined;
    }
    return work(tx);
  });
}

/** Repeats a batch until it deletes less than PRUNE_BATCH; undefined when the lock was taken. */
async function drain(deps: PruneDeps, work: (tx: Db) => Promise<number>) {
  let total = 0;
  for (;;) {
    const deleted = await batch(deps, work);
    if (deleted === undefined) return undefined;
    total += deleted;
    if (deleted < PRUNE_BATCH) return total;
  }
}

/** Applies the retention once. */
export async function pruneResults(deps: PruneDeps): Promise<PruneReport> {
  const repo = createRetentionRepo(deps.store.tables);
  const now = deps.clock.now();
  const cutoff = new Date(now.getTime() - deps.config.results.retentionMs);
  const keep = deps.config.results.maxExecutionsPerTest;
  const report: PruneReport = { skipped: false, byAge: 0, byCount: 0, runs: 0, staged: 0 };
  const steps: [keyof Omit<PruneReport, 'skipped'>, (tx: Db) => Promise<number>][] = [
    ['byAge', (tx) => repo.deleteOlderThan(tx, cutoff, PRUNE_BATCH)],
    ['byCount', (tx) => repo.deleteBeyondCount(tx, keep, PRUNE_BATCH)],
    ['runs', (tx) => repo.deleteEmptyRuns(tx, cutoff, PRUNE_BATCH)],
    [
      'staged',
      (tx) =>
        createResultsRepo(deps.store.tables).deleteStagedBefore(
          tx,
          new Date(now.getTime() - STAGED_MAX_AGE_MS),
        ),
    ],
  ];
  for (const [name, work] of steps) {
    const deleted = await drain(deps, work);
    if (deleted === undefined) return { ...report, skipped: true };
    report[name] = deleted;
  }
  return report;
}

/** Runs `pruneResults` every PRUNE_INTERVAL_MS (first soon after start); `stop` ends it. */
export function startResultsPruner(deps: PruneDeps, intervalMs = PRUNE_INTERVAL_MS) {
  let running: Promise<unknown> = Promise.resolve();
  const tick = () => {
    running = pruneResults(deps)
      .then((report) => deps.logger.info({ prune: report }, 'results retention applied'))
      .catch((error: unknown) => deps.logger.error({ err: error }, 'results retention failed'));
  };
  const first = setTimeout(tick, 60_000);
  const timer = setInterval(tick, intervalMs);
  first.unref();
  timer.unref();
  return {
    async stop() {
      clearTimeout(first);
      clearInterval(timer);
      await running;
    },
  };
}
