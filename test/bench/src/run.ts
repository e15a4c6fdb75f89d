import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { createContext, type Section } from './context.ts';
import { benchDevopsDrain } from './devops/drain.ts';
import { benchDevopsIngest } from './devops/ingest.ts';
import { ensureWrk, hasTaskset } from './harness.ts';
import { benchHealthz } from './healthz.ts';

/** `npm run bench`: every benchmark side by side with its baseline; writes docs/benchmarks.md. */
async function main(): Promise<void> {
  const ctx = createContext(process.env);
  ensureWrk();
  const sections: Section[] = [];
  sections.push(await benchHealthz(ctx));
  sections.push(...(await benchDevopsIngest(ctx)));
  sections.push(await benchDevopsDrain(ctx));

  const commit = execSync('git rev-parse --short HEAD', {
    cwd: ctx.repoRoot,
    encoding: 'utf8',
  }).trim();
  const report = `# Benchmarks

Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)} at commit \`${commit}\`.
Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, Node ${process.version}.
${hasTaskset ? 'Servers run pinned to CPU 0 and the load generator to CPU 1 (`taskset`).' : 'taskset was not available: server and load generator share the CPUs.'}
Every figure is a ratio against a baseline measured in the same run, because absolute numbers on a
shared 2-core machine move from run to run.

${sections.map((s) => `## ${s.title}\n\n${s.markdown}\n`).join('\n')}`;
  mkdirSync(join(ctx.repoRoot, 'docs'), { recursive: true });
  writeFileSync(join(ctx.repoRoot, 'docs', 'benchmarks.md'), report);
  process.stdout.write(report);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${String(error)}\n`);
  process.exit(1);
});
