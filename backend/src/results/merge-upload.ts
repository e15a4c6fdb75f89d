import type { ResultsImported } from '@testbridge/shared/api/results';
import { newSortableId } from '../db/ids.ts';
import type { Db } from '../db/store.ts';
import type { Deps } from '../deps.ts';
import { fillBuildTestInfo } from '../devops/build-test-info.ts';
import { createExecutionRepo } from './execution-repo.ts';
import { createLinksRepo } from './links-repo.ts';
import { type MergedExecution, mergeAttempt, type StagedCase } from './merge.ts';
import { requestRemoteLinkUpdates } from './remote-links.ts';
import { createResultsRepo, type ExecutionRow, type LatestRow, type RunRow } from './repo.ts';
import { countsOf, parseKeys } from './runs.ts';

/** Staged cases merged per round (one round: a few statements per table). */
const MERGE_BATCH = 1000;

interface MergeInput {
  run: RunRow;
  uploadId: string;
  connectionId: string;
  issueIds: ReadonlyMap<string, string>;
  unknownKeys: readonly string[];
}

type MergeOutcome = {
  tests: number;
  buildTestInfo: ResultsImported['file']['buildTestInfo'];
};

const toMerged = (row: ExecutionRow): MergedExecution => ({
  status: row.status,
  flaky: row.flaky,
  hadFailure: row.hadFailure,
  attempts: row.attempts,
  durationMs: row.durationMs,
  message: row.message,
  stack: row.stack,
  signature: row.signature,
});

/** The scopes an execution of this run is the latest in, if nothing later is. */
function latestRows(run: RunRow, testId: string, executionId: string): LatestRow[] {
  const row = (scopeKind: LatestRow['scopeKind'], scopeValue: string): LatestRow => ({
    testId,
    scopeKind,
    scopeValue,
    executionId,
    at: run.at,
  });
  // A run without an environment is its own bucket ('': environments are never empty).
  const rows = [row('all', ''), row('environment', run.environment ?? '')];
  if (run.fixVersion !== null) rows.push(row('fixVersion', run.fixVersion));
  return rows;
}

/**
 * Merges an upload's staged cases into the run, inside the caller's transaction: tests upserted
 * by identity (a keyed test takes its new name), one execution per test (`mergeAttempt`), the
 * requirement links of tests whose case names requirements replaced, the latest index advanced,
 * the run's files and unknown keys updated and its build's testInfo filled.
 */
export async function mergeStagedUpload(
  deps: Pick<Deps, 'store' | 'clock'>,
  tx: Db,
  input: MergeInput,
): Promise<MergeOutcome> {
  const repo = createResultsRepo(deps.store.tables);
  const links = createLinksRepo(deps.store.tables);
  const { run } = input;
  const now = deps.clock.now();
  const linked = new Set<string>();
  const touched = new Set<string>();
  for (let from = 0; ; ) {
    const rows = await repo.readStaged(tx, input.uploadId, from, MERGE_BATCH);
    if (rows.length === 0) break;
    from = (rows[rows.length - 1]?.seq ?? from) + 1;
    const cases = rows.map((row) => JSON.parse(row.payload) as StagedCase);
    const byIdentity = new Map<string, StagedCase>();
    for (const test of cases) byIdentity.set(test.identity, test);
    const testIds = await repo.upsertTests(
      tx,
      [...byIdentity.values()].map((test) => ({
        projectKey: run.projectKey,
        identity: test.identity,
        testKey: test.key,
        name: test.name,
        classname: test.classname,
        suite: test.suite,
      })),
      now,
      () => newSortableId(now),
    );
    const ids = [...new Set(testIds.values())];
    const existing = new Map(
      (await repo.findExecutions(tx, run.id, ids)).map((row) => [row.testId, row]),
    );
    const merged = new Map<string, ExecutionRow>();
    const newLinks: { testId: string; issueId: string }[] = [];
    const relinked: string[] = [];
    for (const test of cases) {
      const testId = testIds.get(test.identity);
      if (!testId) continue;
      touched.add(testId);
      const before = merged.get(testId) ?? existing.get(testId);
      const execution = mergeAttempt(before && toMerged(before), test);
      merged.set(testId, {
        id: before?.id ?? newSortableId(now),
        runId: run.id,
        testId,
        ...execution,
        at: run.at,
        environment: run.environment,
        fixVersion: run.fixVersion,
      });
      const issueIds = test.requirements.flatMap((key) => input.issueIds.get(key) ?? []);
      if (test.requirements.length > 0) {
        if (!linked.has(testId)) relinked.push(testId);
        linked.add(testId);
        for (const issueId of issueIds) newLinks.push({ testId, issueId });
      }
    }
    await repo.upsertExecutions(tx, [...merged.values()]);
    const before = await createExecutionRepo(deps.store.tables).coveredIssueIds(
      tx,
      input.connectionId,
      relinked,
    );
    const kept = new Set(newLinks.map((link) => `${link.testId}|${link.issueId}`));
    const dropped = [...before].flatMap(([testId, issueIds]) =>
      issueIds
        .filter((issueId) => !kept.has(`${testId}|${issueId}`))
        .map((issueId) => ({ testId, issueId })),
    );
    await links.replaceLinks(tx, input.connectionId, relinked, []);
    await links.replaceLinks(tx, input.connectionId, [], newLinks);
    await repo.advanceLatest(
      tx,
      [...merged.values()].flatMap((row) => latestRows(run, row.testId, row.id)),
    );
    await requestRemoteLinkUpdates(
      deps.store,
      tx,
      input.connectionId,
      [...merged.keys()],
      now,
      dropped,
    );
  }
  const unknown = [...new Set([...parseKeys(run.unknownIssueKeys), ...input.unknownKeys])].sort();
  const change: Parameters<typeof repo.updateRunAfterImport>[2] = {
    files: run.files + 1,
    unknownIssueKeys: JSON.stringify(unknown),
    updatedAt: now,
  };
  let buildTestInfo: MergeOutcome['buildTestInfo'] = 'no_build';
  if (run.pipelineId !== null && run.buildNumber !== null) {
    const counts = await countsOf(deps, tx, run);
    const filled = await fillBuildTestInfo(
      deps.store,
      tx,
      {
        siteId: run.ciSiteId ?? undefined,
        pipelineId: run.pipelineId,
        buildNumber: run.buildNumber,
      },
      {
        totalNumber: counts.total,
        numberPassed: counts.passed,
        numberFailed: counts.failed + counts.error,
        numberSkipped: counts.skipped,
      },
      { replace: run.buildTestInfoFilled, now },
    );
    buildTestInfo = filled.outcome;
    if (filled.outcome === 'filled') change.buildTestInfoFilled = true;
    if (filled.url !== null) change.buildUrl = filled.url;
    if (filled.displayName !== null) change.buildDisplayName = filled.displayName;
  }
  await repo.updateRunAfterImport(tx, run.id, change);
  return { tests: touched.size, buildTestInfo };
}
