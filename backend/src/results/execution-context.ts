import type { Deps } from '../deps.ts';
import { AppError } from '../http/errors.ts';
import { createExecutionRepo } from './execution-repo.ts';
import type { ExecutionRow, RunRow, TestRow } from './repo.ts';

type ReadDeps = Pick<Deps, 'store'>;

/** An execution with its test, its run, and the Jira issues (ids) the test covers. */
export interface ExecutionContext {
  execution: ExecutionRow;
  test: TestRow;
  run: RunRow;
}

/**
 * One execution with its test and run, for features that act on results (defects).
 * @throws AppError not_found
 */
export async function getExecutionContext(
  deps: ReadDeps,
  by: { executionId: string } | { runId: string; testId: string },
): Promise<ExecutionContext> {
  const found = await createExecutionRepo(deps.store.tables).findWithTestAndRun(deps.store.db, by);
  if (!found)
    throw new AppError(
      'not_found',
      'executionId' in by
        ? `No execution ${by.executionId}`
        : `Test ${by.testId} has no execution in run ${by.runId}`,
    );
  return found;
}

/** The Jira issue ids a test covers on a connection (its requirements), sorted. */
export async function coveredIssueIdsOf(
  deps: ReadDeps,
  connectionId: string,
  testId: string,
): Promise<string[]> {
  const covered = await createExecutionRepo(deps.store.tables).coveredIssueIds(
    deps.store.db,
    connectionId,
    [testId],
  );
  return covered.get(testId) ?? [];
}
