import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BenchContext, createContext } from './context.ts';
import { writeBuildsScript } from './devops/lua.ts';
import { BENCH_ADMIN_KEY, prepareDevopsSite, startSimServer } from './devops/setup.ts';
import { runWrk, type Server, startServer } from './harness.ts';

/**
 * Profiles the backend under the single-item (or BENCH_ITEMS-item) DevOps load:
 * `tsx src/profile.ts <profile dir>` writes a V8 .cpuprofile there when the backend exits.
 */
async function main(): Promise<void> {
  const ctx = createContext(process.env);
  const out = process.argv[2] ?? mkdtempSync(join(tmpdir(), 'testbridge-prof-'));
  const items = Number(process.env.BENCH_ITEMS ?? 1);
  const dir = mkdtempSync(join(tmpdir(), 'testbridge-prof-data-'));
  const sim = await startSimServer(ctx);
  try {
    await profileAgainst(ctx, sim, out, items, dir);
  } finally {
    await sim.stop();
  }
  process.stdout.write(`profile in ${out}\n`);
}

async function profileAgainst(
  ctx: BenchContext,
  sim: Server,
  out: string,
  items: number,
  dir: string,
): Promise<void> {
  const flags = (process.env.BENCH_PROFILE_FLAGS ?? '--cpu-prof').split(' ').filter(Boolean);
  const backend = await startServer(
    'backend',
    process.execPath,
    [
      ...flags,
      `--cpu-prof-dir=${out}`,
      '--import',
      'tsx',
      join(ctx.repoRoot, 'backend/src/main.ts'),
    ],
    {
      HOST: '127.0.0.1',
      TESTBRIDGE_ADMIN_KEY: BENCH_ADMIN_KEY,
      ATLASSIAN_AUTH_URL: `${sim.url}/auth`,
      ATLASSIAN_API_URL: `${sim.url}/api`,
      ALLOW_PRIVATE_JIRA_URLS: '1',
      DATA_DIR: dir,
      ...(process.env.BENCH_DATABASE_URL ? { DATABASE_URL: process.env.BENCH_DATABASE_URL } : {}),
    },
  );
  try {
    const site = await prepareDevopsSite(backend, sim);
    const path = `/jira/builds/0.1/cloud/${site.cloudId}/bulk`;
    const script = writeBuildsScript(dir, {
      name: 'prof',
      path,
      token: site.token,
      itemsPerRequest: items,
      offset: 0,
    });
    const result = runWrk(`${backend.url}${path}`, {
      seconds: ctx.seconds,
      connections: 50,
      script,
    });
    process.stdout.write(
      `${JSON.stringify({ ...result, eventsPerSecond: result.requestsPerSecond * items })}\n`,
    );
  } finally {
    await backend.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`profile failed: ${String(error)}\n`);
  process.exit(1);
});
