import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SEEDED } from '@testbridge/jira-sim';
import type { BenchContext, Section } from './context.ts';
import { BENCH_ADMIN_KEY, startBackend, startSimServer } from './devops/setup.ts';
import { cpuMillis, type LoadResult, median, runWrk, type Server } from './harness.ts';

const CONNECTIONS = 20;
const LIMIT = 20;
export const JQL_TITLE = 'Mediated JQL search';

/** The fields Testbridge asks Jira for (backend/src/jira/issues-api.ts SUMMARY_FIELDS). */
const FIELDS = [
  'summary',
  'status',
  'issuetype',
  'project',
  'priority',
  'labels',
  'assignee',
  'reporter',
  'created',
  'updated',
];

interface Measured extends LoadResult {
  /** CPU time per answered request of Testbridge and of the simulator (all threads, `/proc`). */
  backendMicros: number;
  simMicros: number;
}

/** A wrk script sending one fixed POST (the same search every time). */
function postScript(dir: string, name: string, headers: Record<string, string>, body: unknown) {
  const file = join(dir, `${name}.lua`);
  const lines = Object.entries(headers).map(
    ([key, value]) => `wrk.headers[${JSON.stringify(key)}] = ${JSON.stringify(value)}`,
  );
  writeFileSync(
    file,
    `wrk.method = "POST"\nwrk.body = ${JSON.stringify(JSON.stringify(body))}\n${lines.join('\n')}\n`,
  );
  return file;
}

/** Resident memory of a process now and at its peak, in MB (Linux `/proc`; else NaN). */
function memoryOf(pid: number | undefined): { rssMb: number; peakMb: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1]);
    return { rssMb: kb('VmRSS') / 1024, peakMb: kb('VmHWM') / 1024 };
  } catch {
    return { rssMb: Number.NaN, peakMb: Number.NaN };
  }
}

/** TCP sockets on this machine to `port` (IPv4 and IPv6), by state: established and TIME_WAIT. */
function socketsTo(port: number): { open: number; timeWait: number } {
  const hex = port.toString(16).toUpperCase().padStart(4, '0');
  let open = 0;
  let timeWait = 0;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const [, , remote, state] = line.trim().split(/\s+/);
      if (!remote?.endsWith(`:${hex}`)) continue;
      if (state === '01') open++;
      if (state === '06') timeWait++;
    }
  }
  return { open, timeWait };
}

async function ok(res: Response, what: string): Promise<Record<string, unknown>> {
  if (!res.ok) throw new Error(`${what}: ${res.status} ${await res.text()}`);
  const body: unknown = await res.json();
  return typeof body === 'object' && body !== null ? { ...body } : {};
}

/** A Cloud API-token connection to the simulator's acme site and a tool-role key. */
async function prepareConnection(backend: Server, sim: Server) {
  const admin = { authorization: `Bearer ${BENCH_ADMIN_KEY}`, 'content-type': 'application/json' };
  const connection = await ok(
    await fetch(`${backend.url}/api/v1/connections`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({
        name: 'bench',
        jiraUrl: `${sim.url}/cloud/acme`,
        auth: {
          type: 'cloud_api_token',
          email: 'alice@acme.test',
          apiToken: SEEDED.apiTokens.alice,
        },
      }),
    }),
    'create connection',
  );
  const key = await ok(
    await fetch(`${backend.url}/api/v1/api-keys`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ name: 'wrk', role: 'tool' }),
    }),
    'tool key',
  );
  if (typeof connection.id !== 'string' || typeof key.key !== 'string')
    throw new Error('no connection id or key');
  return { connectionId: connection.id, toolKey: key.key };
}

/** A token connection and a tool key on `backend`, and the wrk load searching through them. */
export async function mediatedSearchLoad(dir: string, backend: Server, sim: Server) {
  const { connectionId, toolKey } = await prepareConnection(backend, sim);
  return {
    url: `${backend.url}/api/v1/connections/${connectionId}/jira/issues/search`,
    script: postScript(
      dir,
      'mediated',
      { 'content-type': 'application/json', authorization: `Bearer ${toolKey}` },
      { jql: 'project = TB', limit: LIMIT },
    ),
  };
}

function row(name: string, runs: Measured[]): string {
  const pick = (f: (r: Measured) => number) => median(runs.map(f));
  const errors = runs.reduce((sum, r) => sum + r.errors, 0);
  const micros = (f: (r: Measured) => number) => (runs.length ? pick(f).toFixed(0) : '–');
  return `| ${name} | ${pick((r) => r.requestsPerSecond).toFixed(0)} | ${micros((r) => r.backendMicros)} | ${micros((r) => r.simMicros)} | ${pick((r) => r.latencyP50Ms).toFixed(2)} | ${pick((r) => r.latencyP99Ms).toFixed(2)} | ${errors} | ${runs.map((r) => r.requestsPerSecond.toFixed(0)).join(', ')} |`;
}

/**
 * The tool API's JQL search through Testbridge (token connection → pooled dispatcher →
 * simulator on a real port) against the same search sent straight to the simulator, alternated
 * round by round, with Testbridge's memory and its sockets to the simulator under that load.
 */
