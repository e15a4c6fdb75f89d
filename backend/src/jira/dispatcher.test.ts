import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createSim, SEEDED } from '@testbridge/jira-sim';
import { createProxy } from 'proxy';
import { fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PlainSecret } from '../crypto/secret.ts';
import { createLogCapture } from '../testing/index.ts';
import { basicAuth } from './auth.ts';
import { createJiraDispatcher } from './dispatcher.ts';
import { JiraCallError } from './errors.ts';
import { callJira } from './http.ts';

const portOf = (server: Server) => (server.address() as AddressInfo).port;

describe('calls through a proxy (real sockets)', () => {
  let sim: ReturnType<typeof createSim>;
  let simServer: ReturnType<typeof serve>;
  let proxyServer: ReturnType<typeof createProxy>;
  let baseUrl = '';
  let proxyUrl = '';
  const proxied: string[] = [];
  const deps = {
    fetch: undiciFetch as unknown as typeof fetch,
    logger: createLogCapture().logger,
    sleep: async () => {},
  };

  beforeAll(async () => {
    simServer = serve({ fetch: (r) => sim.app.fetch(r), port: 0, hostname: '127.0.0.1' });
    await once(simServer, 'listening');
    baseUrl = `http://127.0.0.1:${portOf(simServer as Server)}`;
    sim = createSim({ baseUrl });
    proxyServer = createProxy(createServer());
    proxyServer.authenticate = (req) => {
      proxied.push(`${req.method} ${req.url}`);
      const expected = `Basic ${Buffer.from('px:px-pass').toString('base64')}`;
      return req.headers['proxy-authorization'] === expected;
    };
    proxyServer.listen(0, '127.0.0.1');
    await once(proxyServer, 'listening');
    proxyUrl = `http://127.0.0.1:${portOf(proxyServer)}`;
  });
  afterAll(() => {
    simServer.close();
    proxyServer.close();
  });

  const myself = (proxy: { url: string; username?: string; password?: string }) =>
    callJira(
      deps,
      {
        baseUrl: `${baseUrl}/cloud/acme`,
        auth: basicAuth('alice@acme.test', new PlainSecret(SEEDED.apiTokens.alice)),
        dispatcher: createJiraDispatcher({ allowPrivate: true, allowPrivateProxy: true, proxy }),
      },
      { path: '/rest/api/3/myself' },
      z.object({ emailAddress: z.string() }).loose(),
    );

  it('sends every call of the connection through its proxy, with the proxy credentials', async () => {
    const me = await myself({ url: proxyUrl, username: 'px', password: 'px-pass' });
    expect(me.emailAddress).toBe('alice@acme.test');
    expect(proxied.some((line) => line.includes(`127.0.0.1:${portOf(simServer as Server)}`))).toBe(
      true,
    );
  });

  it('fails clearly when the proxy refuses the credentials', async () => {
    const error = await myself({ url: proxyUrl, username: 'px', password: 'wrong' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(JiraCallError);
  });
});
