import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestStoreOptions } from '@testbridge/backend/testing';
import { SEEDED } from '@testbridge/jira-sim';
import type { BenchContext, Section } from './context.ts';
import { BENCH_ADMIN_KEY, startBackend, startSimServer } from './devops/setup.ts';
import { cpuMillis, type LoadResult, median, runWrk, type Server, startServer } from './harness.ts';

const CONNECTIONS = 50;
export const JIRA_EVENTS_TITLE = 'Jira events: verified and stored webhook deliveries';

/** Issues the deliveries are about: events are processed in order per issue, so spread them. */
const ISSUES = 200;

/** A real delivery body (an issue update, as Jira Cloud sends it; ~1 KB) about issue `n`. */
const bodyOf = (n: number) =>
  JSON.stringify({
    timestamp: 1767258000000 + n,
    webhookEvent: 'jira:issue_updated',
    issue_event_type_name: 'issue_generic',
    user: { accountId: '5b10ac8d82e05b22cc7d4ef5', displayName: 'Alice' },
    issue: {
      id: String(20000 + n),
      key: `TB-${1000 + n}`,
      fields: {
        summary: `Checkout pays by card, case ${n}`,
        project: { id: '10000', key: 'TB', name: 'Testbridge Demo' },
        status: { name: 'In Progress', statusCategory: { key: 'indeterminate' } },
        issuetype: { id: '10001', name: 'Story' },
        labels: ['checkout', 'payments'],
        updated: '2026-01-01T09:00:00.000+0000',
      },
    },
    changelog: {
      id: String(30000 + n),
      items: [
        {
          field: 'status',
          fieldtype: 'jira',
          from: '1',
          fromString: 'To Do',
          to: '3',
          toString: 'In Progress',
        },
      ],
    },
  });
const BODIES = Array.from({ length: ISSUES }, (_, n) => bodyOf(n));

interface Target {
  name: string;
  server: Server;
  path: string;
  /** X-Hub-Signature of each of BODIES. */
  signatures: string[];
}

interface Measured extends LoadResult {
  cpuMicrosPerRequest: number;
}

async function json(res: Response, what: string): Promise<Record<string, string>> {
  if (!res.ok) throw new Error(`${what}: ${res.status} ${await res.text()}`);
  return (await res.json()) as Record<string, string>;
}

/** A connection to the simulator's acme site, a mapping in manual mode and its webhook endpoint. */
async function prepareEndpoint(backend: Server, sim: Server) {
  const admin = { authorization: `Bearer ${BENCH_ADMIN_KEY}`, 'content-type': 'application/json' };
  const connection = await json(
    await fetch(`${backend.url}/api/v1/connections`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({
        name: 'bench acme',
        jiraUrl: `${sim.url}/cloud/acme`,
        auth: {
          type: 'cloud_api_token',
          email: 'alice@acme.test',
          apiToken: SEEDED.apiTokens.alice,
        },
      }),
    }),
    'connection',
  );
  const mapping = await json(
    await fetch(`${backend.url}/api/v1/mappings`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({
        toolProject: { key: 'BENCH', name: 'bench' },
        connectionId: connection.id,
        jiraProjectKey: 'TB',
        webhookMode: 'manual',
      }),
    }),
    'mapping',
  );
  const endpoint = await json(
    await fetch(`${backend.url}/api/v1/mappings/${mapping.id}/webhook`, {
      method: 'POST',
      headers: { authorization: admin.authorization },
    }),
    'webhook endpoint',
  );
  return {
    path: new URL(endpoint.url ?? '').pathname,
    signatures: BODIES.map(
      (body) =>
        `sha256=${createHmac('sha256', endpoint.secret ?? '')
          .update(body)
          .digest('hex')}`,
    ),
  };
}

/** For profile.ts (BENCH_LOAD=jira-events): the endpoint on `backend` and the wrk script. */
export async function jiraEventsLoad(dir: string, backend: Server, sim: Server) {
  const endpoint = await prepareEndpoint(backend, sim);
  const target: Target = { name: 'profile', server: backend, ...endpoint };
  return { url: `${backend.url}${endpoint.path}`, script: writeScript(dir, 'profile', target, 0) };
}

/** Each request: one of the signed bodies in turn, a delivery id never used before (a new event). */
function writeScript(dir: string, name: string, target: Target, offset: number): string {
  const file = join(dir, `${name}.lua`);
  const lua = (text: string) => JSON.stringify(text);
  writeFileSync(
    file,
    `local counter = ${offset}
local bodies = { ${BODIES.map(lua).join(', ')} }
local signatures = { ${target.signatures.map(lua).join(', ')} }
request = function()
  counter = counter + 1
  local i = (counter % ${ISSUES}) + 1
  return wrk.format("POST", "${target.path}", {
    ["content-type"] = "application/json; charset=UTF-8",
    ["x-hub-signature"] = signatures[i],
    ["x-atlassian-webhook-identifier"] = "bench-" .. counter,
  }, bodies[i])
end
`,
  );
  return file;
}

