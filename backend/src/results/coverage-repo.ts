import { and, asc, desc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { Db, Tables } from '../db/store.ts';

/** Which executions a coverage read counts (shared CoverageScope, as the store sees it). */
export type ScopeFilter =
  | { kind: 'all' }
  | { kind: 'environment'; value: string }
  | { kind: 'fixVersion'; value: string };

/** The coverage reads: a few indexed lookups, no scan (see README: tables and indexes). */
export function createCoverageRepo(tables: Tables) {
  const tests = tables.resultTests;
  const executions = tables.resultExecutions;
  const runs = tables.resultRuns;
  const latest = tables.resultLatest;
  const executionView = {
    id: executions.id,
    testId: executions.testId,
    runId: executions.runId,
    status: executions.status,
    flaky: executions.flaky,
    durationMs: executions.durationMs,
    message: executions.message,
    at: executions.at,
    environment: executions.environment,
    fixVersion: executions.fixVersion,
    runName: runs.name,
    pipelineId: runs.pipelineId,
    buildNumber: runs.buildNumber,
    buildUrl: runs.buildUrl,
    buildDisplayName: runs.buildDisplayName,
  };
  return {
    async findTests(db: Db, ids: readonly string[]) {
      if (ids.length === 0) return [];
      return db
        .select({
          id: tests.id,
          projectKey: tests.projectKey,
          testKey: tests.testKey,
          name: tests.name,
          classname: tests.classname,
        })
        .from(tests)
        .where(inArray(tests.id, [...ids]));
    },
    /** Every latest row of the tests (all scopes), with its execution and run. */
    async findLatest(db: Db, testIds: readonly string[]) {
      if (testIds.length === 0) return [];
      return db
        .select({ scopeKind: latest.scopeKind, scopeValue: latest.scopeValue, ...executionView })
        .from(latest)
        .innerJoin(executions, eq(executions.id, latest.executionId))
        .innerJoin(runs, eq(runs.id, executions.runId))
        .where(inArray(latest.testId, [...testIds]));
    },
    /**
     * The last `limit` executions of each test in the scope, by test, newest first: one query
     * (a row number per test over the `(test_id[, scope], at)` index), not one per test.
     */
    async findHistories(db: Db, testIds: readonly string[], scope: ScopeFilter, limit: number) {
      if (testIds.length === 0 || limit === 0) return [];
      const conditions: SQL[] = [inArray(executions.testId, [...testIds])];
      if (scope.kind === 'environment') conditions.push(eq(executions.environment, scope.value));
      if (scope.kind === 'fixVersion') conditions.push(eq(executions.fixVersion, scope.value));
      const ranked = db
        .select({
          id: executions.id,
          rank: sql<number>`row_number() over (partition by ${executions.testId} order by ${executions.at} desc, ${executions.id} desc)`.as(
            'rank',
          ),
        })
        .from(executions)
        .where(and(...conditions))
        .as('ranked');
      return db
        .select(executionView)
        .from(ranked)
        .innerJoin(executions, eq(executions.id, ranked.id))
        .innerJoin(runs, eq(runs.id, executions.runId))
        .where(sql`${ranked.rank} <= ${limit}`)
        .orderBy(asc(executions.testId), desc(executions.at), desc(executions.id));
    },
    /** The last `limit` executions of one test in the scope, newest first. */
    async findHistory(db: Db, testId: string, scope: ScopeFilter, limit: number) {
      const conditions: SQL[] = [eq(executions.testId, testId)];
      if (scope.kind === 'environment') conditions.push(eq(executions.environment, scope.value));
      if (scope.kind === 'fixVersion') conditions.push(eq(executions.fixVersion, scope.value));
      return db
        .select(executionView)
        .from(executions)
        .innerJoin(runs, eq(runs.id, executions.runId))
        .where(and(...conditions))
        .orderBy(desc(executions.at), desc(executions.id))
        .limit(limit);
    },
  };
}

export type CoverageRepo = ReturnType<typeof createCoverageRepo>;
export type ExecutionViewRow = Awaited<ReturnType<CoverageRepo['findHistory']>>[number];
