import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestStoreOptions } from '@testbridge/backend/testing';
import type { BenchContext, Section } from '../context.ts';
import {
  cpuMillis,
  type LoadResult,
  median,
  runWrk,
  type Server,
  settle,
  startServer,
} from '../harness.ts';
import { writeBuildsScript } from './lua.ts';
import { prepareDevopsSite, startBackend, startSimServer } from './setup.ts';

const CONNECTIONS = 50;
export const SINGLE_TITLE = 'DevOps ingestion: single-item durable posts';
export const BATCH_TITLE = 'DevOps ingestion: 100-item batches';

interface Target {
  name: string;
  server: Server;
  path: string;
  token: string;
}

/** A load run with the server's CPU time (all its threads) per answered request. */
interface Measured extends LoadResult {
  cpuMicrosPerRequest: number;
}

const cpuPerRequest = (runs: Measured[]) => median(runs.map((r) => r.cpuMicrosPerRequest));

function row(name: string, runs: Measured[], items: number): string {
  const rps = median(runs.map((r) => r.requestsPerSecond));
  const p50 = median(runs.map((r) => r.latencyP50Ms));
  const p99 = median(runs.map((r) => r.latencyP99Ms));
  const errors = runs.reduce((sum, r) => sum + r.errors, 0);
  const events = items > 1 ? ` | ${(rps * items).toFixed(0)}` : '';
  return `| ${name} | ${rps.toFixed(0)}${events} | ${cpuPerRequest(runs).toFixed(0)} | ${p50.toFixed(2)} | ${p99.toFixed(2)} | ${errors} | ${runs.map((r) => r.requestsPerSecond.toFixed(0)).join(', ')} |`;
}

/**
 * Ingestion through the full stack (CI token check, Jira's validation rules, one outbox
 * transaction, 202) against a bare Hono app answering the same route, in the same run:
 * single-item posts on SQLite, and 100-item batches on SQLite and PostgreSQL.
 */
