import { createTestDeps, type StoreKind } from '@testbridge/backend/testing';
import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Deps } from '../../../backend/src/deps.ts';
import { getIssueTests } from '../../../backend/src/results/coverage.ts';
import { createLinksRepo } from '../../../backend/src/results/links-repo.ts';
import {
  createResultsRepo,
  type ExecutionRow,
  type LatestRow,
  type RunRow,
} from '../../../backend/src/results/repo.ts';
import type { BenchContext, Section } from './context.ts';

export const COVERAGE_TITLE = 'Coverage per issue (the Tests panel query)';

export const TESTS = 100_000;
export const ROUNDS = 10; // executions per test: 1M in all
const RUNS_PER_ROUND = 10;
export const TESTS_PER_ISSUE = 10;
const ENVIRONMENTS = ['staging', 'production'];
const FIX_VERSIONS = ['1.0', '2.0'];
export const WARMUP = 200;
export const QUERIES = 2000;
export const HISTORY = 5;
export const CONNECTION = 'bench-connection';

const testId = (i: number) => `t${String(i).padStart(6, '0')}`;
/** The j-th covered issue: id `100000 + j`, key `BEN-<j + 1>`, covered by 10 tests. */
export const issueId = (j: number) => String(100_000 + j);
export const issueKey = (j: number) => `BEN-${j + 1}`;

export interface Percentiles {
  p50: number;
  p99: number;
}

function percentiles(samples: number[]): Percentiles {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { p50: at(0.5), p99: at(0.99) };
}

/** Run `r` of round `round` (100 runs: 10 rounds of 10, a minute apart). */
function benchRun(now: Date, round: number, r: number): RunRow {
  const at = new Date(now.getTime() + (round * RUNS_PER_ROUND + r) * 60_000);
  return {
    id: `run-${round}-${r}`,
    projectKey: 'BENCH',
    name: `round ${round} run ${r}`,
    createdByKind: 'api_key',
    createdBy: 'bench',
    ciSiteId: null,
    pipelineId: 'bench',
    buildNumber: round,
    buildUrl: null,
    buildDisplayName: null,
    buildTestInfoFilled: false,
    environment: ENVIRONMENTS[round % ENVIRONMENTS.length] ?? null,
    fixVersion: FIX_VERSIONS[Math.floor(round / 5) % FIX_VERSIONS.length] ?? null,
    revision: null,
    branch: null,
    startedAt: at,
    finishedAt: at,
    at,
    files: 1,
    unknownIssueKeys: '[]',
    createdAt: at,
    updatedAt: at,
  };
}

/** The latest index as imports leave it: each scope's newest round (the last round wins). */
function latestScopes(): [LatestRow['scopeKind'], string, number][] {
  const lastRoundOf = (pick: (round: number) => boolean) => {
    for (let round = ROUNDS - 1; round >= 0; round--) if (pick(round)) return round;
    return 0;
  };
  return [
    ['all', '', ROUNDS - 1],
    ...ENVIRONMENTS.map((env, e): [LatestRow['scopeKind'], string, number] => [
      'environment',
      env,
      lastRoundOf((round) => round % ENVIRONMENTS.length === e),
    ]),
    ...FIX_VERSIONS.map((fix, f): [LatestRow['scopeKind'], string, number] => [
      'fixVersion',
      fix,
      lastRoundOf((round) => Math.floor(round / 5) % FIX_VERSIONS.length === f),
    ]),
  ];
}

/**
 * 100k tests, 1M executions (10 rounds of 10 runs × 10k tests), links, keys and the latest index,
 * on a Cloud connection of `cloudId` (the panel section's site). Returns the seconds it took.
 */
