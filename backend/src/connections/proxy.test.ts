import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createSim, SEEDED } from '@testbridge/jira-sim';
import { Connection } from '@testbridge/shared/api/connections';
import { createProxy } from 'proxy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../testing/index.ts';

const portOf = (server: Server) => (server.address() as AddressInfo).port;

describe('a connection behind an HTTP proxy (real sockets)', () => {
  let sim: ReturnType<typeof createSim>;
  let simServer: Server;
  let proxyServer: ReturnType<typeof createProxy>;
  let t: Awaited<ReturnType<typeof createTestApp>>;
  const tunnels: string[] = [];

  beforeAll(async () => {
    simServer = serve({
      fetch: (request) => sim.app.fetch(request),
      port: 0,
      hostname: '127.0.0.1',
    }) as Server;
    await once(simServer, 'listening');
    sim = createSim({ baseUrl: `http://127.0.0.1:${portOf(simServer)}` });
    proxyServer = createProxy(createServer());
    proxyServer.authenticate = (req) => {
      tunnels.push(String(req.url));
      return (
        req.headers['proxy-authorization'] ===
        `Basic ${Buffer.from('corp:proxy-pass').toString('base64')}`
      );
    };
    proxyServer.listen(0, '127.0.0.1');
    await once(proxyServer, 'listening');
    // The real undici fetch (no injected fetch), so the proxy dispatcher is used for real.
    t = await createTestApp({
      env: { ALLOW_PRIVATE_JIRA_URLS: '1', ALLOW_PRIVATE_PROXY_URLS: '1' },
    });
  });
  afterAll(async () => {
    await t.cleanup();
    simServer.close();
    proxyServer.close();
  });

  it('sends every Jira call through the proxy with its credentials, which never show', async () => {
    const res = await t.app.request('/api/v1/connections', {
      method: 'POST',
      headers: t.asAdmin({ 'content-type': 'application/json' }),
      body: JSON.stringify({
        name: 'Behind the corporate proxy',
        jiraUrl: `${sim.baseUrl}/cloud/acme`,
        proxy: {
          url: `http://127.0.0.1:${portOf(proxyServer)}`,
          username: 'corp',
          password: 'proxy-pass',
        },
        auth: {
          type: 'cloud_api_token',
          email: 'alice@acme.test',
          apiToken: SEEDED.apiTokens.alice,
        },
      }),
    });
    const text = await res.text();
    expect(res.status, text).toBe(201);
    expect(text).not.toContain('proxy-pass');
    const connection = Connection.parse(JSON.parse(text));
    expect(connection.proxy).toEqual({
      url: `http://127.0.0.1:${portOf(proxyServer)}`,
      username: 'corp',
      hasPassword: true,
    });
    // serverInfo, myself and the diagnostics all went through the tunnel to the simulator.
    const viaProxy = sim.requests.list({ path: '/cloud/acme/*' }).length;
    expect(viaProxy).toBeGreaterThanOrEqual(4);
    expect(tunnels.length).toBeGreaterThan(0);
    expect(tunnels.every((target) => target.includes(`127.0.0.1:${portOf(simServer)}`))).toBe(true);
  });
});
