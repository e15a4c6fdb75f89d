import { describe, expect, it } from 'vitest';
import { SEEDED } from '../auth/seed-credentials.ts';
import { createSim } from '../index.ts';

const BASE = 'http://jira-sim.test';
const INFO = `${BASE}/cloud/acme/rest/api/3/serverInfo`;

describe('request log', () => {
  it('records every request with host-stripped URL, headers and body, but not /_sim calls', async () => {
    const sim = createSim({ baseUrl: BASE });
    await sim.fetch(`${INFO}?expand=x`, {
      headers: { Authorization: `Basic ${Buffer.from('a:b').toString('base64')}` },
    });
    await sim.fetch(`${BASE}/_sim/clock`);
    await sim.fetch('http://other-host.test/dc/jira/rest/api/2/serverInfo', {
      method: 'POST',
      body: 'hello',
    });
    const all = sim.requests.list();
    expect(all.map((r) => [r.method, r.url, r.status])).toEqual([
      ['GET', '/cloud/acme/rest/api/3/serverInfo?expand=x', 401],
      ['POST', '/dc/jira/rest/api/2/serverInfo', 404],
    ]);
    expect(all[0]?.headers.authorization).toMatch(/^Basic /);
    expect(all[1]).toMatchObject({
      host: 'other-host.test',
      body: 'hello',
      at: Date.parse('2026-03-02T09:00:00Z'),
    });
    expect(sim.requests.list({ path: '/dc/*' })).toHaveLength(1);
  });

  it('serves the log over HTTP with secrets redacted, filtered by path, and clears it', async () => {
    const sim = createSim({ baseUrl: BASE });
    await sim.fetch(`${BASE}/auth/oauth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: 'Bearer abc' },
      body: 'grant_type=client_credentials&client_secret=s3cret',
    });
    await sim.fetch(INFO);
    const res = await sim.fetch(`${BASE}/_sim/requests?path=/auth/oauth/token`);
    const { requests } = (await res.json()) as {
      requests: { headers: Record<string, string>; body: string }[];
    };
    expect(requests).toHaveLength(1);
    expect(requests[0]?.headers.authorization).toBe('Bearer [redacted]');
    expect(requests[0]?.body).toBe('grant_type=client_credentials&client_secret=%5Bredacted%5D');
    expect(sim.requests.list()[0]?.body).toContain('s3cret');
    expect((await sim.fetch(`${BASE}/_sim/requests`, { method: 'DELETE' })).status).toBe(204);
    expect(sim.requests.list()).toEqual([]);
  });
});

describe('fault injection', () => {
  it('answers 429 with Retry-After and Jira rate-limit headers for the next N matching requests', async () => {
    const sim = createSim({ baseUrl: BASE });
    sim.addFault({
      kind: 'rate-limit',
      path: '/cloud/*/rest/api/3/serverInfo',
      retryAfterSeconds: 30,
      times: 2,
    });
    const first = await sim.fetch(INFO);
    expect(first.status).toBe(429);
    expect(Object.fromEntries(first.headers)).toMatchObject({
      'retry-after': '30',
      'x-ratelimit-limit': '100',
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': '2026-03-02T09:00Z',
      'ratelimit-reason': 'jira-burst-based',
    });
    expect((await sim.fetch(INFO)).status).toBe(429);
    expect((await sim.fetch(INFO)).status).toBe(200);
    expect(sim.requests.list().map((r) => r.status)).toEqual([429, 429, 200]);
  });

  it('lets the first `after` matching requests through, then fails the next `times`', async () => {
    const sim = createSim({ baseUrl: BASE });
    const fault = sim.addFault({
      kind: 'status',
      status: 503,
      path: '/cloud/*',
      after: 1,
      times: 1,
    });
    await sim.fetch(`${BASE}/dc/jira/rest/api/2/serverInfo`);
    expect((await sim.fetch(INFO)).status).toBe(200);
    expect((await sim.fetch(INFO)).status).toBe(503);
    expect((await sim.fetch(INFO)).status).toBe(200);
    expect(fault.hits).toBe(1);
    expect(sim.faults.list()).toEqual([]);
  });

  it('answers a 5xx until cleared, and only for matching paths and methods', async () => {
    const sim = createSim({ baseUrl: BASE });
    const fault = sim.addFault({
      kind: 'status',
      status: 502,
      path: INFO.replace(BASE, ''),
      method: 'get',
    });
    expect((await sim.fetch(INFO)).status).toBe(502);
    expect((await sim.fetch(INFO)).status).toBe(502);
    expect((await sim.fetch(`${BASE}/cloud/acme/_edge/tenant_info`)).status).toBe(200);
    expect(sim.faults.remove(fault.id)).toBe(true);
    expect((await sim.fetch(INFO)).status).toBe(200);
  });

  it('drops the connection: fetch rejects with a TypeError like undici', async () => {
    const sim = createSim({ baseUrl: BASE });
    sim.addFault({ kind: 'drop', path: '/cloud/*', times: 1 });
    const error: unknown = await sim.fetch(INFO).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect(error).toMatchObject({ message: 'fetch failed', cause: { code: 'UND_ERR_SOCKET' } });
    expect(sim.requests.list()[0]?.status).toBeNull();
    expect((await sim.fetch(INFO)).status).toBe(200);
  });

  it('drops the answer after doing the work: the change is made, the client sees a dropped connection', async () => {
    const sim = createSim({ baseUrl: BASE });
    sim.addFault({ kind: 'drop-answer', path: '/_never', times: 1 });
    sim.addFault({ kind: 'drop-answer', path: '/cloud/*', times: 1 });
    const error: unknown = await sim.fetch(INFO).catch((e: unknown) => e);
    expect(error).toMatchObject({ message: 'fetch failed', cause: { code: 'UND_ERR_SOCKET' } });
    expect(sim.requests.list()[0]?.status).toBe(200);
    expect((await sim.fetch(INFO)).status).toBe(200);
  });

  it('takes everything down in an outage (connection refused) but keeps /_sim reachable', async () => {
    const sim = createSim({ baseUrl: BASE });
    const res = await sim.fetch(`${BASE}/_sim/faults`, {
      method: 'POST',
      body: JSON.stringify({ kind: 'outage' }),
    });
    expect(res.status).toBe(201);
    const error: unknown = await sim
      .fetch(`${BASE}/auth/oauth/token`, { method: 'POST' })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ message: 'fetch failed', cause: { code: 'ECONNREFUSED' } });
    expect((await sim.fetch(`${BASE}/_sim/faults`, { method: 'DELETE' })).status).toBe(204);
    expect((await sim.fetch(INFO)).status).toBe(200);
  });

  it('adds latency through the injected sleep, then answers normally', async () => {
    const slept: number[] = [];
    const sim = createSim({ baseUrl: BASE, sleep: async (ms) => void slept.push(ms) });
    sim.addFault({ kind: 'latency', latencyMs: 1500, times: 1 });
    expect((await sim.fetch(INFO)).status).toBe(200);
    expect(slept).toEqual([1500]);
  });

  it('rejects a malformed fault with 400', async () => {
    const sim = createSim({ baseUrl: BASE });
    const res = await sim.fetch(`${BASE}/_sim/faults`, {
      method: 'POST',
      body: JSON.stringify({ kind: 'meteor' }),
    });
    expect(res.status).toBe(400);
  });

  it('lets an aborted request reject with the abort reason', async () => {
    const sim = createSim({ baseUrl: BASE, sleep: () => new Promise(() => {}) });
    sim.addFault({ kind: 'latency', latencyMs: 60_000 });
    const controller = new AbortController();
    const pending = sim.fetch(`${BASE}/cloud/acme/rest/api/3/myself`, {
      headers: {
        Authorization: `Basic ${Buffer.from(`alice@acme.test:${SEEDED.apiTokens.alice}`).toString('base64')}`,
      },
      signal: controller.signal,
    });
    controller.abort(new Error('timeout'));
    await expect(pending).rejects.toThrow('timeout');
  });
});
