import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createContext } from './context.ts';
import { writeBuildsScript } from './devops/lua.ts';
import { BENCH_ADMIN_KEY, prepareDevopsSite, startSimServer } from './devops/setup.ts';
import { cpuMillis, median, pinned, runWrk, type Server, startServer } from './harness.ts';

/**
 * A/B of server CPU per request on Jira's builds door, for judging one change on a busy machine:
 * `tsx src/ab.ts name=/path/to/checkout name2=/other/checkout [bare]` starts the backend of each
 * checkout (and the bare Hono baseline with `bare`) against one simulator held at 503, then runs
 * BENCH_ROUNDS rounds of BENCH_SECONDS each, every target once per round in a rotating order,
 * and prints each run's and the median CPU µs per request (all the server's threads, /proc).
 * BENCH_ITEMS builds per request (1); DEVOPS_VERDICT_WAIT_MS is 0 unless set.
 * BENCH_TOGETHER=1 loads every target at the same time instead (all servers share CPU 0, one wrk
 * each on CPU 1), so they meet the same slowdowns of a shared machine at the same moments.
 */
interface Target {
  name: string;
  server: Server;
  path: string;
  token: string;
  cpu: number[];
  rps: number[];
}

async function main(): Promise<void> {
  const ctx = createContext(process.env);
  const items = Number(process.env.BENCH_ITEMS ?? 1);
  const dir = mkdtempSync(join(tmpdir(), 'testbridge-ab-'));
  const servers: Server[] = [];
  let offset = 0;
  try {
    const sim = await startSimServer(ctx);
    servers.push(sim);
    const targets: Target[] = [];
    for (const arg of process.argv.slice(2)) {
      if (arg === 'bare') {
        const server = await startServer(
          'bare Hono',
          process.execPath,
          ['--import', 'tsx', join(import.meta.dirname, 'servers/bare-hono-devops.ts')],
          {},
        );
        servers.push(server);
        const path = '/jira/builds/0.1/cloud/bare/bulk';
        targets.push({ name: 'bare', server, path, token: 'x', cpu: [], rps: [] });
        continue;
      }
      const [name = arg, root = arg] = arg.split('=');
      const server = await startServer(
        name,
        process.execPath,
        ['--import', 'tsx', join(root, 'backend/src/main.ts')],
        {
          HOST: '127.0.0.1',
          TESTBRIDGE_ADMIN_KEY: BENCH_ADMIN_KEY,
          ATLASSIAN_AUTH_URL: `${sim.url}/auth`,
          ATLASSIAN_API_URL: `${sim.url}/api`,
          ALLOW_PRIVATE_JIRA_URLS: '1',
          DATA_DIR: join(dir, name),
          DEVOPS_VERDICT_WAIT_MS: process.env.DEVOPS_VERDICT_WAIT_MS ?? '0',
        },
      );
      servers.push(server);
      const site = await prepareDevopsSite(server, sim);
      const path = `/jira/builds/0.1/cloud/${site.cloudId}/bulk`;
      targets.push({ name, server, path, token: site.token, cpu: [], rps: [] });
    }
    const run = (target: Target, seconds: number) => {
      offset += 50_000_000;
      const script = writeBuildsScript(dir, {
        name: `${target.name}-${offset}`,
        path: target.path,
        token: target.token,
        itemsPerRequest: items,
        offset,
      });
      const before = cpuMillis(target.server.pid);
      const result = runWrk(`${target.server.url}${target.path}`, {
        seconds,
        connections: 50,
        script,
      });
      const cpuMs = cpuMillis(target.server.pid) - before;
      return { ...result, cpuMicros: (cpuMs * 1000) / (result.requestsPerSecond * seconds) };
    };
    for (const target of targets) run(target, 2);
    if (process.env.BENCH_TOGETHER === '1') {
      for (let round = 0; round < ctx.rounds; round++) {
        const results = await Promise.all(targets.map((target) => runTogether(target)));
        results.forEach((result, i) => {
          const target = targets[i] as Target;
          target.cpu.push(result.cpuMicros);
          target.rps.push(result.requests / ctx.seconds);
          process.stdout.write(
            `round ${round + 1} ${target.name}: ${result.cpuMicros.toFixed(1)} µs/request, ${(result.requests / ctx.seconds).toFixed(0)} req/s\n`,
          );
        });
      }
      report(targets);
      return;
    }
    for (let round = 0; round < ctx.rounds; round++) {
      const order = targets.map((_, i) => targets[(i + round) % targets.length] as Target);
      for (const target of order) {
        run(target, 1);
        const result = run(target, ctx.seconds);
        target.cpu.push(result.cpuMicros);
        target.rps.push(result.requestsPerSecond);
        process.stdout.write(
          `round ${round + 1} ${target.name}: ${result.cpuMicros.toFixed(1)} µs/request, ${result.requestsPerSecond.toFixed(0)} req/s, ${result.errors} errors\n`,
        );
      }
    }
    report(targets);
  } finally {
    for (const server of servers.reverse()) await server.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }

  /** wrk without waiting for it synchronously, so several run at once. */
  async function runTogether(target: Target) {
    offset += 50_000_000;
    const script = writeBuildsScript(dir, {
      name: `${target.name}-${offset}`,
      path: target.path,
      token: target.token,
      itemsPerRequest: items,
      offset,
    });
    const before = cpuMillis(target.server.pid);
    const [cmd, args] = pinned(1, 'wrk', [
      '-t1',
      '-c50',
      `-d${ctx.seconds}s`,
      '-s',
      script,
      `${target.server.url}${target.path}`,
    ]);
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += String(chunk);
    });
    await once(child, 'exit');
    const cpuMs = cpuMillis(target.server.pid) - before;
    const requests = Number(/(\d+) requests in/.exec(out)?.[1] ?? Number.NaN);
    return { requests, cpuMicros: (cpuMs * 1000) / requests };
  }
}

function report(targets: Target[]): void {
  for (const target of targets) {
    process.stdout.write(
      `${target.name}: median ${median(target.cpu).toFixed(1)} µs/request (${target.cpu.map((c) => c.toFixed(0)).join(', ')}), median ${median(target.rps).toFixed(0)} req/s\n`,
    );
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`ab failed: ${String(error)}\n`);
  process.exit(1);
});
