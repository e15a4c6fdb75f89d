import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../db/store.ts';
import { createTestStoreOptions, STORE_KINDS } from '../testing/index.ts';
import { createCoverageRepo } from './coverage-repo.ts';
import { createLinksRepo } from './links-repo.ts';
import { createResultsRepo, type ExecutionRow, type RunRow } from './repo.ts';
import { createRetentionRepo } from './retention-repo.ts';

const at = (day: number) => new Date(Date.UTC(2026, 0, day));
let next = 0;
const id = () => `id-${String(++next).padStart(6, '0')}`;

function run(over: Partial<RunRow> = {}): RunRow {
  return {
    id: id(),
    projectKey: 'P',
    name: 'run',
    createdByKind: 'api_key',
    createdBy: 'k',
    ciSiteId: null,
    pipelineId: null,
    buildNumber: null,
    buildUrl: null,
    buildDisplayName: null,
    buildTestInfoFilled: false,
    environment: null,
    fixVersion: null,
    revision: null,
    branch: null,
    startedAt: null,
    finishedAt: null,
    at: at(1),
    files: 0,
    unknownIssueKeys: '[]',
    createdAt: at(1),
    updatedAt: at(1),
    ...over,
  };
}

function execution(runRow: RunRow, testId: string, over: Partial<ExecutionRow> = {}): ExecutionRow {
  return {
    id: id(),
    runId: runRow.id,
    testId,
    status: 'passed',
    flaky: false,
    hadFailure: false,
    attempts: 1,
    durationMs: 1.5,
    message: null,
    stack: null,
    signature: null,
    at: runRow.at,
    environment: runRow.environment,
    fixVersion: runRow.fixVersion,
    ...over,
  };
}

