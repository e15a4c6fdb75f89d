import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDeps, STORE_KINDS, type TestDeps } from '../testing/index.ts';
import { createResultsRepo } from './repo.ts';
import { PRUNE_LOCK_KEY, pruneResults } from './retention.ts';

describe.each(STORE_KINDS)('results retention on %s', (kind) => {
  let t: TestDeps;
  beforeAll(async () => {
    t = await createTestDeps({
      store: kind,
      env: { RESULTS_RETENTION_DAYS: '10', RESULTS_MAX_EXECUTIONS_PER_TEST: '2' },
    });
  });
  afterAll(async () => t.cleanup());

  async function seed(days: number[]) {
    const repo = createResultsRepo(t.deps.store.tables);
    const day = (n: number) => new Date(t.clock.now().getTime() - n * 86_400_000);
    await t.deps.store.transaction(async (tx) => {
      const ids = await repo.upsertTests(
        tx,
        [
          {
            projectKey: 'P',
            identity: 'name:t',
            testKey: null,
            name: 't',
            classname: null,
            suite: null,
          },
        ],
        day(0),
        () => 'test-1',
      );
      const testId = ids.get('name:t') ?? '';
      for (const [i, ago] of days.entries()) {
        const runId = `run-${i}`;
        await repo.insertRun(tx, {
          id: runId,
          projectKey: 'P',
          name: 'r',
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
          at: day(ago),
          files: 1,
          unknownIssueKeys: '[]',
          createdAt: day(ago),
          updatedAt: day(ago),
        });
        await repo.upsertExecutions(tx, [
          {
            id: `exec-${i}`,
            runId,
            testId,
            status: 'passed',
            flaky: false,
            hadFailure: false,
            attempts: 1,
            durationMs: null,
            message: null,
            stack: null,
            signature: null,
            at: day(ago),
            environment: null,
            fixVersion: null,
          },
        ]);
      }
      await repo.advanceLatest(tx, [
        { testId, scopeKind: 'all', scopeValue: '', executionId: 'exec-0', at: day(days[0] ?? 0) },
      ]);
      await repo.insertStaged(tx, 'dead-upload', 0, ['{}'], day(1));
    });
  }

  it('applies age and count from the configuration, and clears dead uploads', async () => {
    await seed([1, 2, 3, 20]);
    const report = await pruneResults(t.deps);
    // 20 days old: by age; then 3 days old: beyond the newest 2. Only the run older than the
    // retention age goes (a younger empty run may be one still waiting for its files).
    expect(report).toEqual({ skipped: false, byAge: 1, byCount: 1, runs: 1, staged: 1 });
    expect(await pruneResults(t.deps)).toEqual({
      skipped: false,
      byAge: 0,
      byCount: 0,
      runs: 0,
      staged: 0,
    });
  });
});

describe('results retention with several replicas on PostgreSQL', () => {
  let t: TestDeps;
  beforeAll(async () => {
    t = await createTestDeps({ store: 'postgres' });
  });
  afterAll(async () => t.cleanup());

  it('skips while another replica holds the prune lock', async () => {
    await t.deps.store.transaction(async (tx) => {
      await t.deps.store.query(tx, sql`select pg_advisory_xact_lock(${PRUNE_LOCK_KEY})`);
      // Another connection of the pool tries meanwhile.
      expect((await pruneResults(t.deps)).skipped).toBe(true);
    });
    expect((await pruneResults(t.deps)).skipped).toBe(false);
  });
});
