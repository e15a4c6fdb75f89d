import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createProxy } from 'proxy';
import type { Dispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createDispatcherPool,
  createJiraDispatcher,
  guardedLookup,
  guardProxyConnector,
} from './dispatcher.ts';

/** undici's Agent and ProxyAgent say so once `close()` was called (not in the Dispatcher type). */
const isClosed = (dispatcher: Dispatcher) => 'closed' in dispatcher && dispatcher.closed === true;

/** A local HTTP server that counts the TCP connections it accepted and those still open. */
async function countingServer(handler?: Parameters<typeof createServer>[1]) {
  const open = new Set<Socket>();
  let accepted = 0;
  const closedWaiters: (() => void)[] = [];
  const server: Server = createServer(
    handler ??
      ((_req, res) => {
        res.end('ok');
      }),
  );
  // Long keep-alive, so reuse never hangs on how fast a loaded machine runs the test.
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket: Socket) => {
    accepted++;
    open.add(socket);
    socket.on('close', () => {
      open.delete(socket);
      if (open.size === 0) for (const wake of closedWaiters.splice(0)) wake();
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    port,
    origin: `http://127.0.0.1:${port}`,
    accepted: () => accepted,
    open: () => open.size,
    /** Resolves once every accepted socket has closed (an event, not a timer). */
    allClosed: () =>
      open.size === 0 ? Promise.resolve() : new Promise<void>((wake) => closedWaiters.push(wake)),
  };
}

async function get(dispatcher: Dispatcher, origin: string, path = '/') {
  const res = await dispatcher.request({ origin, path, method: 'GET' });
  await res.body.text();
  return res.statusCode;
}

const refusalOf = (work: Promise<unknown>) =>
  work.then(
    () => 'allowed',
    (error: unknown) => String((error as Error & { code?: string }).code ?? error),
  );

describe('one pooled dispatcher per connection (real sockets)', () => {
  let site: Awaited<ReturnType<typeof countingServer>>;
  beforeAll(async () => {
    site = await countingServer();
  });
  afterAll(() => site.server.close());

  it('reuses its sockets for sequential calls and opens at most `connections` for concurrent ones', async () => {
    const pool = createDispatcherPool({ allowPrivate: true, connections: 3 });
    const before = site.accepted();
    for (let i = 0; i < 20; i++) {
      expect(
        await get(
          pool.get('c1', 'fp', () => undefined),
          site.origin,
        ),
      ).toBe(200);
    }
    // undici frees a socket a tick after the body ends, so back-to-back calls may take a second.
    expect(site.accepted() - before).toBeLessThanOrEqual(2);
    const codes = await Promise.all(
      Array.from({ length: 30 }, () =>
        get(
          pool.get('c1', 'fp', () => undefined),
          site.origin,
        ),
      ),
    );
    expect(codes.every((code) => code === 200)).toBe(true);
    expect(site.accepted() - before).toBeLessThanOrEqual(3);
    expect(pool.size).toBe(1);
    await pool.close();
    await site.allClosed();
  });

  it('hands out the same dispatcher while the settings stay, and reads the proxy only to build one', () => {
    const pool = createDispatcherPool({ allowPrivate: true });
    let built = 0;
    const proxy = () => {
      built++;
      return undefined;
    };
    const first = pool.get('c1', 'fp', proxy);
    expect(pool.get('c1', 'fp', proxy)).toBe(first);
    expect(pool.get('c2', 'fp', proxy)).not.toBe(first);
    expect(built).toBe(2);
    return pool.close();
  });

  it('closes the old dispatcher and its sockets when the URL or proxy changes', async () => {
    const pool = createDispatcherPool({ allowPrivate: true });
    const old = pool.get('c1', 'url-a', () => undefined);
    await get(old, site.origin);
    expect(site.open()).toBeGreaterThan(0);
    const fresh = pool.get('c1', 'url-b', () => undefined);
    expect(fresh).not.toBe(old);
    await site.allClosed();
    expect(isClosed(old)).toBe(true);
    expect(await get(fresh, site.origin)).toBe(200);
    expect(pool.size).toBe(1);
    await pool.close();
    await site.allClosed();
  });

  it('closes a released connection, and everything on close; then refuses', async () => {
    const pool = createDispatcherPool({ allowPrivate: true });
    const a = pool.get('a', 'fp', () => undefined);
    const b = pool.get('b', 'fp', () => undefined);
    await Promise.all([get(a, site.origin), get(b, site.origin)]);
    await pool.release('a');
    expect(isClosed(a)).toBe(true);
    expect(isClosed(b)).toBe(false);
    expect(pool.size).toBe(1);
    await pool.close();
    expect(isClosed(b)).toBe(true);
    expect(pool.size).toBe(0);
    await site.allClosed();
    expect(() => pool.get('c', 'fp', () => undefined)).toThrow(/closed/);
  });

  it('keeps the SSRF guard on pooled sockets: a name resolving to loopback is refused each time', async () => {
    const pool = createDispatcherPool({ allowPrivate: false, connections: 2 });
    const before = site.accepted();
    const url = `http://localhost:${site.port}`;
    for (let i = 0; i < 3; i++) {
      expect(
        await refusalOf(
          get(
            pool.get('c1', 'fp', () => undefined),
            url,
          ),
        ),
      ).toBe('EADDRNOTAVAIL');
    }
    expect(site.accepted()).toBe(before);
    await pool.close();
  });
});

describe('the proxy guard at connect time', () => {
  it('refuses a loopback proxy, by address or by name, unless private proxies are allowed', async () => {
    const proxy = createProxy(createServer());
    let tunnels = 0;
    proxy.on('connection', () => {
      tunnels++;
    });
    proxy.listen(0, '127.0.0.1');
    await once(proxy, 'listening');
    const port = (proxy.address() as AddressInfo).port;
    const site = await countingServer();
    try {
      for (const url of [`http://127.0.0.1:${port}`, `http://localhost:${port}`]) {
        const strict = createJiraDispatcher({ allowPrivate: true, proxy: { url } });
        expect(await refusalOf(get(strict, site.origin))).toBe('EADDRNOTAVAIL');
        await strict.close();
      }
      expect(tunnels).toBe(0);
      const allowed = createJiraDispatcher({
        allowPrivate: true,
        allowPrivateProxy: true,
        proxy: { url: `http://127.0.0.1:${port}` },
      });
      expect(await get(allowed, site.origin)).toBe(200);
      expect(tunnels).toBe(1);
      await allowed.close();
    } finally {
      proxy.close();
      site.server.close();
    }
  });

  it('never connects to a metadata or link-local proxy, even with private proxies allowed', () => {
    const attempted: string[] = [];
    const connector = guardProxyConnector(true, (options, callback) => {
      attempted.push(options.hostname);
      callback(new Error('stub'), null);
    });
    const errors: string[] = [];
    for (const hostname of ['169.254.169.254', '[fd00:ec2::254]', '[fe80::1]', '10.1.2.3']) {
      connector({ hostname, protocol: 'http:', port: '3128' }, (...[error]) => {
        const code = error && 'code' in error ? error.code : undefined;
        errors.push(`${hostname} ${code ?? error?.message}`);
      });
    }
    expect(errors).toEqual([
      '169.254.169.254 EADDRNOTAVAIL',
      '[fd00:ec2::254] EADDRNOTAVAIL',
      '[fe80::1] EADDRNOTAVAIL',
      '10.1.2.3 stub',
    ]);
    // Only the private address (allowed here) reached the real connector.
    expect(attempted).toEqual(['10.1.2.3']);
  });

  it('refuses, after DNS, a name that now resolves to a forbidden address (rebinding)', async () => {
    const lookup = guardedLookup(
      (address) => (address.startsWith('169.254.') ? `${address}, metadata` : undefined),
      (_host, _options, callback) => callback(null, [{ address: '169.254.169.254', family: 4 }]),
    );
    const error = await new Promise<NodeJS.ErrnoException | null>((resolve) =>
      lookup('proxy.corp.example', { all: true }, (e) => resolve(e)),
    );
    expect(error?.code).toBe('EADDRNOTAVAIL');
    expect(error?.message).toMatch(/169\.254\.169\.254/);
  });
});
