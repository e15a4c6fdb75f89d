import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

const backendDir = join(dirname(fileURLToPath(import.meta.url)), '..');

interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

const running = new Set<ChildProcess>();

function start(env: Record<string, string>, args: string[] = []): Running {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
    cwd: backendDir,
    env: { PATH: process.env.PATH ?? '', HOST: '127.0.0.1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk) => {
    out += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    err += String(chunk);
  });
  running.add(child);
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      running.delete(child);
      resolve(code);
    }),
  );
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function listeningPort(running: Running): Promise<number> {
  // Up to 60 s: a loaded CI machine may take long to start tsx (bounded, not a timing claim).
  for (let i = 0; i < 1200; i++) {
    const match = /"port":(\d+).*"msg":"testbridge listening"/.exec(running.stdout());
    if (match) return Number(match[1]);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the backend did not start:\n${running.stdout()}\n${running.stderr()}`);
}

// Starting real processes on a busy 2-core machine can take long: generous, never a timing claim.
describe('the backend process', { timeout: 120_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'testbridge-main-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  // A failed assertion must not leave a backend running after the suite.
  afterEach(() => {
    for (const child of running) child.kill('SIGKILL');
  });

  it('reports every bad variable by name and exits non-zero', async () => {
    const running = start({ PORT: 'abc', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
    expect(await running.exited).toBe(2);
    for (const name of ['PORT', 'DATABASE_URL', 'LOG_LEVEL']) {
      expect(running.stderr()).toContain(name);
    }
  });

  it('starts on SQLite, prints a bootstrap admin key once, and stops cleanly on SIGTERM', async () => {
    const first = start({ PORT: '0', DATA_DIR: dataDir });
    const port = await listeningPort(first);
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const doc = (await (await fetch(`${base}/openapi.json`)).json()) as { openapi: string };
    expect(doc.openapi).toBe('3.1.0');

    const key = /Bootstrap admin API key[^\n]*\n\n\s+(tb_\S+)/.exec(first.stdout())?.[1];
    expect(key).toBeDefined();
    const who = await fetch(`${base}/api/v1/whoami`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(await who.json()).toMatchObject({ role: 'admin' });
    // Outside the one banner, the key appears in no log line.
    const logLines = first
      .stdout()
      .split('\n')
      .filter((line) => line.startsWith('{'));
    expect(logLines.some((line) => line.includes(String(key)))).toBe(false);
    expect(statSync(join(dataDir, 'master.key')).mode & 0o777).toBe(0o600);
    expect(first.stdout()).toContain('TESTBRIDGE_MASTER_KEY is not set');

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    expect(first.stdout()).toContain('"msg":"stopped"');

    const second = start({ PORT: '0', DATA_DIR: dataDir });
    await listeningPort(second);
    expect(second.stdout()).not.toContain('Bootstrap admin API key');
    expect(second.stdout()).not.toContain('TESTBRIDGE_MASTER_KEY is not set');
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });

  it('rotates the master key file and re-seals while keeping the old key readable', async () => {
    const before = readFileSync(join(dataDir, 'master.key'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    const rotate = start({ DATA_DIR: dataDir, LOG_LEVEL: 'silent' }, ['reseal', '--rotate']);
    expect(await rotate.exited).toBe(0);
    expect(rotate.stdout()).toMatch(/new primary master key \S+ written/);
    expect(JSON.parse(rotate.stdout().trim().split('\n').at(-1) ?? '')).toEqual({
      resealed: 0,
      changedMeanwhile: 0,
      failed: [],
    });
    const after = readFileSync(join(dataDir, 'master.key'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    expect(after).toHaveLength(before.length + 1);
    expect(after.slice(1)).toEqual(before);
    expect(statSync(join(dataDir, 'master.key')).mode & 0o777).toBe(0o600);
  });
});
