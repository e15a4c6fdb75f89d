import { createTestDeps, type StoreKind } from '@testbridge/backend/testing';
import type { Deps } from '../../../../backend/src/deps.ts';
import { listOutboxItems } from '../../../../backend/src/outbox/service.ts';
import { importReportFile } from '../../../../backend/src/results/import.ts';
import { readReport } from '../../../../backend/src/results/junit/read-report.ts';
import { createLinksRepo } from '../../../../backend/src/results/links-repo.ts';
import { REMOTE_LINK_KIND } from '../../../../backend/src/results/remote-links.ts';
import { openReport } from '../../../../backend/src/results/report-source.ts';
import { createTestRun, type RunCaller } from '../../../../backend/src/results/runs.ts';
import type { BenchContext, Section } from '../context.ts';
import { surefireReportFile } from './junit-file.ts';

export const IMPORT_TITLE = 'Results import: a 10,000-testcase Surefire file';

const CASES = 10_000;
const CHUNK = 64 * 1024;
const CONNECTION = 'bench-connection';
const CALLER: RunCaller = { kind: 'api_key', keyId: 'bench-key' };

/** The file as an upload streams it: 64 KiB chunks. */
async function* chunksOf(bytes: Buffer): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += CHUNK) yield bytes.subarray(at, at + CHUNK);
}

/** A connection and mapping written directly, and the requirement keys already resolved. */
async function seed(deps: Deps): Promise<void> {
  const { store } = deps;
  const now = new Date('2026-06-01T00:00:00.000Z');
  await store.transaction(async (tx) => {
    await tx.insert(store.tables.connections).values({
      id: CONNECTION,
      name: 'bench',
      jiraUrl: 'https://bench.example.test',
      deployment: 'cloud',
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
      jiraProjectKey: 'BENCH',
      createDefects: false,
      labels: '[]',
      components: '[]',
      webhookMode: 'off',
      createdAt: now,
      updatedAt: now,
    });
    // The file's requirements (BENCH-1 … BENCH-500) as an earlier import left them: no Jira call.
    await createLinksRepo(store.tables).rememberIssueKeys(
      tx,
      CONNECTION,
      Array.from({ length: 500 }, (_, i) => ({ key: `BENCH-${i + 1}`, id: String(20_000 + i) })),
      now,
    );
  });
}

async function parseOnly(bytes: Buffer): Promise<number> {
  let cases = 0;
  for await (const _ of readReport(chunksOf(bytes), {
    contentType: 'application/xml',
    contentEncoding: undefined,
    fileName: 'TEST-bench.xml',
    field: 'body',
  }))
    cases++;
  return cases;
}

async function importOnce(deps: Deps, bytes: Buffer, round: number): Promise<number> {
  const run = await createTestRun(deps, CALLER, { projectKey: 'BENCH', name: `bench ${round}` });
  const cases = openReport(
    chunksOf(bytes),
    { contentType: 'application/xml', contentEncoding: undefined, fileName: 'TEST-bench.xml' },
    100 * 1024 * 1024,
  );
  const imported = await importReportFile(deps, CALLER, run.id, {
    cases,
    fileName: 'TEST-bench.xml',
  });
  return imported.file.cases;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
};

async function timed(run: () => Promise<number>): Promise<{ cases: number; perSecond: number }> {
  const started = performance.now();
  const cases = await run();
  return { cases, perSecond: cases / ((performance.now() - started) / 1000) };
}

/**
 * Import throughput (testcases per second for one 10,000-testcase Surefire file: read, staged,
 * merged into executions, links and the latest index, remote-link updates queued) against the
 * parser alone on the same bytes, alternating, in one process; SQLite and PostgreSQL.
 */
export async function benchResultsImport(ctx: BenchContext): Promise<Section> {
  const { bytes, counts } = surefireReportFile(CASES);
  const rows: string[] = [];
  for (const kind of ['sqlite', 'postgres'] as StoreKind[]) {
    const t = await createTestDeps({ store: kind, env: { LOG_LEVEL: 'warn' } });
    try {
      await seed(t.deps);
      await parseOnly(bytes);
      await importOnce(t.deps, bytes, 0); // warm-up: every test exists from here on
      const parsed: number[] = [];
      const imported: number[] = [];
      for (let round = 1; round <= Math.max(ctx.rounds, 3); round++) {
        const parse = await timed(() => parseOnly(bytes));
        const load = await timed(() => importOnce(t.deps, bytes, round));
        if (parse.cases !== counts.cases || load.cases !== counts.cases)
          throw new Error(
            `import bench: ${parse.cases}/${load.cases} cases, expected ${counts.cases}`,
          );
        parsed.push(parse.perSecond);
        imported.push(load.perSecond);
        process.stderr.write(
          `[bench] import ${kind} round ${round}: parser ${parse.perSecond.toFixed(0)}, import ${load.perSecond.toFixed(0)} testcases/s\n`,
        );
      }
      // Point 8 of the results issue: however many imports, one pending update per issue and test.
      const pending = (
        await listOutboxItems(t.deps, {
          kind: REMOTE_LINK_KIND,
          status: 'pending',
          limit: 1_000_000,
        })
      ).length;
      const pairs = counts.cases / 10;
      if (pending !== pairs)
        throw new Error(`import bench: ${pending} pending remote-link updates for ${pairs} pairs`);
      const ratio = median(imported) / median(parsed);
      rows.push(
        `| ${kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'} | ${median(imported).toFixed(0)} | ${median(parsed).toFixed(0)} | **${ratio.toFixed(2)}** | ${imported.map((v) => v.toFixed(0)).join(', ')} |`,
      );
    } finally {
      await t.cleanup();
    }
  }
  return {
    title: IMPORT_TITLE,
    markdown: `${(bytes.length / 1024 / 1024).toFixed(1)} MB, ${CASES.toLocaleString('en')} test cases over 200 classes (every 20th failing with a 25-frame stack, every 97th an error, every 50th skipped, every 33rd flaky, every 10th naming a requirement, already resolved). In one process, alternating: the parser alone (\`readReport\`: gunzip check, UTF-8, saxes, limits) against the whole import (the same reader, staging in batches of 1,000, the merge transaction with executions, links, the latest index and the remote-link updates it queues). Medians of ${Math.max(ctx.rounds, 3)} rounds after one warm-up import (so every later import updates existing tests).

After the ${Math.max(ctx.rounds, 3) + 1} imports of the file, the outbox holds exactly one pending remote-link update per requirement issue and test (${(CASES / 10).toLocaleString('en')}), not one per import: the run throws otherwise.

| store | import testcases/s | parser alone testcases/s | import ÷ parser | import runs |
|---|---:|---:|---:|---|
${rows.join('\n')}
`,
  };
}
