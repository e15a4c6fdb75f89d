import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Problem } from '@testbridge/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../testing/index.ts';
import { diagnoseConnection } from './diagnostics.ts';
import type { ConnectionRow } from './repo.ts';

/**
 * A Jira whose certificate is self-signed, on a real TLS socket with the real undici fetch: the
 * admin is told what is wrong with the certificate and how to fix it, and nothing retries a
 * handshake that cannot succeed.
 */
describe('a Jira with an untrusted TLS certificate', () => {
  let dir: string;
  let server: Server;
  /** TCP connections, each one handshake attempt (a retry would open another). */
  let handshakes = 0;
  let requests = 0;
  let jiraUrl: string;
  let t: Awaited<ReturnType<typeof createTestApp>>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'testbridge-tls-'));
    execFileSync(
      'openssl',
      [
        ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2'],
        ...['-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'],
        ...['-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')],
      ],
      { stdio: 'ignore' },
    );
    server = createServer(
      { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
      (_req, res) => {
        requests += 1;
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ baseUrl: jiraUrl, version: '9.12.2', deploymentType: 'Server' }));
      },
    );
    server.on('connection', () => {
      handshakes += 1;
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    jiraUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // The real fetch: no simulator in between.
    t = await createTestApp({ env: { ALLOW_PRIVATE_JIRA_URLS: '1' } });
  });
  afterAll(async () => {
    await t.cleanup();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to save the connection, naming the certificate problem, after one handshake', async () => {
    const res = await t.app.request('/api/v1/connections', {
      method: 'POST',
      headers: t.asAdmin({ 'content-type': 'application/json' }),
      body: JSON.stringify({
        name: 'Self-signed Jira',
        jiraUrl,
        auth: { type: 'dc_pat', token: 'a-personal-access-token' },
      }),
    });
    expect(res.status).toBe(502);
    const problem = Problem.parse(await res.json());
    expect(problem.code).toBe('jira_unreachable');
    expect(problem.detail).toContain('self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT)');
    expect(problem.invalidFields?.[0]?.field).toBe('body.jiraUrl');
    expect(handshakes).toBe(1);
    expect(requests).toBe(0);
  });

  it('reports a failed tls check with the fix in the diagnostics', async () => {
    const row = { id: 'c-tls', jiraUrl, deployment: 'data_center' } as ConnectionRow;
    const diagnostics = await diagnoseConnection(t.deps, row, undefined, undefined);
    const byName = new Map(diagnostics.checks.map((check) => [check.name, check]));
    expect(byName.get('reachable')).toMatchObject({ result: 'fail' });
    expect(byName.get('tls')).toMatchObject({
      result: 'fail',
      detail: expect.stringContaining('self-signed'),
      hint: expect.stringContaining('NODE_EXTRA_CA_CERTS'),
    });
  });
});
