import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus } from 'node:os';

/** One measured load run. */
export interface LoadResult {
  requestsPerSecond: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  errors: number;
}

export const hasTaskset = spawnSync('taskset', ['--version']).status === 0;
const twoCores = cpus().length >= 2;

/** Pins a command to one CPU when possible, so server and load generator do not fight. */
export function pinned(cpu: number, command: string, args: string[]): [string, string[]] {
  return hasTaskset && twoCores
    ? ['taskset', ['-c', String(cpu), command, ...args]]
    : [command, args];
}

/** wrk from Debian; installed on first use when we are root and apt is there. */
export function ensureWrk(): void {
  if (spawnSync('wrk', ['--version']).error === undefined) return;
  process.stderr.write('[bench] wrk not found; installing it with apt-get\n');
  const install = spawnSync(
    'sh',
    ['-c', 'apt-get install -y wrk || (apt-get update && apt-get install -y wrk)'],
    {
      stdio: 'inherit',
    },
  );
  if (install.status !== 0) throw new Error('wrk is needed: apt-get install -y wrk');
}

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

export interface Server {
  url: string;
  /** The server's process (taskset execs it, so the same pid), for its CPU time. */
  pid?: number | undefined;
  stop(): Promise<void>;
}

/** CPU time (user + system) a process has used so far, in ms; Linux only, else NaN. */
export function cpuMillis(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}
/** USER_HZ: 100 on every Linux we run on. */
const CLOCK_TICKS = 100;

/**
 * Waits until these servers have settled (together under 30% of one CPU over a second; at most
 * `maxSeconds`), so one measurement does not pay for another's leftovers: a backend whose
 * forwarder is still delivering the last run's backlog to a simulator takes a whole CPU from the
 * next run. (Not "idle": after a load a backend's SQLite WAL checkpoints and polls go on at
 * 5-15% of a CPU for a while.) Resolves to the seconds waited.
 */
export async function settle(servers: readonly Server[], maxSeconds = 90): Promise<number> {
  const started = Date.now();
  const total = () => servers.reduce((sum, server) => sum + (cpuMillis(server.pid) || 0), 0);
  let before = total();
  while (Date.now() - started < maxSeconds * 1000) {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const now = total();
    if (now - before < 300) break;
    before = now;
  }
  return (Date.now() - started) / 1000;
}

/** Starts a server process on CPU 0 and waits until `ready` answers. */
export async function startServer(
  name: string,
  command: string,
  args: string[],
  env: Record<string, string>,
  readyPath = '/healthz',
): Promise<Server> {
  const port = await freePort();
  const [cmd, cmdArgs] = pinned(0, command, args);
  const child: ChildProcess = spawn(cmd, cmdArgs, {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`${name} exited: ${stderr}`);
    const ok = await fetch(`${url}${readyPath}`).then(
      (res) => res.ok,
      () => false,
    );
    if (ok) break;
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

function parseDuration(text: string): number {
  const match = /([\d.]+)(us|ms|s)/.exec(text);
  if (!match) return Number.NaN;
  const value = Number(match[1]);
  return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value;
}

/** Runs wrk (pinned to CPU 1) and parses its summary and latency distribution. */
export function runWrk(
  url: string,
  options: { seconds: number; connections: number; script?: string },
): LoadResult {
  const args = ['-t1', `-c${options.connections}`, `-d${options.seconds}s`, '--latency'];
  if (options.script) args.push('-s', options.script);
  const [cmd, cmdArgs] = pinned(1, 'wrk', [...args, url]);
  const result = spawnSync(cmd, cmdArgs, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`wrk failed: ${result.stderr}`);
  const out = result.stdout;
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const p50 = parseDuration(/\s50%\s+(\S+)/.exec(out)?.[1] ?? '');
  const p99 = parseDuration(/\s99%\s+(\S+)/.exec(out)?.[1] ?? '');
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(
    out,
  );
  const errors =
    non2xx + (socketErrors ? socketErrors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0);
  return { requestsPerSecond: rps, latencyP50Ms: p50, latencyP99Ms: p99, errors };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}
