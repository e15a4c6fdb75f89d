import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Db, Tables } from '../db/store.ts';
import { newestFirstRank } from './coverage-repo.ts';

/** Deletes for retention, each bounded to `limit` rows so no statement holds the store long. */
export function createRetentionRepo(tables: Tables) {
  const executions = tables.resultExecutions;
  const latest = tables.resultLatest;
  const runs = tables.resultRuns;
  const notLatest = sql`not exists (select 1 from ${latest} where ${latest.executionId} = ${executions.id})`;
  return {
    /** Executions older than `cutoff`, except the latest of a test in some scope. */
    async deleteOlderThan(db: Db, cutoff: Date, limit: number): Promise<number> {
      const victims = db
        .select({ id: executions.id })
        .from(executions)
        .where(and(lt(executions.at, cutoff), notLatest))
        .limit(limit);
      const rows = await db
        .delete(executions)
        .where(inArray(executions.id, victims))
        .returning({ id: executions.id });
      return rows.length;
    },
    /** Executions beyond the newest `keep` of their test, except the latest in some scope. */
    async deleteBeyondCount(db: Db, keep: number, limit: number): Promise<number> {
      const ranked = db
        .select({
          id: executions.id,
          rank: newestFirstRank(tables),
        })
        .from(executions)
        .as('ranked');
      const victims = db
        .select({ id: ranked.id })
        .from(ranked)
        .where(
          and(
            sql`${ranked.rank} > ${keep}`,
            sql`not exists (select 1 from ${latest} where ${latest.executionId} = ${ranked.id})`,
          ),
        )
        .limit(limit);
      const rows = await db
        .delete(executions)
        .where(inArray(executions.id, victims))
        .returning({ id: executions.id });
      return rows.length;
    },
    /** Runs older than `cutoff` with no execution left. */
    async deleteEmptyRuns(db: Db, cutoff: Date, limit: number): Promise<number> {
      const victims = db
        .select({ id: runs.id })
        .from(runs)
        .where(
          and(
            lt(runs.at, cutoff),
            sql`not exists (select 1 from ${executions} where ${executions.runId} = ${runs.id})`,
          ),
        )
        .limit(limit);
      const rows = await db
        .delete(runs)
        .where(inArray(runs.id, victims))
        .returning({ id: runs.id });
      return rows.length;
    },
    async countExecutions(db: Db, testId?: string): Promise<number> {
      const rows = await db
        .select({ n: sql<number>`count(*)`.mapWith(Number) })
        .from(executions)
        .where(testId ? eq(executions.testId, testId) : undefined);
      return rows[0]?.n ?? 0;
    },
  };
}
