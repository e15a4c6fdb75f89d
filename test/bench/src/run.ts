import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { createContext, type Section } from './context.ts';
import { benchCoverage, COVERAGE_TITLE } from './coverage.ts';
import { benchDevopsDrain, DRAIN_TITLE } from './devops/drain.ts';
import { BATCH_TITLE, benchDevopsIngest, SINGLE_TITLE } from './devops/ingest.ts';
import { ensureWrk, hasTaskset } from './harness.ts';
import { benchHealthz, HEALTHZ_TITLE } from './healthz.ts';
import { benchJiraEvents, JIRA_EVENTS_TITLE } from './jira-events.ts';
import { benchJqlSearch, JQL_TITLE } from './jql.ts';
import { benchPanel, PANEL_TITLE } from './panel.ts';
import { type DatedSection, mergeSections, readSections, renderSection } from './report.ts';
import { benchResultsImport, IMPORT_TITLE } from './results/import.ts';

/** What `BENCH_ONLY` (comma-separated) may name; unset runs them all. */
const PARTS = [
  'healthz',
  'devops-single',
  'devops-batch',
  'devops-drain',
  'jql',
  'coverage',
  'panel',
  'import',
  'jira-events',
] as const;
type Part = (typeof PARTS)[number];
const ORDER = [
  HEALTHZ_TITLE,
  SINGLE_TITLE,
  BATCH_TITLE,
  DRAIN_TITLE,
  JQL_TITLE,
  COVERAGE_TITLE,
  PANEL_TITLE,
  IMPORT_TITLE,
  JIRA_EVENTS_TITLE,
];

function partsToRun(only: string | undefined): Set<Part> {
  if (!only) return new Set(PARTS);
  const named = only.split(',').map((part) => part.trim());
  const unknown = named.filter((part) => !PARTS.some((known) => known === part));
  if (unknown.length > 0) {
    throw new Error(`BENCH_ONLY: unknown ${unknown.join(', ')}; use ${PARTS.join(', ')}`);
  }
  return new Set(PARTS.filter((part) => named.includes(part)));
}

/**
 * `npm run bench`: every benchmark side by side with its baseline; writes docs/benchmarks.md.
 * `BENCH_ONLY=devops-single,devops-batch` reruns only those; the other sections of the existing
 * file are kept with the date they were measured on.
 */
async function main(): Promise<void> {
  const ctx = createContext(process.env);
  const parts = partsToRun(process.env.BENCH_ONLY);
  ensureWrk();
  const sections: Section[] = [];
  // Each section notes the machine's 1-minute load average as it ended: other work on a 2-core
  // machine moves the figures (the ratios less than the absolute ones).
  const load = new Map<string, number>();
  const push = (...done: Section[]) => {
    for (const section of done) {
      load.set(section.title, loadavg()[0] ?? 0);
      sections.push(section);
    }
  };
  if (parts.has('healthz')) push(await benchHealthz(ctx));
  if (parts.has('devops-single') || parts.has('devops-batch')) {
    push(
      ...(await benchDevopsIngest(ctx, {
        single: parts.has('devops-single'),
        batch: parts.has('devops-batch'),
      })),
    );
  }
  if (parts.has('devops-drain')) push(await benchDevopsDrain(ctx));
  if (parts.has('jql')) push(await benchJqlSearch(ctx));
  if (parts.has('coverage')) push(await benchCoverage(ctx));
  if (parts.has('panel')) push(await benchPanel(ctx));
  if (parts.has('import')) push(await benchResultsImport(ctx));
  if (parts.has('jira-events')) push(await benchJiraEvents(ctx));

  const commit = execSync('git rev-parse --short HEAD', {
    cwd: ctx.repoRoot,
    encoding: 'utf8',
  }).trim();
  const dirty = execSync('git status --porcelain -- backend shared test/bench', {
    cwd: ctx.repoRoot,
    encoding: 'utf8',
  }).trim();
  const today = new Date().toISOString().slice(0, 10);
  const measured = `${today} at commit \`${commit}\`${dirty ? ' (with uncommitted changes)' : ''}`;
  const file = join(ctx.repoRoot, 'docs', 'benchmarks.md');
  const fresh: DatedSection[] = sections.map((section) => ({
    ...section,
    measured: `${measured}, load average ${(load.get(section.title) ?? 0).toFixed(1)} as it ended`,
  }));
  const merged = mergeSections(ORDER, fresh, parts.size === PARTS.length ? [] : readSections(file));
  const report = `# Benchmarks

Written by \`npm run bench\`; each section says when and at which commit it was measured
(\`BENCH_ONLY\` reruns some sections and keeps the others as they were).
Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}.
${hasTaskset ? 'Servers run pinned to CPU 0 and the load generator to CPU 1 (`taskset`).' : 'taskset was not available: server and load generator share the CPUs.'}
Every figure is a ratio against a baseline measured in the same run, because absolute numbers on a
shared 2-core machine move from run to run.

${merged.map(renderSection).join('\n')}`;
  mkdirSync(join(ctx.repoRoot, 'docs'), { recursive: true });
  writeFileSync(file, report);
  process.stdout.write(report);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${String(error)}\n`);
  process.exit(1);
});
