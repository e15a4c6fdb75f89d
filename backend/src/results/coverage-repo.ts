import { and, asc, desc, eq, inArray, type SQL, sql } from 'drizzle-orm';
import type { Db, Tables } from '../db/store.ts';

/** An execution as the panel shows it, with its run's name and build. */
function executionViewOf({ resultExecutions: executions, resultRuns: runs }: Tables) {
  return {
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
}

/** Each execution's place in its test's history, newest first (1 is the newest), as `rank`. */
export function newestFirstRank({ resultExecutions: executions }: Tables) {
  return sql<number>`row_number() over (partition by ${executions.testId} order by ${executions.at} desc, ${executions.id} desc)`.as(
    'rank',
  );
}

/** The panel's reads, prepared once per connection object (see `createCoverageRepo`). */
const preparedOf = new WeakMap<Db, ReturnType<typeof prepare>>();

/**
 * The statements behind every panel render, keyed by the issue alone so they can be prepared
 * once: building drizzle queries cost more than running them (a profile of the coverage bench:
 * about half of each read went to query building and statement preparation).
 */
function prepare(db: Db, tables: Tables) {
  const { resultTestLinks: links, resultTests: tests, resultLatest: latest } = tables;
  const { resultExecutions: executions, resultRuns: runs } = tables;
  const view = executionViewOf(tables);
  const onIssue = and(
    eq(links.connectionId, sql.placeholder('connectionId')),
    eq(links.issueId, sql.placeholder('issueId')),
  );
  const linked = db.select({ id: links.testId }).from(links).where(onIssue);
  const history = (name: string, scope?: 'environment' | 'fixVersion') => {
    const conditions: SQL[] = [inArray(executions.testId, linked)];
    if (scope) conditions.push(eq(executions[scope], sql.placeholder('value')));
    const ranked = db
      .select({
        id: executions.id,
        rank: newestFirstRank(tables),
      })
      .from(executions)
      .where(and(...conditions))
      .as('ranked');
    return db
      .select(view)
      .from(ranked)
      .innerJoin(executions, eq(executions.id, ranked.id))
      .innerJoin(runs, eq(runs.id, executions.runId))
      .where(sql`${ranked.rank} <= ${sql.placeholder('limit')}`)
      .orderBy(asc(executions.testId), desc(executions.at), desc(executions.id))
      .prepare(name);
  };
  return {
    // Each linked test with every latest row it has (none when it never ran).
    covering: db
      .select({
        test: {
          id: tests.id,
          projectKey: tests.projectKey,
          testKey: tests.testKey,
          name: tests.name,
          classname: tests.classname,
        },
        scopeKind: latest.scopeKind,
        scopeValue: latest.scopeValue,
        ...view,
      })
      .from(links)
      .innerJoin(tests, eq(tests.id, links.testId))
      .leftJoin(latest, eq(latest.testId, links.testId))
      .leftJoin(executions, eq(executions.id, latest.executionId))
      .leftJoin(runs, eq(runs.id, executions.runId))
      .where(onIssue)
      .prepare('coverage_covering'),
    historyAll: history('coverage_history_all'),
    historyEnvironment: history('coverage_history_environment', 'environment'),
    historyFixVersion: history('coverage_history_fix_version', 'fixVersion'),
  };
}

/** Which executions a coverage read counts (shared CoverageScope, as the store sees it). */
export type ScopeFilter =
  | { kind: 'all' }
  | { kind: 'environment'; value: string }
  | { kind: 'fixVersion'; value: string };

/** The coverage reads: a few indexed lookups, no scan (see README: tables and indexes). */
export function createCoverageRepo(tables: Tables) {
  const tests = tables.resultTests;
  const prepared = (db: Db) => {
    let statements = preparedOf.get(db);
    if (!statements) {
      statements = prepare(db, tables);
      preparedOf.set(db, statements);
    }
    return statements;
  };
  return {
    /**
     * The tests linked to an issue, each with all its latest rows (one row per scope it has run
     * in, or one row of nulls when it never ran).
     */
    async findCovering(db: Db, connectionId: string, issueId: string) {
      return prepared(db).covering.execute({ connectionId, issueId });
    },
    /** The last `limit` executions in the scope of each test linked to the issue, newest first. */
    async findIssueHistories(
      db: Db,
      connectionId: string,
      issueId: string,
      scope: ScopeFilter,
      limit: number,
    ): Promise<ExecutionViewRow[]> {
      if (limit === 0) return [];
      const statements = prepared(db);
      if (scope.kind === 'all')
        return statements.historyAll.execute({ connectionId, issueId, limit });
      const statement =
        scope.kind === 'environment' ? statements.historyEnvironment : statements.historyFixVersion;
      return statement.execute({ connectionId, issueId, value: scope.value, limit });
    },
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
  };
}

export type CoverageRepo = ReturnType<typeof createCoverageRepo>;
export type CoveringRow = Awaited<ReturnType<CoverageRepo['findCovering']>>[number];
export type ExecutionViewRow = Awaited<
  ReturnType<ReturnType<typeof prepare>['historyAll']['execute']>
>[number];
