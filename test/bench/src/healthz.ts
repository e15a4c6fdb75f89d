import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchContext, Section } from './context.ts';
import { backendArgs } from './devops/setup.ts';
import { type LoadResult, median, runWrk, type Server, startServer } from './harness.ts';

const CONNECTIONS = 50;
export const HEALTHZ_TITLE = '/healthz through the full middleware stack';

/**
 * `/healthz` through the full middleware stack (request id, access log, metrics, body limit,
 * problem+json handler) against a bare Hono app and bare node:http, alternated round by round.
 */
export async function benchHealthz(ctx: BenchContext): Promise<Section> {
  const dataDir = mkdtempSync(join(tmpdir(), 'testbridge-bench-'));
  const tsx = ['--import', 'tsx'];
  const targets: { name: string; start: () => Promise<Server> }[] = [
    {
      name: 'Testbridge (full stack, SQLite)',
      start: () =>
        startServer('backend', process.execPath, backendArgs(ctx), {
          DATA_DIR: dataDir,
          HOST: '127.0.0.1',
          TESTBRIDGE_ADMIN_KEY: `tb_${'b'.repeat(43)}`,
        }),
    },
    {
      name: 'bare Hono',
      start: () =>
        startServer(
          'hono',
          process.execPath,
          [...tsx, join(import.meta.dirname, 'servers/bare-hono.ts')],
          {},
        ),
    },
    {
      name: 'bare node:http',
      start: () =>
        startServer(
          'node',
          process.execPath,
          [...tsx, join(import.meta.dirname, 'servers/bare-node.ts')],
          {},
        ),
    },
  ];
  const results = new Map<string, LoadResult[]>(targets.map((t) => [t.name, []]));
  try {
    for (let round = 0; round < ctx.rounds; round++) {
      for (const target of targets) {
        const server = await target.start();
        try {
          runWrk(`${server.url}/healthz`, { seconds: 2, connections: CONNECTIONS }); // warm-up
          const result = runWrk(`${server.url}/healthz`, {
            seconds: ctx.seconds,
            connections: CONNECTIONS,
          });
          results.get(target.name)?.push(result);
          process.stderr.write(
            `[bench] healthz round ${round + 1} ${target.name}: ${result.requestsPerSecond.toFixed(0)} req/s\n`,
          );
        } finally {
          await server.stop();
        }
      }
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  const summary = targets.map((t) => {
    const runs = results.get(t.name) ?? [];
    return {
      name: t.name,
      rps: median(runs.map((r) => r.requestsPerSecond)),
      p50: median(runs.map((r) => r.latencyP50Ms)),
      p99: median(runs.map((r) => r.latencyP99Ms)),
      errors: runs.reduce((sum, r) => sum + r.errors, 0),
      all: runs.map((r) => r.requestsPerSecond.toFixed(0)).join(', '),
    };
  });
  const [full, hono, node] = summary;
  const ratio = (a?: { rps: number }, b?: { rps: number }) =>
    a && b ? (a.rps / b.rps).toFixed(2) : 'n/a';
  const rows = summary
    .map(
      (s) =>
        `| ${s.name} | ${s.rps.toFixed(0)} | ${s.p50.toFixed(2)} | ${s.p99.toFixed(2)} | ${s.errors} | ${s.all} |`,
    )
    .join('\n');
  return {
    title: HEALTHZ_TITLE,
    markdown: `wrk, 1 thread, ${CONNECTIONS} connections, ${ctx.seconds} s per run, ${ctx.rounds} rounds alternating the three servers (medians shown).

| server | req/s | p50 ms | p99 ms | errors | runs (req/s) |
|---|---:|---:|---:|---:|---|
${rows}

**Ratios:** full stack / bare Hono = **${ratio(full, hono)}**; full stack / bare node:http = **${ratio(full, node)}**; bare Hono / bare node:http = ${ratio(hono, node)}.

The full stack adds a request id, an access-log line per request (pino, JSON to stdout), Prometheus
counters and a latency histogram, the body-size limit and the problem+json error handler.`,
  };
}