function row(name: string, runs: Measured[]): string {
  const rps = median(runs.map((r) => r.requestsPerSecond));
  const cpu = median(runs.map((r) => r.cpuMicrosPerRequest));
  const p50 = median(runs.map((r) => r.latencyP50Ms));
  const p99 = median(runs.map((r) => r.latencyP99Ms));
  const errors = runs.reduce((sum, r) => sum + r.errors, 0);
  return `| ${name} | ${rps.toFixed(0)} | ${cpu.toFixed(0)} | ${p50.toFixed(2)} | ${p99.toFixed(2)} | ${errors} | ${runs.map((r) => r.requestsPerSecond.toFixed(0)).join(', ')} |`;
}

/**
 * Webhook deliveries accepted per second: `X-Hub-Signature` verified (HMAC-SHA256, constant-time
 * compare, the endpoint's secret opened from the store), deduplicated and stored before the 202,
 * with the background processor running; against a bare Hono app that only parses the body.
 */
export async function benchJiraEvents(ctx: BenchContext): Promise<Section> {
  const dir = mkdtempSync(join(tmpdir(), 'testbridge-bench-events-'));
  const pg = await createTestStoreOptions('postgres');
  const servers: Server[] = [];
  try {
    const sim = await startSimServer(ctx);
    servers.push(sim);
    const sqlite = await startBackend(ctx, sim, { DATA_DIR: join(dir, 'sqlite') });
    servers.push(sqlite);
    const postgres = await startBackend(ctx, sim, {
      DATA_DIR: join(dir, 'pg'),
      DATABASE_URL: pg.options.kind === 'postgres' ? pg.options.url : '',
    });
    servers.push(postgres);
    const bare = await startServer(
      'hono',
      process.execPath,
      ['--import', 'tsx', join(import.meta.dirname, 'servers/bare-hono-webhooks.ts')],
      {},
    );
    servers.push(bare);
    const onSqlite = await prepareEndpoint(sqlite, sim);
    const onPostgres = await prepareEndpoint(postgres, sim);
    const targets: Target[] = [
      { name: 'Testbridge, SQLite', server: sqlite, ...onSqlite },
      { name: 'Testbridge, PostgreSQL', server: postgres, ...onPostgres },
      { name: 'bare Hono', server: bare, path: onSqlite.path, signatures: onSqlite.signatures },
    ];
    let offset = 0;
    const measure = (target: Target, seconds: number): Measured => {
      offset += 50_000_000;
      const script = writeScript(
        dir,
        `${target.name.replace(/\W+/g, '-')}-${offset}`,
        target,
        offset,
      );
      const cpuBefore = cpuMillis(target.server.pid);
      const result = runWrk(`${target.server.url}${target.path}`, {
        seconds,
        connections: CONNECTIONS,
        script,
      });
      const cpuMs = cpuMillis(target.server.pid) - cpuBefore;
      return {
        ...result,
        cpuMicrosPerRequest: (cpuMs * 1000) / (result.requestsPerSecond * seconds),
      };
    };
    const runs = new Map<string, Measured[]>(targets.map((t) => [t.name, []]));
    for (let round = 0; round < ctx.rounds; round++) {
      for (const target of targets) {
        measure(target, 2); // warm-up
        const result = measure(target, ctx.seconds);
        runs.get(target.name)?.push(result);
        process.stderr.write(
          `[bench] jira events round ${round + 1} ${target.name}: ${result.requestsPerSecond.toFixed(0)} deliveries/s\n`,
        );
      }
    }
    const rps = (name: string) => median((runs.get(name) ?? []).map((r) => r.requestsPerSecond));
    return {
      title: JIRA_EVENTS_TITLE,
      markdown: `wrk, 1 thread, ${CONNECTIONS} connections, ${ctx.seconds} s per run after a 2 s warm-up, ${ctx.rounds} round(s) (medians shown). Every request is the same ~1 KB \`jira:issue_updated\` body signed with the mapping's secret, with an \`X-Atlassian-Webhook-Identifier\` never used before, so each is verified and stored as a new event (the background processor applies them meanwhile, on the same CPUs).

| server | deliveries/s | server CPU µs/request | p50 ms | p99 ms | errors | runs (req/s) |
|---|---:|---:|---:|---:|---:|---|
${targets.map((t) => row(t.name, runs.get(t.name) ?? [])).join('\n')}

**Ratio:** Testbridge (SQLite) / bare Hono = **${(rps('Testbridge, SQLite') / rps('bare Hono')).toFixed(2)}**; PostgreSQL / bare Hono = ${(rps('Testbridge, PostgreSQL') / rps('bare Hono')).toFixed(2)}.

Testbridge reads the raw body, opens the endpoint's sealed secret, checks \`X-Hub-Signature\` (HMAC-SHA256, constant time), parses the envelope, inserts the event once per delivery id and answers 202 after the commit; request id, access log, metrics. Bare Hono parses the body and answers 202.`,
    };
  } finally {
    for (const server of servers.reverse()) await server.stop().catch(() => undefined);
    await pg.cleanup().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}
