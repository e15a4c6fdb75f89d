import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { SEEDED } from '@testbridge/jira-sim';
import type { BenchContext } from '../context.ts';
import { freePort, type Server, startServer } from '../harness.ts';

export const BENCH_ADMIN_KEY = `tb_${'d'.repeat(43)}`;

/** The Jira simulator as its own process (unpinned), for the backend under test to call. */
export async function startSimServer(ctx: BenchContext): Promise<Server> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', join(ctx.repoRoot, 'test/jira-sim/src/main.ts')],
    {
      env: { ...process.env, SIM_PORT: String(port), SIM_BASE_URL: `http://127.0.0.1:${port}` },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error('jira-sim exited');
    if (
      await fetch(`${url}/`).then(
        (res) => res.ok,
        () => false,
      )
    )
      break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    pid: child.pid,
    stop: async () => {
      child.kill('SIGTERM');
      if (child.exitCode === null) await once(child, 'exit');
    },
  };
}

/**
 * How `npm start` runs the backend: `backend/start.mjs` builds `src/main.ts` into JavaScript and
 * runs it (no tsx), so the figures are those of the command people run.
 */
export const backendArgs = (ctx: BenchContext) => [join(ctx.repoRoot, 'backend/start.mjs')];

/** The backend (full stack, as `npm start` runs it) pinned to CPU 0, wired to the simulator. */
export function startBackend(
  ctx: BenchContext,
  sim: Server,
  env: Record<string, string>,
): Promise<Server> {
  return startServer('backend', process.execPath, backendArgs(ctx), {
    HOST: '127.0.0.1',
    TESTBRIDGE_ADMIN_KEY: BENCH_ADMIN_KEY,
    ATLASSIAN_AUTH_URL: `${sim.url}/auth`,
    ATLASSIAN_API_URL: `${sim.url}/api`,
    ALLOW_PRIVATE_JIRA_URLS: '1',
    ...env,
  });
}

/** The string fields of a JSON answer (the bench has no zod; these are our own test answers). */
async function ok(res: Response, what: string): Promise<Record<string, string>> {
  if (!res.ok) throw new Error(`${what}: ${res.status} ${await res.text()}`);
  const body: unknown = await res.json();
  const fields: Record<string, string> = {};
  if (typeof body === 'object' && body !== null) {
    for (const [key, value] of Object.entries(body))
      if (typeof value === 'string') fields[key] = value;
  }
  return fields;
}

/**
 * A DevOps site for the simulator's acme site, CI credentials and a CI token. Unless `prompt`,
 * Jira then answers 503 with `Retry-After: 3600`, so the forwarder holds off and ingestion has
 * the CPU to itself; `prompt` leaves the simulator answering (for the verdict wait).
 */
export async function prepareDevopsSite(backend: Server, sim: Server, prompt = false) {
  const admin = { authorization: `Bearer ${BENCH_ADMIN_KEY}`, 'content-type': 'application/json' };
  const site = await ok(
    await fetch(`${backend.url}/api/v1/devops/sites`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({
        name: 'bench',
        siteUrl: `${sim.url}/cloud/acme`,
        clientId: SEEDED.devopsClients.acme.clientId,
        clientSecret: SEEDED.devopsClients.acme.clientSecret,
      }),
    }),
    'create site',
  );
  const ci = await ok(
    await fetch(`${backend.url}/api/v1/devops/sites/${site.id}/credentials`, {
      method: 'POST',
      headers: admin,
      body: JSON.stringify({ name: 'wrk' }),
    }),
    'issue credentials',
  );
  const { access_token: token } = await ok(
    await fetch(`${backend.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: ci.clientId ?? '',
        client_secret: ci.clientSecret ?? '',
      }).toString(),
    }),
    'token',
  );
  if (!prompt) {
    await ok(
      await fetch(`${sim.url}/_sim/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          kind: 'status',
          status: 503,
          retryAfterSeconds: 3600,
          path: '/api/jira/*',
        }),
      }),
      'fault',
    );
  }
  if (!site.cloudId || !token) throw new Error('no cloudId or token');
  return { cloudId: site.cloudId, token };
}