export async function seedCoverage(deps: Deps, cloudId: string | null = null): Promise<number> {
  const started = performance.now();
  const store = deps.store;
  const repo = createResultsRepo(store.tables);
  const links = createLinksRepo(store.tables);
  const now = new Date('2026-06-01T00:00:00.000Z');
  await store.transaction(async (tx) => {
    await tx.insert(store.tables.connections).values({
      id: CONNECTION,
      name: 'bench',
      jiraUrl: 'https://bench.example.test',
      deployment: 'cloud',
      cloudId,
      authType: 'cloud_api_token',
      status: 'active',
      createdAt: now,
      updatedAt: now,
    });
    await tx.insert(store.tables.projectMappings).values({
      id: 'bench-mapping',
      toolProjectKey: 'BENCH',
      toolProjectName: 'bench',
      connectionId: CONNECTION,
      jiraProjectId: '10000',
      jiraProjectKey: 'BEN',
      createDefects: true,
      defectIssueTypeId: null,
      defectIssueTypeName: null,
      labels: '[]',
      components: '[]',
      webhookMode: 'off',
      createdAt: now,
      updatedAt: now,
    });
  });
  if (store.dialect === 'postgres') {
    await seedPostgresRows(deps, now);
    return (performance.now() - started) / 1000;
  }
  for (let from = 0; from < TESTS; from += 10_000) {
    await store.transaction(async (tx) => {
      const rows = Array.from({ length: 10_000 }, (_, k) => {
        const i = from + k;
        return {
          projectKey: 'BENCH',
          identity: `name:Bench::test ${i}`,
          testKey: null,
          name: `test ${i}`,
          classname: 'Bench',
          suite: null,
        };
      });
      let k = from;
      await repo.upsertTests(tx, rows, now, () => testId(k++));
      const issues = Array.from(
        { length: 10_000 / TESTS_PER_ISSUE },
        (_, j) => from / TESTS_PER_ISSUE + j,
      );
      await links.rememberIssueKeys(
        tx,
        CONNECTION,
        issues.map((j) => ({ key: issueKey(j), id: issueId(j) })),
        now,
      );
      await links.replaceLinks(
        tx,
        CONNECTION,
        [],
        rows.map((_, r) => ({
          testId: testId(from + r),
          issueId: issueId(Math.floor((from + r) / TESTS_PER_ISSUE)),
        })),
      );
    });
  }
  const slice = TESTS / RUNS_PER_ROUND;
  for (let round = 0; round < ROUNDS; round++) {
    for (let r = 0; r < RUNS_PER_ROUND; r++) {
      const run = benchRun(now, round, r);
      const at = run.at;
      for (let from = r * slice; from < (r + 1) * slice; from += 10_000) {
        await store.transaction(async (tx) => {
          if (from === r * slice) await repo.insertRun(tx, run);
          const executions: ExecutionRow[] = Array.from({ length: 10_000 }, (_, k) => {
            const i = from + k;
            const failed = (i + round) % 7 === 0;
            return {
              id: `e${round}-${i}`,
              runId: run.id,
              testId: testId(i),
              status: failed ? 'failed' : 'passed',
              flaky: false,
              hadFailure: failed,
              attempts: 1,
              durationMs: 12,
              message: failed ? 'expected true but was false' : null,
              stack: null,
              signature: null,
              at,
              environment: run.environment,
              fixVersion: run.fixVersion,
            };
          });
          await repo.upsertExecutions(tx, executions);
        });
      }
    }
  }
  // The latest index as imports leave it: the newest execution of each test overall, per
  // environment and per fix version (advanceLatest only moves forward, so the last round wins).
  const scopes = latestScopes();
  for (let from = 0; from < TESTS; from += 10_000) {
    await store.transaction(async (tx) => {
      const latest: LatestRow[] = [];
      for (let i = from; i < from + 10_000; i++) {
        for (const [scopeKind, scopeValue, round] of scopes) {
          const r = Math.floor(i / slice);
          const at = new Date(now.getTime() + (round * RUNS_PER_ROUND + r) * 60_000);
          latest.push({
            testId: testId(i),
            scopeKind,
            scopeValue,
            executionId: `e${round}-${i}`,
            at,
          });
        }
      }
      await repo.advanceLatest(tx, latest);
    });
  }
  return (performance.now() - started) / 1000;
}

/**
 * The same rows as the repository path below, generated by PostgreSQL itself: inserting 1.5M
 * rows through the repository takes 10–20 minutes there, this about a minute. Runs still go
 * through the repository.
 */
