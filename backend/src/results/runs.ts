import type { CreateTestRunRequest, RunCounts, TestRun } from '@testbridge/shared/api/results';
import { newSortableId } from '../db/ids.ts';
import type { Db } from '../db/store.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../http/errors.ts';
import { findMappingOfToolProject } from '../mappings/service.ts';
import { createResultsRepo, type RunRow } from './repo.ts';

type ReadDeps = Pick<Deps, 'store'>;

/** Who adds results: a tool API key (any run) or a DevOps site's CI credentials (its own runs). */
export type RunCaller =
  | { kind: 'api_key'; keyId: string }
  | { kind: 'ci'; credentialId: string; siteId: string };

const creatorOf = (caller: RunCaller) =>
  caller.kind === 'api_key'
    ? { kind: 'api_key' as const, id: caller.keyId }
    : { kind: 'ci' as const, id: caller.credentialId };

/**
 * Opens a run of a mapped tool project. `at` (what orders executions) is when it finished, else
 * started, else now.
 * @throws AppError validation_failed (`body.projectKey` not mapped)
 */
export async function createTestRun(
  deps: Pick<Deps, 'store' | 'clock'>,
  caller: RunCaller,
  input: CreateTestRunRequest,
): Promise<TestRun> {
  if (!(await findMappingOfToolProject(deps, input.projectKey))) {
    throw new AppError('validation_failed', `Tool project ${input.projectKey} is not mapped`, {
      invalidFields: [{ field: 'body.projectKey', message: 'not a mapped tool project' }],
    });
  }
  const now = deps.clock.now();
  const startedAt = input.startedAt ? new Date(input.startedAt) : null;
  const finishedAt = input.finishedAt ? new Date(input.finishedAt) : null;
  const creator = creatorOf(caller);
  const row: RunRow = {
    id: newSortableId(now),
    projectKey: input.projectKey,
    name: input.name,
    createdByKind: creator.kind,
    createdBy: creator.id,
    ciSiteId: caller.kind === 'ci' ? caller.siteId : null,
    pipelineId: input.build?.pipelineId ?? null,
    buildNumber: input.build?.buildNumber ?? null,
    buildUrl: null,
    buildDisplayName: null,
    buildTestInfoFilled: false,
    environment: input.environment ?? null,
    fixVersion: input.fixVersion ?? null,
    revision: input.revision ?? null,
    branch: input.branch ?? null,
    startedAt,
    finishedAt,
    at: finishedAt ?? startedAt ?? now,
    files: 0,
    unknownIssueKeys: '[]',
    createdAt: now,
    updatedAt: now,
  };
  await deps.store.transaction((tx) => createResultsRepo(deps.store.tables).insertRun(tx, row));
  return runView(deps, deps.store.db, row);
}

/**
 * The run if this caller may see it: API keys see every run, CI credentials the runs they made.
 * @throws AppError not_found
 */
export async function requireRunFor(deps: ReadDeps, db: Db, caller: RunCaller, id: string) {
  const run = await createResultsRepo(deps.store.tables).findRun(db, id);
  const creator = creatorOf(caller);
  const visible =
    run &&
    (caller.kind === 'api_key' || (run.createdByKind === 'ci' && run.createdBy === creator.id));
  if (!run || !visible) throw new AppError('not_found', `No test run ${id}`);
  return run;
}

export const parseKeys = (text: string): string[] => {
  const value: unknown = JSON.parse(text);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
};

export async function countsOf(deps: ReadDeps, db: Db, run: RunRow): Promise<RunCounts> {
  const repo = createResultsRepo(deps.store.tables);
  const counts: RunCounts = {
    total: 0,
    passed: 0,
    failed: 0,
    error: 0,
    skipped: 0,
    flaky: 0,
    notRun: 0,
  };
  for (const row of await repo.countRun(db, run.id)) {
    counts.total += row.count;
    counts[row.status] += row.count;
    if (row.flaky) counts.flaky += row.count;
  }
  counts.notRun = await repo.countLinkedAbsent(db, run.projectKey, run.id);
  return counts;
}

export async function runView(deps: ReadDeps, db: Db, run: RunRow): Promise<TestRun> {
  return {
    id: run.id,
    projectKey: run.projectKey,
    name: run.name,
    build:
      run.pipelineId !== null && run.buildNumber !== null
        ? {
            pipelineId: run.pipelineId,
            buildNumber: run.buildNumber,
            url: run.buildUrl,
            displayName: run.buildDisplayName,
          }
        : null,
    environment: run.environment,
    fixVersion: run.fixVersion,
    revision: run.revision,
    branch: run.branch,
    startedAt: run.startedAt?.toISOString() ?? null,
    finishedAt: run.finishedAt?.toISOString() ?? null,
    createdBy: { kind: run.createdByKind, id: run.createdBy },
    createdAt: run.createdAt.toISOString(),
    files: run.files,
    counts: await countsOf(deps, db, run),
    unknownIssueKeys: parseKeys(run.unknownIssueKeys),
  };
}

export async function getTestRun(deps: ReadDeps, caller: RunCaller, id: string): Promise<TestRun> {
  return runView(deps, deps.store.db, await requireRunFor(deps, deps.store.db, caller, id));
}

/** A tool project's runs, newest first (CI callers: their own), with a cursor. */
export async function listTestRuns(
  deps: ReadDeps,
  caller: RunCaller,
  query: { projectKey: string; limit: number; cursor?: string | undefined },
): Promise<{ items: TestRun[]; nextCursor: string | null }> {
  const repo = createResultsRepo(deps.store.tables);
  const rows = await repo.listRuns(
    deps.store.db,
    query.projectKey,
    query.limit + 1,
    caller.kind === 'ci' ? creatorOf(caller) : undefined,
    query.cursor,
  );
  const page = rows.slice(0, query.limit);
  const items = await Promise.all(page.map((row) => runView(deps, deps.store.db, row)));
  const last = page[page.length - 1];
  return { items, nextCursor: rows.length > query.limit && last ? last.id : null };
}
