import { createSim, createFixedClock as createSimClock } from '@testbridge/jira-sim';
import { Problem } from '@testbridge/shared';
import { Connection, ConnectionEventPage } from '@testbridge/shared/api/connections';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { createDeps } from '../deps.ts';
import { createMetrics } from '../http/metrics.ts';
import { createLogCapture } from '../testing/index.ts';
import {
  advance,
  authorizeCloud,
  connectCloud,
  createOAuthTestApp,
  jiraMyself,
  json,
  lastError,
  type OAuthTestApp,
  START,
} from './testing.ts';

const HOUR = 3_600_000;
const ALICE = '43ab05deabe6257553edec3f';

const refreshRequests = (t: OAuthTestApp) =>
  t.sim.requests
    .list({ path: '/auth/oauth/token', method: 'POST' })
    .filter((request) => (request.status ?? 0) < 500);

async function getConnection(t: OAuthTestApp, id: string) {
  const res = await t.app.request(`/api/v1/connections/${id}`, { headers: t.asAdmin() });
  return Connection.parse(await res.json());
}

async function historyTypes(t: OAuthTestApp, id: string) {
  const res = await t.app.request(`/api/v1/connections/${id}/history`, { headers: t.asAdmin() });
  return ConnectionEventPage.parse(await res.json())
    .items.map((event) => event.type)
    .filter((type) => type !== 'diagnostics_run');
}

describe('refresh that never loses a grant', () => {
  let t: OAuthTestApp;
  beforeAll(async () => {
    t = await createOAuthTestApp();
    // Any reuse of a rotated refresh token would now revoke the whole family at once.
    t.sim.settings.refreshReuseLeewayMs = 0;
  });
  afterAll(() => t.cleanup());

  it('makes exactly one token request for 200 concurrent calls on an expired grant', async () => {
    const connection = await connectCloud(t, 'Concurrent');
    advance(t, 2 * HOUR);
    t.sim.requests.clear();
    const answers = await Promise.all(
      Array.from({ length: 200 }, () => jiraMyself(t, connection.id)),
    );
    expect(answers.map((res) => res.status)).toEqual(Array(200).fill(200));
    expect(refreshRequests(t)).toHaveLength(1);
    // The family is intact: the rotated refresh token still works an hour later.
    advance(t, 2 * HOUR);
    expect((await jiraMyself(t, connection.id)).status).toBe(200);
    expect(refreshRequests(t)).toHaveLength(2);
    expect(await historyTypes(t, connection.id)).toEqual([
      'refreshed',
      'refreshed',
      'authorized',
      'created',
    ]);
    expect(t.logs.text()).not.toMatch(/sim_at_|sim_rt_/);
  });

  it('moves a revoked grant to needs_reauthorization with Jira’s text, and back after re-consent', async () => {
    const connection = await connectCloud(t, 'Revoked');
    t.sim.revoke({ userId: ALICE });
    const refused = await jiraMyself(t, connection.id);
    expect(refused.status).toBe(409);
    const problem = Problem.parse(await refused.json());
    expect(problem.code).toBe('needs_reauthorization');
    expect(problem.detail).toContain('invalid_grant');

    const broken = await getConnection(t, connection.id);
    expect(broken.status).toBe('needs_reauthorization');
    expect(broken.statusReason).toContain('Unknown or invalid refresh token.');
    const again = await jiraMyself(t, connection.id);
    expect(Problem.parse(await again.json()).code, lastError(t)).toBe('needs_reauthorization');

    await authorizeCloud(t, connection.id, 'e745c11f-8b46-4ed4-b3cb-313a679e1d9f');
    const restored = await getConnection(t, connection.id);
    expect(restored).toMatchObject({ id: connection.id, status: 'active', statusReason: null });
    expect((await jiraMyself(t, connection.id)).status).toBe(200);
    expect((await historyTypes(t, connection.id)).slice(0, 3)).toEqual([
      're_authorized',
      'needs_reauthorization',
      'refresh_failed',
    ]);
  });
});

describe('a refresh on SQLite holds no write transaction across the token request', () => {
  // The simulator's latency fault waits on this gate, so the token request stays open on cue.
  let entered: () => void = () => {};
  let release: () => void = () => {};
  const inTokenRequest = new Promise<void>((resolve) => {
    entered = resolve;
  });
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  let t: OAuthTestApp;
  beforeAll(async () => {
    const sim = createSim({
      baseUrl: 'http://jira-sim.test',
      clock: createSimClock(START),
      sleep: () => {
        entered();
        return gate;
      },
    });
    t = await createOAuthTestApp({ store: 'sqlite', sim });
  });
  afterAll(() => t.cleanup());

  it('lets other writes commit while Atlassian is slow to answer', async () => {
    const connection = await connectCloud(t, 'Slow token endpoint');
    advance(t, 2 * HOUR);
    t.sim.addFault({ kind: 'latency', path: '/auth/oauth/token', method: 'POST', latencyMs: 1 });
    const call = jiraMyself(t, connection.id);
    await inTokenRequest;
    // Any write: an API key. With the writer held by the refresh it could only finish after it.
    const write = Promise.resolve(
      t.app.request('/api/v1/api-keys', {
        method: 'POST',
        headers: t.asAdmin(json),
        body: JSON.stringify({ name: 'written during a refresh', role: 'tool' }),
      }),
    ).then((res) => res.status);
    // The token endpoint is released only after the write: were the writer held across the
    // token request, the write could never finish and the test would time out.
    const status = await write;
    release();
    expect(status).toBe(201);
    expect((await call).status).toBe(200);
    expect(await historyTypes(t, connection.id)).toContain('refreshed');
  });
});

describe('refresh across replicas on PostgreSQL', () => {
  let t: OAuthTestApp;
  let replica: ReturnType<typeof createApp>;
  let closeReplica: () => Promise<void>;
  beforeAll(async () => {
    t = await createOAuthTestApp({ store: 'postgres' });
    t.sim.settings.refreshReuseLeewayMs = 0;
    const deps = await createDeps(t.deps.config, {
      logger: createLogCapture().logger,
      clock: t.clock,
      store: t.storeOptions,
      fetch: t.sim.fetch as typeof fetch,
      metrics: createMetrics({ defaultMetrics: false }),
      sleep: async (ms: number) => t.clock.advance(ms),
    });
    replica = createApp(deps);
    closeReplica = () => deps.store.close();
  });
  afterAll(async () => {
    await closeReplica();
    await t.cleanup();
  });

  it('lets one replica refresh while the other waits on the row lock and uses the new token', async () => {
    const connection = await connectCloud(t, 'Replicated');
    advance(t, 2 * HOUR);
    t.sim.requests.clear();
    // A slow token endpoint keeps the first refresh open while the other replica arrives.
    t.sim.addFault({
      kind: 'latency',
      path: '/auth/oauth/token',
      method: 'POST',
      latencyMs: 300,
      times: 1,
    });
    const path = `/api/v1/connections/${connection.id}/jira-myself`;
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        (i % 2 === 0 ? t.app : replica).request(path, { headers: t.asAdmin() }),
      ),
    );
    expect(answers.map((res) => res.status)).toEqual(Array(40).fill(200));
    expect(refreshRequests(t)).toHaveLength(1);
  });
});