async function seedPostgresRows(deps: Deps, now: Date): Promise<void> {
  const store = deps.store;
  const repo = createResultsRepo(store.tables);
  const minute = (expression: string) =>
    sql.raw(`(${timestamptzOf(now)} + (${expression}) * interval '1 minute')`);
  await store.transaction(async (tx) => {
    await store.execute(
      tx,
      sql`insert into result_tests (id, project_key, identity, test_key, name, classname, suite, created_at, updated_at)
        select 't' || lpad(i::text, 6, '0'), 'BENCH', 'name:Bench::test ' || i, null, 'test ' || i, 'Bench', null, ${now}, ${now}
        from generate_series(0, ${TESTS - 1}) as i`,
    );
    await store.execute(
      tx,
      sql`insert into result_issue_keys (connection_id, issue_key, issue_id, updated_at)
        select ${CONNECTION}, 'BEN-' || (j + 1), (100000 + j)::text, ${now}
        from generate_series(0, ${TESTS / TESTS_PER_ISSUE - 1}) as j`,
    );
    await store.execute(
      tx,
      sql`insert into result_test_links (test_id, connection_id, issue_id)
        select 't' || lpad(i::text, 6, '0'), ${CONNECTION}, (100000 + i / ${TESTS_PER_ISSUE})::text
        from generate_series(0, ${TESTS - 1}) as i`,
    );
  });
  const slice = TESTS / RUNS_PER_ROUND;
  for (let round = 0; round < ROUNDS; round++) {
    await store.transaction(async (tx) => {
      for (let r = 0; r < RUNS_PER_ROUND; r++) await repo.insertRun(tx, benchRun(now, round, r));
      await store.execute(
        tx,
        sql`insert into result_executions (id, run_id, test_id, status, flaky, had_failure, attempts, duration_ms, message, stack, signature, at, environment, fix_version)
          select 'e' || ${round} || '-' || i, 'run-' || ${round} || '-' || (i / ${slice}),
            't' || lpad(i::text, 6, '0'),
            case when (i + ${round}) % 7 = 0 then 'failed' else 'passed' end, false,
            (i + ${round}) % 7 = 0, 1, 12,
            case when (i + ${round}) % 7 = 0 then 'expected true but was false' end, null, null,
            ${minute(`${round * RUNS_PER_ROUND} + i / ${slice}`)},
            ${ENVIRONMENTS[round % ENVIRONMENTS.length] ?? null},
            ${FIX_VERSIONS[Math.floor(round / 5) % FIX_VERSIONS.length] ?? null}
          from generate_series(0, ${TESTS - 1}) as i`,
      );
    });
  }
  await store.transaction(async (tx) => {
    for (const [scopeKind, scopeValue, round] of latestScopes()) {
      await store.execute(
        tx,
        sql`insert into result_latest (test_id, scope_kind, scope_value, execution_id, at)
          select 't' || lpad(i::text, 6, '0'), ${scopeKind}, ${scopeValue}, 'e' || ${round} || '-' || i,
            ${minute(`${round * RUNS_PER_ROUND} + i / ${slice}`)}
          from generate_series(0, ${TESTS - 1}) as i`,
      );
    }
  });
  await store.execute(store.db, sql`analyze`);
}

const timestamptzOf = (at: Date) => `timestamptz '${at.toISOString()}'`;

/** The baseline: the same rows by plain indexed lookups (links → tests → latest → executions). */
export async function plainLookup(deps: Deps, issue: string): Promise<number> {
  const { db, tables } = deps.store;
  const {
    resultTestLinks: l,
    resultTests: t,
    resultLatest: x,
    resultExecutions: e,
    resultRuns: r,
  } = tables;
  const rows = await db
    .select({ test: t.id, name: t.name, status: e.status, at: e.at, run: r.name })
    .from(l)
    .innerJoin(t, eq(t.id, l.testId))
    .innerJoin(x, eq(x.testId, t.id))
    .innerJoin(e, eq(e.id, x.executionId))
    .innerJoin(r, eq(r.id, e.runId))
    .where(and(eq(l.connectionId, CONNECTION), eq(l.issueId, issue)));
  const ids = [...new Set(rows.map((row) => row.test))];
  const history = await db
    .select({ id: e.id, status: e.status, at: e.at, run: r.name })
    .from(e)
    .innerJoin(r, eq(r.id, e.runId))
    .where(inArray(e.testId, ids))
    .orderBy(asc(e.testId), desc(e.at))
    .limit(ids.length * HISTORY);
  return rows.length + history.length;
}

/** The issues (by index j) that `measure` asks for, warm-up first: the same for every query. */
export function issueSequence(seedRandom: number): number[] {
  let state = seedRandom;
  return Array.from({ length: WARMUP + QUERIES }, () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state % (TESTS / TESTS_PER_ISSUE);
  });
}

