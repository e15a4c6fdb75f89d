/**
 * The CLI as a pipeline runs it: the bundle built once, run as a child process with only the
 * environment a test gives it, against the whole backend on a real loopback port (wired to the
 * Jira simulator, with an acme DevOps site, CI credentials, a Jira connection and a mapped
 * project). A thin front door in the test records what arrives and can answer 429/5xx first.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ServerType, serve } from '@hono/node-server';
import { createResultsTestbed } from '@testbridge/backend/results/testing';

const cliDir = fileURLToPath(new URL('../../', import.meta.url));
export const BUNDLE = join(cliDir, 'dist', 'testbridge.mjs');

/** Builds `dist/testbridge.mjs` from the sources (what `npm pack` ships). */
export function buildBundle(): void {
  execFileSync(process.execPath, [join(cliDir, 'build.mjs')], { stdio: 'inherit' });
}

export interface FrontDoorFault {
  method: string;
  path: RegExp;
  status: number;
  retryAfter?: string;
  /** How many matching requests get the fault; then they pass. */
  times: number;
}

export interface SeenRequest {
  method: string;
  path: string;
  at: number;
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Both streams, for scanning. */
  all: string;
}

type ResultsTestbed = Awaited<ReturnType<typeof createResultsTestbed>>;

export interface CliTestbed {
  t: ResultsTestbed['t'];
  sim: ResultsTestbed['sim'];
  ci: ResultsTestbed['ci'];
  drain: ResultsTestbed['drain'];
  advance: ResultsTestbed['advance'];
  /** The backend's real address. */
  url: string;
  /** A scratch directory, the child's HOME and default cwd. */
  home: string;
  /** Answers the front door gives before the backend sees the request. */
  faults: FrontDoorFault[];
  seen: SeenRequest[];
  run(args: string[], env?: Record<string, string>, cwd?: string): Promise<CliRun>;
  close(): Promise<void>;
}

export async function startCliTestbed(): Promise<CliTestbed> {
  const bed = await createResultsTestbed('sqlite', { DEVOPS_VERDICT_WAIT_MS: '5000' });
  const faults: FrontDoorFault[] = [];
  const seen: SeenRequest[] = [];
  let server: ServerType | undefined;
  const port = await new Promise<number>((resolve) => {
    server = serve(
      {
        port: 0,
        hostname: '127.0.0.1',
        fetch: (request: Request) => {
          const url = new URL(request.url);
          seen.push({ method: request.method, path: url.pathname, at: performance.now() });
          const fault = faults.find(
            (f) => f.times > 0 && f.method === request.method && f.path.test(url.pathname),
          );
          if (fault) {
            fault.times--;
            const headers: Record<string, string> = { 'content-type': 'application/problem+json' };
            if (fault.retryAfter !== undefined) headers['retry-after'] = fault.retryAfter;
            const body = {
              type: 'about:blank',
              title: 'Busy',
              status: fault.status,
              detail: 'injected by the test',
              code: fault.status === 429 ? 'rate_limited' : 'store_unavailable',
            };
            return new Response(JSON.stringify(body), { status: fault.status, headers });
          }
          return bed.t.app.fetch(request);
        },
      },
      (info: AddressInfo) => resolve(info.port),
    );
  });
  const url = `http://127.0.0.1:${port}`;
  const home = mkdtempSync(join(tmpdir(), 'testbridge-cli-'));

  /** Runs `testbridge …` with `env` only (plus PATH, and the CI credentials unless given). */
  function run(args: string[], env: Record<string, string> = {}, cwd = home): Promise<CliRun> {
    const childEnv: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      HOME: home,
      TESTBRIDGE_URL: url,
      TESTBRIDGE_CLIENT_ID: bed.ci.clientId,
      TESTBRIDGE_CLIENT_SECRET: bed.ci.clientSecret,
      TESTBRIDGE_RETRY_BASE_MS: '20',
      TESTBRIDGE_POLL_INTERVAL_MS: '50',
      ...env,
    };
    return new Promise((resolve) => {
      execFile(
        process.execPath,
        [BUNDLE, ...args],
        { env: childEnv, cwd, timeout: 60_000 },
        (error, stdout, stderr) => {
          const code = error && typeof error.code === 'number' ? error.code : error ? null : 0;
          resolve({ code, stdout, stderr, all: `${stdout}\n${stderr}` });
        },
      );
    });
  }

  return {
    t: bed.t,
    sim: bed.sim,
    ci: bed.ci,
    drain: bed.drain,
    advance: bed.advance,
    url,
    home,
    faults,
    seen,
    run,
    async close() {
      await new Promise<void>((resolve) => {
        if (!server) return resolve();
        if ('closeAllConnections' in server) server.closeAllConnections();
        server.close(() => resolve());
      });
      await bed.t.cleanup();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** A loopback port nobody listens on (bound, then closed). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** A git repository with one commit per message (oldest first); answers the shas. */
export function createGitRepo(dir: string, messages: string[]): string[] {
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=CI', '-c', 'user.email=ci@example.test', ...args], {
      cwd: dir,
      encoding: 'utf8',
    }).trim();
  git('init', '-q', '-b', 'main');
  return messages.map((message, i) => {
    git('commit', '-q', '--allow-empty', '-m', message);
    return git('rev-parse', 'HEAD') || String(i);
  });
}