export async function benchDevopsIngest(
  ctx: BenchContext,
  parts: { single: boolean; batch: boolean } = { single: true, batch: true },
): Promise<Section[]> {
  const dir = mkdtempSync(join(tmpdir(), 'testbridge-bench-devops-'));
  const pg = await createTestStoreOptions('postgres');
  const servers: Server[] = [];
  try {
    const sim = await startSimServer(ctx);
    servers.push(sim);
    // Pure ingestion: Jira held away (503, Retry-After) so delivery does not share the CPUs.
    const sqlite = await startBackend(ctx, sim, {
      DATA_DIR: join(dir, 'sqlite'),
      DEVOPS_VERDICT_WAIT_MS: '0',
    });
    servers.push(sqlite);
    // Against a simulator answering promptly: the verdict wait off (the forwarder delivers
    // behind the 202) and on (the 202 waits for Jira's verdict, default budget of 2 s).
    const promptSim = await startSimServer(ctx);
    servers.push(promptSim);
    const waitOff = await startBackend(ctx, promptSim, {
      DATA_DIR: join(dir, 'wait-off'),
      DEVOPS_VERDICT_WAIT_MS: '0',
    });
    servers.push(waitOff);
    const waitOn = await startBackend(ctx, promptSim, {
      DATA_DIR: join(dir, 'wait-on'),
      DEVOPS_VERDICT_WAIT_MS: '2000',
    });
    servers.push(waitOn);
    const postgres = await startBackend(ctx, sim, {
      DATA_DIR: join(dir, 'pg'),
      DEVOPS_VERDICT_WAIT_MS: '0',
      DATABASE_URL: pg.options.kind === 'postgres' ? pg.options.url : '',
    });
    servers.push(postgres);
    const bare = await startServer(
      'hono',
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, '../servers/bare-hono-devops.ts')],
      {},
    );
    servers.push(bare);
    const onSqlite = await prepareDevopsSite(sqlite, sim);
    const onPostgres = await prepareDevopsSite(postgres, sim);
    const onWaitOff = await prepareDevopsSite(waitOff, promptSim, true);
    const onWaitOn = await prepareDevopsSite(waitOn, promptSim, true);
    const path = (cloudId: string) => `/jira/builds/0.1/cloud/${cloudId}/bulk`;
    const bareTarget: Target = {
      name: 'bare Hono',
      server: bare,
      path: path(onSqlite.cloudId),
      token: 'x',
    };
    const sqliteTarget: Target = {
      name: 'Testbridge, SQLite',
      server: sqlite,
      path: path(onSqlite.cloudId),
      token: onSqlite.token,
    };
    const waitOffTarget: Target = {
      name: 'Testbridge, SQLite, Jira answering, verdict wait off',
      server: waitOff,
      path: path(onWaitOff.cloudId),
      token: onWaitOff.token,
    };
    const waitOnTarget: Target = {
      name: 'Testbridge, SQLite, Jira answering, verdict wait on',
      server: waitOn,
      path: path(onWaitOn.cloudId),
      token: onWaitOn.token,
    };
    const pgTarget: Target = {
      name: 'Testbridge, PostgreSQL',
      server: postgres,
      path: path(onPostgres.cloudId),
      token: onPostgres.token,
    };

    let offset = 0;
    const sims = new Set([sim, promptSim]);
    const measure = async (target: Target, items: number, seconds: number): Promise<Measured> => {
      await settle(servers);
      // The other backends are paused (SIGSTOP) while one is measured: every backend is pinned
      // to the same CPU, and an idle one's polls and checkpoints would run on the measured one's
      // time. The simulators stay up (the measured backend may be talking to one).
      const paused = servers.filter((s) => s !== target.server && !sims.has(s));
      for (const other of paused) if (other.pid) process.kill(other.pid, 'SIGSTOP');
      try {
        return runOnce(target, items, seconds);
      } finally {
        for (const other of paused) if (other.pid) process.kill(other.pid, 'SIGCONT');
      }
    };
    const runOnce = (target: Target, items: number, seconds: number): Measured => {
      offset += 50_000_000;
      const script = writeBuildsScript(dir, {
        name: `${target.name.replace(/\W+/g, '-')}-${items}`,
        path: target.path,
        token: target.token,
        itemsPerRequest: items,
        offset,
      });
      const cpuBefore = cpuMillis(target.server.pid);
      const result = runWrk(`${target.server.url}${target.path}`, {
        seconds,
        connections: CONNECTIONS,
        script,
      });
      const requests = result.requestsPerSecond * seconds;
      const cpuMs = cpuMillis(target.server.pid) - cpuBefore;
      return { ...result, cpuMicrosPerRequest: (cpuMs * 1000) / requests };
    };

    const singleTargets = [bareTarget, sqliteTarget, waitOffTarget, waitOnTarget];
    const batchTargets = [bareTarget, sqliteTarget, pgTarget, waitOffTarget, waitOnTarget];
    const single = new Map<string, Measured[]>(singleTargets.map((t) => [t.name, []]));
    const batch = new Map<string, Measured[]>(batchTargets.map((t) => [t.name, []]));
    for (let round = 0; round < ctx.rounds; round++) {
      for (const target of parts.single ? singleTargets : []) {
        await measure(target, 1, 2); // warm-up
        const result = await measure(target, 1, ctx.seconds);
        single.get(target.name)?.push(result);
        process.stderr.write(
          `[bench] devops single round ${round + 1} ${target.name}: ${result.requestsPerSecond.toFixed(0)} req/s\n`,
        );
      }
      for (const target of parts.batch ? batchTargets : []) {
        await measure(target, 100, 2);
        const result = await measure(target, 100, ctx.seconds);
        batch.get(target.name)?.push(result);
        process.stderr.write(
          `[bench] devops batch round ${round + 1} ${target.name}: ${(result.requestsPerSecond * 100).toFixed(0)} events/s\n`,
        );
      }
    }
    const rps = (runs: Measured[] | undefined) =>
      median((runs ?? []).map((r) => r.requestsPerSecond));
    const singleRatio = rps(single.get(sqliteTarget.name)) / rps(single.get(bareTarget.name));
    const cpuRatio =
      cpuPerRequest(single.get(bareTarget.name) ?? []) /
      cpuPerRequest(single.get(sqliteTarget.name) ?? []);
    const header = (events: boolean) =>
      `| server | req/s${events ? ' | events/s' : ''} | server CPU µs/request | p50 ms | p99 ms | errors | runs (req/s) |\n|---|---:|${events ? '---:|' : ''}---:|---:|---:|---:|---|`;
    const cpuNote =
      'Server CPU is the CPU time of the server process (all its threads, from `/proc`) per answered request: unlike req/s it does not move when wrk, which shares the machine with other work, fails to keep the server busy.';
    const setting = `wrk, 1 thread, ${CONNECTIONS} connections, ${ctx.seconds} s per run after a 2 s warm-up, ${ctx.rounds} round(s) (medians shown). Every build has a new build number, so each is a new durable row. For the first rows the simulator answers the forwarder 503 with \`Retry-After: 3600\`, so delivery does not compete for the two CPUs (it is measured below). The two "Jira answering" rows post to a second backend pair wired to a second simulator that answers at once: with the verdict wait off (\`DEVOPS_VERDICT_WAIT_MS=0\`: the forwarder delivers behind the 202) and on (\`2000\`, the default: after the commit the items are sent at once, batched per event-loop turn, and the 202 carries Jira's verdict); their server CPU includes the delivery to Jira, and the simulator shares the CPUs. Before every run (warm-ups included) the bench waits until all servers have settled (under 30% of one CPU together), so no run pays for the delivery of an earlier run's backlog, and during a run every other backend is paused (SIGSTOP; all backends are pinned to the same CPU), so its polls and checkpoints do not run on the measured one's time.`;
    const sections: Section[] = [];
    if (parts.single) {
      sections.push({
        title: SINGLE_TITLE,
        markdown: `${setting}

${header(false)}
${row(sqliteTarget.name, single.get(sqliteTarget.name) ?? [], 1)}
${row(bareTarget.name, single.get(bareTarget.name) ?? [], 1)}
${row(waitOffTarget.name, single.get(waitOffTarget.name) ?? [], 1)}
${row(waitOnTarget.name, single.get(waitOnTarget.name) ?? [], 1)}

**Ratio:** Testbridge / bare Hono = **${singleRatio.toFixed(2)}** in req/s (target ≥ 0.5); bare Hono's / Testbridge's server CPU per request = ${cpuRatio.toFixed(2)}.

Testbridge answers \`POST /jira/builds/0.1/cloud/{cloudId}/bulk\` with the Jenkins-style body of
one build: CI bearer token checked (against the store, then remembered for 10 s), Jira's rules
(the usual valid body proven valid by plain checks, anything else by zod), the item committed to
the outbox before the 202 (SQLite WAL, synchronous=NORMAL; requests arriving together share one
transaction: group commit; checkpoints on a worker thread), request id, access log, metrics. Bare
Hono parses the same body and answers Jira's 202 shape, nothing else. wrk counts a request still
unanswered after 2 s as an error (a timeout). ${cpuNote}`,
      });
    }
    if (parts.batch) {
      sections.push({
        title: BATCH_TITLE,
        markdown: `${setting}

${header(true)}
${row(sqliteTarget.name, batch.get(sqliteTarget.name) ?? [], 100)}
${row(pgTarget.name, batch.get(pgTarget.name) ?? [], 100)}
${row(bareTarget.name, batch.get(bareTarget.name) ?? [], 100)}
${row(waitOffTarget.name, batch.get(waitOffTarget.name) ?? [], 100)}
${row(waitOnTarget.name, batch.get(waitOnTarget.name) ?? [], 100)}

**Events/s:** SQLite **${(rps(batch.get(sqliteTarget.name)) * 100).toFixed(0)}** (target ≥ 50,000), PostgreSQL **${(rps(batch.get(pgTarget.name)) * 100).toFixed(0)}**, bare Hono ${(rps(batch.get(bareTarget.name)) * 100).toFixed(0)}.
PostgreSQL runs on the same two CPUs (a local server, \`fsync\` as configured there); its own CPU
is not in the server CPU column. ${cpuNote}`,
      });
    }
    return sections;
  } finally {
    for (const server of servers.reverse()) await server.stop().catch(() => undefined);
    await pg.cleanup().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