export async function benchJqlSearch(ctx: BenchContext): Promise<Section> {
  const dir = mkdtempSync(join(tmpdir(), 'testbridge-bench-jql-'));
  const servers: Server[] = [];
  try {
    const sim = await startSimServer(ctx);
    servers.push(sim);
    const backend = await startBackend(ctx, sim, { DATA_DIR: join(dir, 'data') });
    servers.push(backend);
    const simPort = Number(new URL(sim.url).port);
    const basic = Buffer.from(`alice@acme.test:${SEEDED.apiTokens.alice}`).toString('base64');
    const direct = {
      url: `${sim.url}/cloud/acme/rest/api/3/search/jql`,
      script: postScript(
        dir,
        'direct',
        { 'content-type': 'application/json', authorization: `Basic ${basic}` },
        { jql: 'project = TB', maxResults: LIMIT, fields: FIELDS },
      ),
    };
    const mediated = await mediatedSearchLoad(dir, backend, sim);
    const idle = memoryOf(backend.pid);
    const measure = (target: typeof direct, seconds: number): Measured => {
      const before = [cpuMillis(backend.pid), cpuMillis(sim.pid)];
      const result = runWrk(target.url, {
        seconds,
        connections: CONNECTIONS,
        script: target.script,
      });
      const requests = result.requestsPerSecond * seconds;
      const per = (now: number, then = 0) => ((now - then) * 1000) / requests;
      return {
        ...result,
        backendMicros: per(cpuMillis(backend.pid), before[0]),
        simMicros: per(cpuMillis(sim.pid), before[1]),
      };
    };
    const runs = { direct: [] as Measured[], mediated: [] as Measured[] };
    const memory: { rssMb: number; peakMb: number }[] = [];
    const sockets: { open: number; timeWait: number }[] = [];
    for (let round = 0; round < ctx.rounds; round++) {
      measure(direct, 2); // warm-up
      runs.direct.push(measure(direct, ctx.seconds));
      measure(mediated, 2);
      const before = socketsTo(simPort);
      runs.mediated.push(measure(mediated, ctx.seconds));
      memory.push(memoryOf(backend.pid));
      const after = socketsTo(simPort);
      sockets.push({ open: after.open, timeWait: after.timeWait - before.timeWait });
      process.stderr.write(
        `[bench] jql round ${round + 1}: direct ${runs.direct.at(-1)?.requestsPerSecond.toFixed(0)} req/s, mediated ${runs.mediated.at(-1)?.requestsPerSecond.toFixed(0)} req/s, RSS ${memory.at(-1)?.rssMb.toFixed(0)} MB\n`,
      );
    }
    const rps = (list: Measured[]) => median(list.map((r) => r.requestsPerSecond));
    const ratio = rps(runs.mediated) / rps(runs.direct);
    const peak = Math.max(...memory.map((m) => m.peakMb));
    const rss = median(memory.map((m) => m.rssMb));
    const open = Math.max(...sockets.map((s) => s.open));
    const timeWait = Math.max(...sockets.map((s) => s.timeWait));
    return {
      title: JQL_TITLE,
      markdown: `wrk, 1 thread, ${CONNECTIONS} connections, ${ctx.seconds} s per run after a 2 s warm-up, ${ctx.rounds} round(s) alternating (medians shown). The same search both ways: \`project = TB\`, ${LIMIT} issues with Testbridge's summary fields.

| path | req/s | Testbridge CPU µs/request | simulator CPU µs/request | p50 ms | p99 ms | errors | runs (req/s) |
|---|---:|---:|---:|---:|---:|---:|---|
${row('through Testbridge (tool API → simulator)', runs.mediated)}
${row('straight to the simulator', runs.direct)}

**Ratio:** through Testbridge / straight = **${ratio.toFixed(2)}** (target ≥ 0.7). **Testbridge's RSS** under that load: ${rss.toFixed(0)} MB after a run, peak ${peak.toFixed(0)} MB (target < 200 MB; ${idle.rssMb.toFixed(0)} MB idle before the first run, built JavaScript as \`npm start\` runs it). Sockets from the machine to the simulator after a mediated run: ${open} open (Testbridge's pool, at most \`JIRA_MAX_SOCKETS_PER_SITE\` = 16 per site, plus wrk's), ${timeWait} new in TIME_WAIT.

Through Testbridge: \`POST /api/v1/connections/{id}/jira/issues/search\` with a tool key (key check, the connection and its grant read from SQLite, the token opened, Jira's answer parsed and mapped to the tool API's issue summaries, request id, access log, metrics), sent to \`POST /rest/api/3/search/jql\` over the connection's pooled keep-alive sockets. Straight: wrk posts Jira's body to the simulator. The simulator runs unpinned and does the same work in both; Testbridge is pinned to CPU 0, wrk to CPU 1. CPU columns: each process's CPU time (all its threads, from \`/proc\`) per answered request; Testbridge idles while wrk goes straight to the simulator.`,
    };
  } finally {
    for (const server of servers.reverse()) await server.stop().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
