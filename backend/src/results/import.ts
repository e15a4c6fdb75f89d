/**
 * Adding one report file to a run: read the cases as they stream in (staged in small
 * transactions, nothing merged yet), resolve the requirement keys (store, then one batched JQL
 * search), then merge everything into tests, executions, links and the latest index in ONE
 * transaction, with the build's testInfo. Any failure before that commit leaves nothing behind.
 */
import type { ResultsImported } from '@testbridge/shared/api/results';
import type { ReportTestCase } from '@testbridge/shared/api/test-report';
import { newSortableId } from '../db/ids.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../http/errors.ts';
import { findMappingOfToolProject } from '../mappings/service.ts';
import { requirementKeysOf, testIdentityOf } from './identity.ts';
import { createLinksRepo } from './links-repo.ts';
import type { StagedCase } from './merge.ts';
import { mergeStagedUpload } from './merge-upload.ts';
import { createResultsRepo } from './repo.ts';
import { resolveRequirements } from './requirements.ts';
import { type RunCaller, requireRunFor, runView } from './runs.ts';

export type ImportDeps = Pick<
  Deps,
  | 'store'
  | 'clock'
  | 'logger'
  | 'sealer'
  | 'config'
  | 'fetch'
  | 'sleep'
  | 'lookupHost'
  | 'dispatchers'
>;

/** Distinct requirement keys one file may name (each is looked up in Jira). */
export const MAX_KEYS_PER_FILE = 10_000;
/** Cases staged per transaction while the file streams in. */
const STAGE_BATCH = 1000;

export interface ReportFile {
  /** The parsed cases, in file order (the reader streams them from the body). */
  cases: AsyncIterable<ReportTestCase>;
  fileName: string | undefined;
}

function toStaged(test: ReportTestCase): StagedCase {
  return {
    identity: testIdentityOf(test),
    key: test.key ?? null,
    name: test.name,
    classname: test.classname ?? null,
    suite: test.suite ?? null,
    status: test.status,
    flaky: test.flaky ?? false,
    attempts: test.attempts ?? 1,
    durationMs: test.durationMs ?? null,
    message: test.message ?? null,
    stack: test.stack ?? null,
    requirements: requirementKeysOf(test).map((key) => key.toUpperCase()),
  };
}

/** Reads the cases into the staging table; answers how many and the requirement keys named. */
async function stageCases(deps: ImportDeps, uploadId: string, file: ReportFile) {
  const repo = createResultsRepo(deps.store.tables);
  const keys = new Set<string>();
  let batch: string[] = [];
  let count = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const payloads = batch;
    const first = count - payloads.length;
    batch = [];
    await deps.store.transaction((tx) =>
      repo.insertStaged(tx, uploadId, first, payloads, deps.clock.now()),
    );
  };
  for await (const test of file.cases) {
    const staged = toStaged(test);
    for (const key of staged.requirements) keys.add(key);
    if (keys.size > MAX_KEYS_PER_FILE) {
      throw new AppError(
        'validation_failed',
        `${file.fileName ?? 'The report'} names more than ${MAX_KEYS_PER_FILE} distinct requirement keys`,
        {
          invalidFields: [{ field: 'body', message: `over ${MAX_KEYS_PER_FILE} requirement keys` }],
        },
      );
    }
    batch.push(JSON.stringify(staged));
    count++;
    if (batch.length >= STAGE_BATCH) await flush();
  }
  await flush();
  return { count, keys };
}

/**
 * Adds one report file to a run the caller may see.
 * @throws AppError not_found (run) | conflict (tool project no longer mapped) | the reader's
 * validation_failed / unsupported_media_type / body_too_large | Jira's failures (nothing written)
 */
export async function importReportFile(
  deps: ImportDeps,
  caller: RunCaller,
  runId: string,
  file: ReportFile,
): Promise<ResultsImported> {
  const run = await requireRunFor(deps, deps.store.db, caller, runId);
  const mapping = await findMappingOfToolProject(deps, run.projectKey);
  if (!mapping) {
    throw new AppError(
      'conflict',
      `Tool project ${run.projectKey} is no longer mapped; map it again to add results`,
    );
  }
  const repo = createResultsRepo(deps.store.tables);
  const uploadId = newSortableId(deps.clock.now());
  try {
    const { count, keys } = await stageCases(deps, uploadId, file);
    const resolved = await resolveRequirements(deps, deps.store.db, mapping.connectionId, keys);
    const merged = await deps.store.transaction(async (tx) => {
      const current = await requireRunFor(deps, tx, caller, runId);
      await createLinksRepo(deps.store.tables).rememberIssueKeys(
        tx,
        mapping.connectionId,
        resolved.learned,
        deps.clock.now(),
      );
      const result = await mergeStagedUpload(deps, tx, {
        run: current,
        uploadId,
        connectionId: mapping.connectionId,
        issueIds: resolved.ids,
        unknownKeys: resolved.unknown,
      });
      await repo.deleteStaged(tx, uploadId);
      const updated = await repo.findRun(tx, runId);
      if (!updated) throw new AppError('not_found', `No test run ${runId}`);
      return { ...result, view: await runView(deps, tx, updated) };
    });
    return {
      file: {
        fileName: file.fileName ?? null,
        cases: count,
        tests: merged.tests,
        unknownIssueKeys: resolved.unknown,
        buildTestInfo: merged.buildTestInfo,
      },
      run: merged.view,
    };
  } catch (error) {
    await deps.store
      .transaction((tx) => repo.deleteStaged(tx, uploadId))
      .catch((cleanup: unknown) =>
        deps.logger.warn({ err: cleanup, uploadId }, 'staged cases left for the pruner'),
      );
    throw error;
  }
}
