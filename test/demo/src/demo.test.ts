import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLOUD_USERS, SEEDED } from '@testbridge/jira-sim';
import { Connection } from '@testbridge/shared/api/connections';
import { afterAll, describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Resolves with the text printed so far once `pattern` appears (or rejects when the process ends). */
function waitForOutput(
  child: ChildProcess,
  pattern: RegExp,
  output: () => string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (pattern.test(output())) {
        child.stdout?.off('data', check);
        resolve(output());
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) => reject(new Error(`demo exited (${code}):\n${output()}`)));
    check();
  });
}

describe('npm run demo', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'testbridge-demo-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('wires the backend to the simulator so a Cloud connection with the seeded API token is created, and stops cleanly', async () => {
    const [backendPort, simPort] = [await freePort(), await freePort()];
    const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        DEMO_BACKEND_PORT: String(backendPort),
        SIM_PORT: String(simPort),
        DEMO_DATA_DIR: dataDir,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout?.on('data', (chunk) => {
      out += String(chunk);
    });
    const exited = once(child, 'exit');
    try {
      const guide = await waitForOutput(child, /Ctrl-C stops both/, () => out);
      const adminKey = /admin key\s+(tb_[A-Za-z0-9_-]+)/.exec(guide)?.[1];
      expect(adminKey).toBeDefined();
      expect(guide).toContain(`http://localhost:${simPort}/auth/authorize?`);

      const res = await fetch(`http://127.0.0.1:${backendPort}/api/v1/connections`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${adminKey}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          name: 'Acme via the demo',
          jiraUrl: `http://localhost:${simPort}/cloud/acme`,
          auth: {
            type: 'cloud_api_token',
            email: CLOUD_USERS.alice.email,
            apiToken: SEEDED.apiTokens.alice,
          },
        }),
      });
      const body = await res.text();
      expect(res.status, body).toBe(201);
      expect(Connection.parse(JSON.parse(body))).toMatchObject({
        deployment: 'cloud',
        status: 'active',
        auth: { type: 'cloud_api_token', username: CLOUD_USERS.alice.email },
      });
    } finally {
      if (child.exitCode === null) child.kill('SIGTERM');
    }
    const [code] = await exited;
    expect(code).toBe(0);
    expect(out).toContain('demo: stopped');
  }, 180_000);
});
