import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLOUD_USERS, SEEDED } from '@testbridge/jira-sim';
import { Connection } from '@testbridge/shared/api/connections';
import { AuthorizationFlow, OAuthConnectionCreated } from '@testbridge/shared/api/oauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
const ACME = 'e745c11f-8b46-4ed4-b3cb-313a679e1d9f';

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

/** Resolves with the output so far once `pattern` appears; rejects if the process ends first. */
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

function match(pattern: RegExp, text: string): string {
  const found = pattern.exec(text)?.[1];
  if (found === undefined) throw new Error(`${pattern} not found in:\n${text}`);
  return found;
}

describe('npm run demo', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'testbridge-demo-'));
  let child: ChildProcess;
  let exited: Promise<unknown[]>;
  let out = '';
  let backend = '';
  let simUrl = '';
  let headers: Record<string, string> = {};

  beforeAll(async () => {
    const [backendPort, simPort] = [await freePort(), await freePort()];
    backend = `http://127.0.0.1:${backendPort}`;
    simUrl = `http://localhost:${simPort}`;
    child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        DEMO_BACKEND_PORT: String(backendPort),
        SIM_PORT: String(simPort),
        DEMO_DATA_DIR: dataDir,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout?.on('data', (chunk) => {
      out += String(chunk);
    });
    exited = once(child, 'exit');
    const guide = await waitForOutput(child, /Ctrl-C stops both/, () => out);
    const adminKey = match(/admin key\s+(tb_[A-Za-z0-9_-]+)/, guide);
    headers = { Authorization: `Bearer ${adminKey}`, 'Content-Type': 'application/json' };
  }, 120_000);

  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('prints one URL to open and the admin key, and starts seeded: a connected site, a mapping, a run, CI builds', async () => {
    expect(out).toContain(`Open ${backend.replace('127.0.0.1', 'localhost')}/admin and sign in`);
    const get = async (path: string) => {
      const res = await fetch(`${backend}${path}`, { headers });
      expect(res.status, path).toBe(200);
      return JSON.stringify(await res.json());
    };
    const connections = await get('/api/v1/connections');
    expect(connections).toContain('"name":"Acme Cloud (demo)"');
    expect(connections).toContain('"status":"active"');
    expect(await get('/api/v1/mappings')).toContain('"key":"WEBAPP"');
    const runs = await get('/api/v1/test-runs?projectKey=WEBAPP');
    expect(runs).toContain('"name":"nightly"');
    expect(runs).toContain('"failed":1');
    const events = JSON.parse(await get('/api/v1/devops/events?kind=build')) as {
      items: unknown[];
    };
    expect(events.items).toHaveLength(3);
  }, 60_000);

  it('connects the simulated Cloud site with the seeded API token through the backend (201)', async () => {
    const res = await fetch(`${backend}/api/v1/connections`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        name: 'Acme via the demo',
        jiraUrl: `${simUrl}/cloud/acme`,
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
  }, 60_000);

  it('runs the Cloud 3LO wizard against the simulator: consent, callback code, completed grant', async () => {
    const created = await fetch(`${backend}/api/v1/connections/oauth`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        name: 'Acme 3LO via the demo',
        jiraUrl: `${simUrl}/cloud/acme`,
        auth: { type: 'cloud_oauth2', app: 'testbridge' },
      }),
    });
    expect(created.status).toBe(201);
    const { connection } = OAuthConnectionCreated.parse(await created.json());
    const started = await fetch(`${backend}/api/v1/connections/${connection.id}/authorizations`, {
      method: 'POST',
      headers,
    });
    const flow = AuthorizationFlow.parse(await started.json());
    expect(flow.authorizationUrl?.startsWith(`${simUrl}/auth/authorize?`)).toBe(true);

    // What a browser does: open the consent page, Accept on acme, follow the redirect.
    const consentPage = await (await fetch(flow.authorizationUrl ?? '')).text();
    const accepted = await fetch(`${simUrl}/auth/authorize`, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({
        request_id: match(/name="request_id" value="([^"]+)"/, consentPage),
        cloud_id: ACME,
        decision: 'accept',
      }),
    });
    const callback = accepted.headers.get('location') ?? '';
    expect(callback.startsWith(`http://localhost:${new URL(backend).port}/oauth/callback?`)).toBe(
      true,
    );
    const callbackPage = await (await fetch(callback)).text();
    const code = match(/<code[^>]*>([^<]+)<\/code>/, callbackPage);

    const completed = await fetch(
      `${backend}/api/v1/connections/${connection.id}/authorizations/${flow.flowId}/complete`,
      { method: 'POST', headers, body: JSON.stringify({ code }) },
    );
    expect(AuthorizationFlow.parse(await completed.json())).toMatchObject({
      status: 'completed',
      sites: [expect.objectContaining({ cloudId: ACME })],
    });
  }, 60_000);

  it('stops the backend and the simulator on SIGTERM with exit status 0', async () => {
    child.kill('SIGTERM');
    const [code] = await exited;
    expect(code).toBe(0);
    expect(out).toContain('demo: stopped');
  }, 60_000);
});
