import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import {
  createSim,
  createFixedClock as createSimClock,
  readSeededOAuth1PrivateKey,
  type Sim,
} from '@testbridge/jira-sim';
import { createProxy } from 'proxy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFixedClock, createTestApp } from '../testing/index.ts';
import {
  advance,
  complete,
  createOAuthConnection,
  followCallback,
  jiraMyself,
  lastError,
  type OAuthTestApp,
  START,
  startFlow,
} from './testing.ts';

const HOUR = 3_600_000;
const ACME = 'e745c11f-8b46-4ed4-b3cb-313a679e1d9f';
const portOf = (server: Server) => (server.address() as AddressInfo).port;

/**
 * Every OAuth request of a connection behind a corporate proxy (token exchange, accessible
 * resources, refresh, OAuth 1.0a request and access tokens, the REST calls) goes through it: real
 * sockets, the real undici fetch, an authenticating proxy that records what it forwarded.
 */
describe('OAuth connections behind an HTTP proxy (real sockets)', () => {
  let sim: Sim;
  let simServer: Server;
  let proxyServer: ReturnType<typeof createProxy>;
  let t: OAuthTestApp;
  // undici tunnels every proxied request with CONNECT, so the proxy sees hosts, not paths. Each
  // tunnel opens exactly one connection to the simulator, and nothing else connects to it (the
  // test drives the consent pages in-process): equal counts mean nothing went around the proxy.
  let tunnels = 0;
  let simConnections = 0;
  let proxy: { url: string; username: string; password: string };

  beforeAll(async () => {
    simServer = serve({
      fetch: (request) => sim.app.fetch(request),
      port: 0,
      hostname: '127.0.0.1',
    }) as Server;
    await once(simServer, 'listening');
    simServer.on('connection', () => {
      simConnections += 1;
    });
    const simUrl = `http://127.0.0.1:${portOf(simServer)}`;
    sim = createSim({ baseUrl: simUrl, clock: createSimClock(START) });
    sim.registerDcOAuthClient({
      clientId: 'tb-dc-client',
      clientSecret: 'tb-dc-secret',
      name: 'Testbridge',
      redirectUri: 'http://testbridge.test/oauth/callback',
      scope: 'ADMIN',
    });
    proxyServer = createProxy(createServer());
    proxyServer.authenticate = (req) => {
      const ok =
        req.headers['proxy-authorization'] ===
        `Basic ${Buffer.from('corp:proxy-pass').toString('base64')}`;
      if (ok && req.url === `127.0.0.1:${portOf(simServer)}`) tunnels += 1;
      return ok;
    };
    proxyServer.listen(0, '127.0.0.1');
    await once(proxyServer, 'listening');
    proxy = {
      url: `http://127.0.0.1:${portOf(proxyServer)}`,
      username: 'corp',
      password: 'proxy-pass',
    };
    // No injected fetch: the real undici fetch, so the proxy dispatcher is used for real.
    const app = await createTestApp({
      clock: createFixedClock(START),
      env: {
        ATLASSIAN_AUTH_URL: `${simUrl}/auth`,
        ATLASSIAN_API_URL: `${simUrl}/api`,
        ATLASSIAN_CLIENT_ID: 'sim-3lo-client',
        ATLASSIAN_CLIENT_SECRET: 'sim-3lo-secret',
        ALLOW_PRIVATE_JIRA_URLS: '1',
        ALLOW_PRIVATE_PROXY_URLS: '1',
        PUBLIC_URL: 'http://testbridge.test',
      },
    });
    t = { ...app, sim, responses: [] };
  });
  afterAll(async () => {
    await t.cleanup();
    simServer.close();
    proxyServer.close();
  });

  const served = (path: string, method = 'POST') => sim.requests.list({ path, method }).length;
  const expectAllProxied = () => {
    expect(simConnections).toBeGreaterThan(0);
    expect(tunnels).toBe(simConnections);
  };

  it('runs the Cloud 3LO exchange, site lookup, calls and refresh through the proxy', async () => {
    const { connection } = await createOAuthConnection(t, {
      name: 'Cloud behind a proxy',
      jiraUrl: `${sim.baseUrl}/cloud/acme`,
      proxy,
      auth: { type: 'cloud_oauth2', app: 'testbridge' },
    });
    const flow = await startFlow(t, connection.id);
    const page = await followCallback(
      t,
      sim.approveConsent(flow.authorizationUrl, { cloudId: ACME }).redirectUrl,
    );
    expect(page.status, `${page.html} ${lastError(t)}`).toBe(200);
    expect((await complete(t, connection.id, flow.flowId, { code: page.code })).status).toBe(200);
    expect(served('/auth/oauth/token')).toBe(1);
    expect(served('/api/oauth/token/accessible-resources', 'GET')).toBe(1);
    expect((await jiraMyself(t, connection.id)).status).toBe(200);
    expect(served(`/api/ex/jira/${ACME}/rest/api/3/myself`, 'GET')).toBeGreaterThanOrEqual(2);

    advance(t, 2 * HOUR);
    expect((await jiraMyself(t, connection.id)).status).toBe(200);
    expect(served('/auth/oauth/token')).toBe(2);
    expectAllProxied();
  });

  it('runs Data Center OAuth 2.0 and OAuth 1.0a through the proxy', async () => {
    const dc = await createOAuthConnection(t, {
      name: 'DC OAuth 2.0 behind a proxy',
      jiraUrl: `${sim.baseUrl}/dc/jira`,
      proxy,
      auth: { type: 'dc_oauth2', clientId: 'tb-dc-client', clientSecret: 'tb-dc-secret' },
    });
    const flow = await startFlow(t, dc.connection.id);
    const page = await followCallback(t, sim.approveDcConsent(flow.authorizationUrl).redirectUrl);
    expect(page.status, page.html).toBe(200);
    expect((await complete(t, dc.connection.id, flow.flowId, { code: page.code })).status).toBe(
      200,
    );
    expect(served('/dc/jira/rest/oauth2/latest/token')).toBe(1);

    const oauth1 = await createOAuthConnection(t, {
      name: 'OAuth 1.0a behind a proxy',
      jiraUrl: `${sim.baseUrl}/dc/jira`,
      proxy,
      auth: {
        type: 'oauth1',
        consumerKey: 'testbridge-oauth1',
        privateKey: readSeededOAuth1PrivateKey(),
      },
    });
    const started = await startFlow(t, oauth1.connection.id);
    expect(served('/dc/jira/plugins/servlet/oauth/request-token')).toBe(1);
    const token = new URL(started.authorizationUrl).searchParams.get('oauth_token') ?? '';
    const approved = await followCallback(t, sim.approveRequestToken(token).redirectUrl ?? '');
    expect(
      (await complete(t, oauth1.connection.id, started.flowId, { code: approved.code })).status,
    ).toBe(200);
    expect(served('/dc/jira/plugins/servlet/oauth/access-token')).toBe(1);
    expect((await jiraMyself(t, oauth1.connection.id)).status).toBe(200);
    expectAllProxied();
    expect(t.responses.join('\n')).not.toContain('proxy-pass');
  });
});