describe.each(STORE_KINDS)('results repos on %s', (kind) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  const repo = () => createResultsRepo(store.tables);
  beforeAll(async () => {
    const location = await createTestStoreOptions(kind);
    cleanup = location.cleanup;
    store = await openStore(location.options);
  });
  afterAll(async () => {
    await store.close();
    await cleanup();
  });

  it('upserts tests by identity: a second save renames, the id stays', async () => {
    const first = await store.transaction((tx) =>
      repo().upsertTests(
        tx,
        [
          {
            projectKey: 'P',
            identity: 'key:A',
            testKey: 'A',
            name: 'old',
            classname: null,
            suite: null,
          },
        ],
        at(1),
        id,
      ),
    );
    const second = await store.transaction((tx) =>
      repo().upsertTests(
        tx,
        [
          {
            projectKey: 'P',
            identity: 'key:A',
            testKey: 'A',
            name: 'new',
            classname: 'C',
            suite: 'S',
          },
        ],
        at(2),
        id,
      ),
    );
    expect(second.get('key:A')).toBe(first.get('key:A'));
    const [row] = await createCoverageRepo(store.tables).findTests(store.db, [
      first.get('key:A') ?? '',
    ]);
    expect(row).toMatchObject({ name: 'new', classname: 'C', testKey: 'A' });
  });

  it('keeps one execution per run and test, and the latest index only moves forward', async () => {
    const ids = await store.transaction((tx) =>
      repo().upsertTests(
        tx,
        [
          {
            projectKey: 'P',
            identity: 'name:x',
            testKey: null,
            name: 'x',
            classname: null,
            suite: null,
          },
        ],
        at(1),
        id,
      ),
    );
    const testId = ids.get('name:x') ?? '';
    const late = run({ at: at(5), environment: 'e' });
    const early = run({ at: at(3), environment: 'e' });
    const lateExec = execution(late, testId, { status: 'failed', hadFailure: true });
    const earlyExec = execution(early, testId);
    await store.transaction(async (tx) => {
      await repo().insertRun(tx, late);
      await repo().insertRun(tx, early);
      await repo().upsertExecutions(tx, [lateExec]);
      await repo().upsertExecutions(tx, [
        { ...lateExec, id: 'ignored', status: 'passed', flaky: true },
      ]);
      await repo().advanceLatest(tx, [
        { testId, scopeKind: 'all', scopeValue: '', executionId: lateExec.id, at: late.at },
      ]);
      await repo().upsertExecutions(tx, [earlyExec]);
      await repo().advanceLatest(tx, [
        { testId, scopeKind: 'all', scopeValue: '', executionId: earlyExec.id, at: early.at },
      ]);
    });
    const found = await repo().findExecutions(store.db, late.id, [testId]);
    expect(found).toEqual([{ ...lateExec, status: 'passed', flaky: true }]);
    await store.transaction((tx) =>
      createLinksRepo(store.tables).replaceLinks(tx, 'c1', [], [{ testId, issueId: '10001' }]),
    );
    const coverage = createCoverageRepo(store.tables);
    const latest = await coverage.findCovering(store.db, 'c1', '10001');
    expect(latest.map((row) => [row.test.id, row.id, row.status, row.runName])).toEqual([
      [testId, lateExec.id, 'passed', 'run'],
    ]);
    const history = await coverage.findIssueHistories(
      store.db,
      'c1',
      '10001',
      { kind: 'environment', value: 'e' },
      5,
    );
    expect(history.map((row) => row.id)).toEqual([lateExec.id, earlyExec.id]);
    expect(
      await coverage.findIssueHistories(
        store.db,
        'c1',
        '10001',
        { kind: 'environment', value: 'x' },
        5,
      ),
    ).toEqual([]);
    expect(
      (await coverage.findIssueHistories(store.db, 'c1', '10001', { kind: 'all' }, 1)).map(
        (row) => row.id,
      ),
    ).toEqual([lateExec.id]);
    expect(await repo().countRun(store.db, late.id)).toEqual([
      { status: 'passed', flaky: true, count: 1 },
    ]);
  });

  it('stores issue keys and replaces the links of the tests it is given', async () => {
    const links = createLinksRepo(store.tables);
    const ids = await store.transaction((tx) =>
      repo().upsertTests(
        tx,
        [
          {
            projectKey: 'P',
            identity: 'name:l',
            testKey: null,
            name: 'l',
            classname: null,
            suite: null,
          },
        ],
        at(1),
        id,
      ),
    );
    const testId = ids.get('name:l') ?? '';
    await store.transaction(async (tx) => {
      await links.rememberIssueKeys(tx, 'c1', [{ key: 'TB-1', id: '100' }], at(1));
      await links.rememberIssueKeys(tx, 'c1', [{ key: 'WEB-9', id: '100' }], at(2));
      await links.replaceLinks(
        tx,
        'c1',
        [],
        [
          { testId, issueId: '100' },
          { testId, issueId: '101' },
        ],
      );
      await links.replaceLinks(tx, 'c1', [testId], [{ testId, issueId: '101' }]);
    });
    expect(await links.findIssueIds(store.db, 'c1', ['TB-1', 'WEB-9', 'X-1'])).toEqual(
      new Map([
        ['TB-1', '100'],
        ['WEB-9', '100'],
      ]),
    );
    expect(await links.findLatestKey(store.db, 'c1', '100')).toBe('WEB-9');
    expect(await links.linkedTestIds(store.db, 'c1', '100')).toEqual([]);
    expect(await links.linkedTestIds(store.db, 'c1', '101')).toEqual([testId]);
  });

  it('stages cases in order and deletes them', async () => {
    await store.transaction((tx) => repo().insertStaged(tx, 'u1', 0, ['a', 'b', 'c'], at(1)));
    expect((await repo().readStaged(store.db, 'u1', 1, 10)).map((r) => r.payload)).toEqual([
      'b',
      'c',
    ]);
    await store.transaction((tx) => repo().deleteStaged(tx, 'u1'));
    expect(await repo().readStaged(store.db, 'u1', 0, 10)).toEqual([]);
  });

  it('prunes by age and by count but never the latest in a scope, then empty runs', async () => {
    const retention = createRetentionRepo(store.tables);
    const ids = await store.transaction((tx) =>
      repo().upsertTests(
        tx,
        [
          {
            projectKey: 'P',
            identity: 'name:r',
            testKey: null,
            name: 'r',
            classname: null,
            suite: null,
          },
        ],
        at(1),
        id,
      ),
    );
    const testId = ids.get('name:r') ?? '';
    const runs = [1, 2, 3, 4, 5].map((day) => run({ at: at(day) }));
    const rows = runs.map((r) => execution(r, testId));
    const newest = rows[4] as ExecutionRow;
    const oldestLatestInEnv = rows[0] as ExecutionRow;
    await store.transaction(async (tx) => {
      for (const r of runs) await repo().insertRun(tx, r);
      await repo().upsertExecutions(tx, rows);
      await repo().advanceLatest(tx, [
        { testId, scopeKind: 'all', scopeValue: '', executionId: newest.id, at: newest.at },
        {
          testId,
          scopeKind: 'environment',
          scopeValue: 'old',
          executionId: oldestLatestInEnv.id,
          at: oldestLatestInEnv.at,
        },
      ]);
    });
    expect(await store.transaction((tx) => retention.deleteOlderThan(tx, at(3), 1000))).toBe(1);
    // Days 3 and 4, and the earlier test's superseded execution of its `early` run.
    expect(await store.transaction((tx) => retention.deleteBeyondCount(tx, 1, 1000))).toBe(3);
    const left = await repo().findExecutions(store.db, runs[0]?.id ?? '', [testId]);
    expect(left.map((r) => r.id)).toEqual([oldestLatestInEnv.id]);
    expect(await retention.countExecutions(store.db, testId)).toBe(2);
    // Days 2, 3, 4 and that `early` run.
    expect(await store.transaction((tx) => retention.deleteEmptyRuns(tx, at(10), 1000))).toBe(4);
  });
});
