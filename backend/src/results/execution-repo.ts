import { and, eq, inArray } from 'drizzle-orm';
import type { Db, Tables } from '../db/store.ts';
import type { ExecutionRow, RunRow, TestRow } from './repo.ts';

/** One execution with its test and run, and what those tests cover: what defects are made of. */
export function createExecutionRepo(tables: Tables) {
  const { resultExecutions: executions, resultTests: tests, resultRuns: runs } = tables;
  const links = tables.resultTestLinks;
  return {
    async findWithTestAndRun(
      db: Db,
      by: { executionId: string } | { runId: string; testId: string },
    ): Promise<{ execution: ExecutionRow; test: TestRow; run: RunRow } | undefined> {
      const rows = await db
        .select({ execution: executions, test: tests, run: runs })
        .from(executions)
        .innerJoin(tests, eq(tests.id, executions.testId))
        .innerJoin(runs, eq(runs.id, executions.runId))
        .where(
          'executionId' in by
            ? eq(executions.id, by.executionId)
            : and(eq(executions.runId, by.runId), eq(executions.testId, by.testId)),
        )
        .limit(1);
      return rows[0];
    },
    /** Tests with their latest execution anywhere (scope `all`) and that execution's run. */
    async findLatestOfTests(db: Db, testIds: readonly string[]) {
      const latest = tables.resultLatest;
      const rows = await db
        .select({ test: tests, execution: executions, run: runs })
        .from(tests)
        .leftJoin(
          latest,
          and(eq(latest.testId, tests.id), eq(latest.scopeKind, 'all'), eq(latest.scopeValue, '')),
        )
        .leftJoin(executions, eq(executions.id, latest.executionId))
        .leftJoin(runs, eq(runs.id, executions.runId))
        .where(inArray(tests.id, [...testIds]));
      return new Map(rows.map((row) => [row.test.id, row]));
    },
    /** The Jira issue ids each test covers on a connection. */
    async coveredIssueIds(
      db: Db,
      connectionId: string,
      testIds: readonly string[],
    ): Promise<Map<string, string[]>> {
      const covered = new Map<string, string[]>();
      for (let i = 0; i < testIds.length; i += 500) {
        const rows = await db
          .select({ testId: links.testId, issueId: links.issueId })
          .from(links)
          .where(
            and(
              eq(links.connectionId, connectionId),
              inArray(links.testId, testIds.slice(i, i + 500)),
            ),
          );
        for (const row of rows)
          covered.set(row.testId, [...(covered.get(row.testId) ?? []), row.issueId]);
      }
      for (const ids of covered.values()) ids.sort();
      return covered;
    },
  };
}