/** p50/p99 of `work` over {@link QUERIES} random issues after {@link WARMUP} warm-up ones. */
export async function measure(
  work: (issue: string, j: number, n: number) => Promise<unknown>,
  seedRandom: number,
) {
  const sequence = issueSequence(seedRandom);
  const samples: number[] = [];
  for (const [n, j] of sequence.entries()) {
    const start = process.hrtime.bigint();
    await work(issueId(j), j, n);
    if (n >= WARMUP) samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return percentiles(samples);
}

interface StoreResult {
  store: StoreKind;
  seedSeconds: number;
  latest: Percentiles;
  environment: Percentiles;
  baseline: Percentiles;
}

async function benchStore(store: StoreKind): Promise<StoreResult> {
  const t = await createTestDeps({ store });
  try {
    const seedSeconds = await seedCoverage(t.deps);
    const sanity = await getIssueTests(t.deps, {
      connectionId: CONNECTION,
      issueIdOrKey: issueId(7),
      scope: { kind: 'latest' },
      history: HISTORY,
    });
    if (
      sanity.tests.length !== TESTS_PER_ISSUE ||
      sanity.tests[0]?.history.length !== HISTORY ||
      sanity.tests[0]?.latest?.runName !== `round ${ROUNDS - 1} run 0` ||
      sanity.tests[0]?.byEnvironment.length !== ENVIRONMENTS.length
    ) {
      throw new Error(`coverage sanity check failed: ${JSON.stringify(sanity).slice(0, 300)}`);
    }
    const query = (scope: Parameters<typeof getIssueTests>[1]['scope']) => (issue: string) =>
      getIssueTests(t.deps, {
        connectionId: CONNECTION,
        issueIdOrKey: issue,
        scope,
        history: HISTORY,
      });
    const baseline = await measure((issue) => plainLookup(t.deps, issue), 17);
    const latest = await measure(query({ kind: 'latest' }), 17);
    const environment = await measure(query({ kind: 'environment', environment: 'staging' }), 17);
    return { store, seedSeconds, latest, environment, baseline };
  } finally {
    await t.cleanup();
  }
}

const ms = (value: number) => value.toFixed(2);

/** `BENCH_ONLY=coverage`: the Tests panel query against a plain indexed lookup of the same rows. */
export async function benchCoverage(_ctx: BenchContext): Promise<Section> {
  const results: StoreResult[] = [];
  // BENCH_COVERAGE_STORES=sqlite measures one store (seeding PostgreSQL takes ~10 minutes).
  const only = process.env.BENCH_COVERAGE_STORES?.split(',');
  const stores = (['sqlite', 'postgres'] as const).filter((s) => !only || only.includes(s));
  for (const store of stores) results.push(await benchStore(store));
  const rows = results.flatMap((r) => [
    `| ${r.store} | \`getIssueTests\`, scope latest | ${ms(r.latest.p50)} | ${ms(r.latest.p99)} | ${ms(r.baseline.p50)} | ${ms(r.baseline.p99)} | ${(r.latest.p99 / r.baseline.p99).toFixed(1)}× |`,
    `| ${r.store} | \`getIssueTests\`, scope environment | ${ms(r.environment.p50)} | ${ms(r.environment.p99)} | ${ms(r.baseline.p50)} | ${ms(r.baseline.p99)} | ${(r.environment.p99 / r.baseline.p99).toFixed(1)}× |`,
  ]);
  const markdown = `In-process (no HTTP), one caller, ${QUERIES} queries after ${WARMUP} warm-up ones, each for a
random issue covered by ${TESTS_PER_ISSUE} tests with ${HISTORY} executions of history each. The store holds
${TESTS.toLocaleString('en')} tests and ${(TESTS * ROUNDS).toLocaleString('en')} executions (${ROUNDS} per test,
${ROUNDS * RUNS_PER_ROUND} runs in ${ENVIRONMENTS.length} environments and ${FIX_VERSIONS.length} fix versions). The baseline reads the same rows with plain indexed lookups
(links → tests → latest → executions → runs in one join, then the history rows by \`(test_id, at)\`)
and builds nothing. SQLite is seeded through the results repository in bulk; PostgreSQL gets the
same rows generated by PostgreSQL itself (\`generate_series\`), then \`ANALYZE\`.

| Store | Query | p50 ms | p99 ms | Baseline p50 ms | Baseline p99 ms | p99 / baseline |
| --- | --- | ---: | ---: | ---: | ---: | ---: |
${rows.join('\n')}

Seeding took ${results.map((r) => `${r.seedSeconds.toFixed(0)} s on ${r.store}`).join(' and ')}.
`;
  return { title: COVERAGE_TITLE, markdown };
}
