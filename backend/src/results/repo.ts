import { and, asc, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Db, Tables } from '../db/store.ts';

export type RunRow = Tables['resultRuns']['$inferSelect'];
export type TestRow = Tables['resultTests']['$inferSelect'];
export type ExecutionRow = Tables['resultExecutions']['$inferSelect'];
export type LatestRow = Tables['resultLatest']['$inferSelect'];
export type NewTest = Omit<TestRow, 'id' | 'createdAt' | 'updatedAt'>;

/** Rows per statement: far under SQLite's 32,766 bound parameters for the widest table. */
export const ROWS_PER_STATEMENT = 500;

function* chunks<T>(items: readonly T[], size = ROWS_PER_STATEMENT): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** Runs, tests, executions and the latest-execution index: the only SQL of results import. */
export function createResultsRepo(tables: Tables) {
  const runs = tables.resultRuns;
  const tests = tables.resultTests;
  const executions = tables.resultExecutions;
  const latest = tables.resultLatest;
  const staged = tables.resultStagedCases;
  return {
    async insertRun(db: Db, row: RunRow): Promise<void> {
      await db.insert(runs).values(row);
    },
    async findRun(db: Db, id: string): Promise<RunRow | undefined> {
      return (await db.select().from(runs).where(eq(runs.id, id)).limit(1))[0];
    },
    async updateRunAfterImport(
      db: Db,
      id: string,
      change: Partial<
        Pick<
          RunRow,
          | 'files'
          | 'unknownIssueKeys'
          | 'updatedAt'
          | 'buildUrl'
          | 'buildDisplayName'
          | 'buildTestInfoFilled'
        >
      >,
    ): Promise<void> {
      await db.update(runs).set(change).where(eq(runs.id, id));
    },
    /** Runs of a tool project, newest first, after the cursor `(createdAt, id)`. */
    async listRuns(
      db: Db,
      projectKey: string,
      limit: number,
      createdBy?: { kind: RunRow['createdByKind']; id: string },
      before?: string,
    ): Promise<RunRow[]> {
      const conditions = [eq(runs.projectKey, projectKey)];
      if (createdBy) {
        conditions.push(eq(runs.createdByKind, createdBy.kind), eq(runs.createdBy, createdBy.id));
      }
      if (before) conditions.push(lt(runs.id, before));
      return db
        .select()
        .from(runs)
        .where(and(...conditions))
        .orderBy(desc(runs.id))
        .limit(limit);
    },
    /** Creates or renames tests by identity; answers identity → id. Identities must be distinct. */
    async upsertTests(
      db: Db,
      rows: readonly NewTest[],
      now: Date,
      newId: () => string,
    ): Promise<Map<string, string>> {
      const ids = new Map<string, string>();
      for (const part of chunks(rows)) {
        const answered = await db
          .insert(tests)
          .values(part.map((row) => ({ ...row, id: newId(), createdAt: now, updatedAt: now })))
          .onConflictDoUpdate({
            target: [tests.projectKey, tests.identity],
            set: {
              testKey: sql`excluded.test_key`,
              name: sql`excluded.name`,
              classname: sql`excluded.classname`,
              suite: sql`excluded.suite`,
              updatedAt: sql`excluded.updated_at`,
            },
          })
          .returning({ id: tests.id, identity: tests.identity });
        for (const row of answered) ids.set(row.identity, row.id);
      }
      return ids;
    },
    async findExecutions(db: Db, runId: string, testIds: readonly string[]) {
      const found: ExecutionRow[] = [];
      for (const part of chunks(testIds)) {
        found.push(
          ...(await db
            .select()
            .from(executions)
            .where(and(eq(executions.runId, runId), inArray(executions.testId, part)))),
        );
      }
      return found;
    },
    /** One execution per (run, test): inserted, or replaced by the merged one. */
    async upsertExecutions(db: Db, rows: readonly ExecutionRow[]): Promise<void> {
      for (const part of chunks(rows, 300)) {
        await db
          .insert(executions)
          .values(part)
          .onConflictDoUpdate({
            target: [executions.runId, executions.testId],
            set: {
              status: sql`excluded.status`,
              flaky: sql`excluded.flaky`,
              hadFailure: sql`excluded.had_failure`,
              attempts: sql`excluded.attempts`,
              durationMs: sql`excluded.duration_ms`,
              message: sql`excluded.message`,
              stack: sql`excluded.stack`,
              signature: sql`excluded.signature`,
            },
          });
      }
    },
    /** Points each (test, scope) at the execution unless a later one is there already. */
    async advanceLatest(db: Db, rows: readonly LatestRow[]): Promise<void> {
      for (const part of chunks(rows)) {
        await db
          .insert(latest)
          .values(part)
          .onConflictDoUpdate({
            target: [latest.testId, latest.scopeKind, latest.scopeValue],
            set: { executionId: sql`excluded.execution_id`, at: sql`excluded.at` },
            setWhere: sql`excluded.at >= ${latest.at}`,
          });
      }
    },
    /** Executions of a run counted by status and flakiness. */
    async countRun(db: Db, runId: string) {
      return db
        .select({
          status: executions.status,
          flaky: executions.flaky,
          count: sql<number>`count(*)`.mapWith(Number),
        })
        .from(executions)
        .where(eq(executions.runId, runId))
        .groupBy(executions.status, executions.flaky);
    },
    /** Tests of the project that cover a requirement but have no execution in the run. */
    async countLinkedAbsent(db: Db, projectKey: string, runId: string): Promise<number> {
      const links = tables.resultTestLinks;
      const rows = await db
        .select({ count: sql<number>`count(*)`.mapWith(Number) })
        .from(tests)
        .where(
          and(
            eq(tests.projectKey, projectKey),
            sql`exists (select 1 from ${links} where ${links.testId} = ${tests.id})`,
            sql`not exists (select 1 from ${executions} where ${executions.runId} = ${runId} and ${executions.testId} = ${tests.id})`,
          ),
        );
      return rows[0]?.count ?? 0;
    },
    async insertStaged(db: Db, uploadId: string, first: number, payloads: string[], now: Date) {
      for (const [offset, part] of [...chunks(payloads)].entries()) {
        await db.insert(staged).values(
          part.map((payload, i) => ({
            uploadId,
            seq: first + offset * ROWS_PER_STATEMENT + i,
            payload,
            createdAt: now,
          })),
        );
      }
    },
    async readStaged(db: Db, uploadId: string, fromSeq: number, limit: number) {
      return db
        .select({ seq: staged.seq, payload: staged.payload })
        .from(staged)
        .where(and(eq(staged.uploadId, uploadId), sql`${staged.seq} >= ${fromSeq}`))
        .orderBy(asc(staged.seq))
        .limit(limit);
    },
    async deleteStaged(db: Db, uploadId: string): Promise<void> {
      await db.delete(staged).where(eq(staged.uploadId, uploadId));
    },
    /** Uploads a crashed process left half-read. */
    async deleteStagedBefore(db: Db, cutoff: Date): Promise<number> {
      const rows = await db
        .delete(staged)
        .where(lt(staged.createdAt, cutoff))
        .returning({ seq: staged.seq });
      return rows.length;
    },
  };
}

export type ResultsRepo = ReturnType<typeof createResultsRepo>;
