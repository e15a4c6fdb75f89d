import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { serve } from '@hono/node-server';
import { createSim, SEEDED } from '@testbridge/jira-sim';
import { Connection } from '@testbridge/shared/api/connections';
import type { Dispatcher } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../testing/index.ts';
import { dispatcherFor } from './endpoint.ts';
import { createConnectionRepo } from './repo.ts';

/** undici's Agent and ProxyAgent say so once `close()` was called (not in the Dispatcher type). */
const isClosed = (dispatcher: Dispatcher) => 'closed' in dispatcher && dispatcher.closed === true;

const json = { 'content-type': 'application/json' };
const LIMIT = 2;

describe('one pool of sockets per connection, through the tool API (real sockets)', () => {
  let sim: ReturnType<typeof createSim>;
  let simServer: Server;
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let tool: Record<string, string>;
  let accepted = 0;
  const open = new Set<Socket>();
  const onAllClosed: (() => void)[] = [];
  const allClosed = () =>
    open.size === 0 ? Promise.resolve() : new Promise<void>((wake) => onAllClosed.push(wake));

  beforeAll(async () => {
    simServer = serve({ fetch: (r) => sim.app.fetch(r), port: 0, hostname: '127.0.0.1' }) as Server;
    await once(simServer, 'listening');
    // Long keep-alive, so reuse does not depend on how fast a loaded machine runs the test.
    simServer.keepAliveTimeout = 60_000;
    simServer.on('connection', (socket: Socket) => {
      accepted++;
      open.add(socket);
      socket.on('close', () => {
        open.delete(socket);
        if (open.size === 0) for (const wake of onAllClosed.splice(0)) wake();
      });
    });
    sim = createSim({ baseUrl: `http://127.0.0.1:${(simServer.address() as AddressInfo).port}` });
    // No injected fetch: the real undici fetch, so the pooled dispatchers carry every call.
    t = await createTestApp({
      env: { ALLOW_PRIVATE_JIRA_URLS: '1', JIRA_MAX_SOCKETS_PER_SITE: String(LIMIT) },
    });
    const key = await t.app.request('/api/v1/api-keys', {
      method: 'POST',
      headers: t.asAdmin(json),
      body: JSON.stringify({ name: 'test tool', role: 'tool' }),
    });
    tool = { authorization: `Bearer ${((await key.json()) as { key: string }).key}`, ...json };
  });
  afterAll(async () => {
    await t.cleanup();
    simServer.close();
  });

  const connect = async (name: string) => {
    const res = await t.app.request('/api/v1/connections', {
      method: 'POST',
      headers: t.asAdmin(json),
      body: JSON.stringify({
        name,
        jiraUrl: `${sim.baseUrl}/cloud/acme`,
        auth: {
          type: 'cloud_api_token',
          email: 'alice@acme.test',
          apiToken: SEEDED.apiTokens.alice,
        },
      }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    return Connection.parse(await res.json());
  };
  const search = (id: string) =>
    t.app.request(`/api/v1/connections/${id}/jira/issues/search`, {
      method: 'POST',
      headers: tool,
      body: JSON.stringify({ jql: 'project = TB', limit: 5 }),
    });

  it('reuses the sockets of sequential and concurrent searches, never more than the limit', async () => {
    const startedWith = accepted;
    // serverInfo, myself, tenant_info and the diagnostics share the connection's sockets too.
    const connection = await connect('pooled');
    for (let i = 0; i < 10; i++) expect((await search(connection.id)).status).toBe(200);
    const concurrent = await Promise.all(Array.from({ length: 12 }, () => search(connection.id)));
    expect(concurrent.map((res) => res.status)).toEqual(Array(12).fill(200));
    expect(sim.requests.list({ path: '/cloud/acme/rest/api/3/search/jql' })).toHaveLength(22);
    // Without the pool every one of those calls opened a socket of its own.
    expect(accepted - startedWith).toBeLessThanOrEqual(LIMIT);
    expect(open.size).toBeLessThanOrEqual(LIMIT);
  });

  it('closes the sockets of a deleted connection', async () => {
    const connection = await connect('to delete');
    expect((await search(connection.id)).status).toBe(200);
    expect(open.size).toBeGreaterThan(0);
    expect(t.deps.dispatchers.size).toBe(2);
    for (const { id } of await t.deps.store.db.select().from(t.deps.store.tables.connections)) {
      const res = await t.app.request(`/api/v1/connections/${id}`, {
        method: 'DELETE',
        headers: t.asAdmin(),
      });
      expect(res.status).toBe(204);
    }
    expect(t.deps.dispatchers.size).toBe(0);
    // Resolves when the simulator has seen every socket close (kept alive 60 s otherwise).
    await allClosed();
    expect(open.size).toBe(0);
  });
});

describe('dispatcherFor', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  beforeAll(async () => {
    const sim = createSim({ baseUrl: 'http://jira-sim.test' });
    t = await createTestApp({
      fetch: sim.fetch as typeof fetch,
      env: { ALLOW_PRIVATE_JIRA_URLS: '1', ALLOW_PRIVATE_PROXY_URLS: '1' },
    });
    const res = await t.app.request('/api/v1/connections', {
      method: 'POST',
      headers: t.asAdmin(json),
      body: JSON.stringify({
        name: 'acme',
        jiraUrl: `${sim.baseUrl}/cloud/acme`,
        auth: {
          type: 'cloud_api_token',
          email: 'alice@acme.test',
          apiToken: SEEDED.apiTokens.alice,
        },
      }),
    });
    expect(res.status).toBe(201);
  });
  afterAll(() => t.cleanup());

  it('keeps one dispatcher per connection and replaces (closes) it when the URL or proxy changes', async () => {
    const [row] = await createConnectionRepo(t.deps.store.tables).list(t.deps.store.db);
    if (!row) throw new Error('no connection');
    const first = dispatcherFor(t.deps, row);
    expect(dispatcherFor(t.deps, { ...row })).toBe(first);
    const moved = dispatcherFor(t.deps, { ...row, jiraUrl: 'http://jira-sim.test/cloud/beta' });
    expect(moved).not.toBe(first);
    expect(isClosed(first)).toBe(true);
    const proxied = dispatcherFor(t.deps, {
      ...row,
      jiraUrl: 'http://jira-sim.test/cloud/beta',
      proxyUrl: 'http://127.0.0.1:3128',
    });
    expect(proxied).not.toBe(moved);
    expect(isClosed(moved)).toBe(true);
    expect(isClosed(proxied)).toBe(false);
  });
});
