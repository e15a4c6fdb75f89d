import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BenchContext, createContext } from './context.ts';
import { writeBuildsScript } from './devops/lua.ts';
import { BENCH_ADMIN_KEY, backendArgs, prepareDevopsSite, startSimServer } from './devops/setup.ts';
import { cpuMillis, runWrk, type Server, startServer } from './harness.ts';
import { jiraEventsLoad } from './jira-events.ts';
import { mediatedSearchLoad } from './jql.ts';

/**
 * Profiles the backend under the single-item (or BENCH_ITEMS-item) DevOps load:
 * `tsx src/profile.ts <profile dir>` writes a V8 .cpuprofile there when the backend exits, and
 * prints wrk's figures with the server's CPU time per request. BENCH_TARGET=bare measures the
 * bare Hono baseline instead; BENCH_PROFILE_FLAGS='' runs without the profiler. BENCH_LOAD=jql
 * profiles the tool API's JQL search through Testbridge to the simulator instead (20 connections),
 * BENCH_LOAD=jira-events signed webhook deliveries.
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
  const bare = process.env.BENCH_TARGET === 'bare';
  // The backend as `npm start` runs it (built JavaScript); the bare baseline under tsx.
  const entry = bare
    ? ['--import', 'tsx', join(import.meta.dirname, 'servers/bare-hono-devops.ts')]
    : backendArgs(ctx);
  const backend = await startServer(
    bare ? 'bare Hono' : 'backend',
    process.execPath,
    [...flags, ...(flags.length > 0 ? [`--cpu-prof-dir=${out}`] : []), ...entry],
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
    if (process.env.BENCH_LOAD === 'jql' || process.env.BENCH_LOAD === 'jira-events') {
      const load =
        process.env.BENCH_LOAD === 'jql'
          ? await mediatedSearchLoad(dir, backend, sim)
          : await jiraEventsLoad(dir, backend, sim);
      runWrk(load.url, { seconds: 2, connections: 20, script: load.script }); // warm-up
      const cpuBefore = cpuMillis(backend.pid);
      const result = runWrk(load.url, {
        seconds: ctx.seconds,
        connections: 20,
        script: load.script,
      });
      const cpuMs = cpuMillis(backend.pid) - cpuBefore;
      const cpuMicrosPerRequest = (cpuMs * 1000) / (result.requestsPerSecond * ctx.seconds);
      process.stdout.write(`${JSON.stringify({ ...result, cpuMicrosPerRequest })}\n`);
      return;
    }
    const site = bare ? { cloudId: 'bare', token: 'x' } : await prepareDevopsSite(backend, sim);
    const path = `/jira/builds/0.1/cloud/${site.cloudId}/bulk`;
    const script = writeBuildsScript(dir, {
      name: 'prof',
      path,
      token: site.token,
      itemsPerRequest: items,
      offset: 0,
    });
    const cpuBefore = cpuMillis(backend.pid);
    const result = runWrk(`${backend.url}${path}`, {
      seconds: ctx.seconds,
      connections: 50,
      script,
    });
    const cpuMs = cpuMillis(backend.pid) - cpuBefore;
    const requests = result.requestsPerSecond * ctx.seconds;
    process.stdout.write(
      `${JSON.stringify({ ...result, eventsPerSecond: result.requestsPerSecond * items, cpuMicrosPerRequest: (cpuMs * 1000) / requests })}\n`,
    );
  } finally {
    await backend.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`profile failed: ${String(error)}\n`);
  process.exit(1);
});
