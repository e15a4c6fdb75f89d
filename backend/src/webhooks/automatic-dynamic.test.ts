import {
  type CloudSite,
  createSim,
  createFixedClock as createSimClock,
  updateIssue,
} from '@testbridge/jira-sim';
import { Mapping } from '@testbridge/shared/api/mappings';
import { WebhookSetup } from '@testbridge/shared/api/webhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDeps, createDeps, type Deps } from '../deps.ts';
import { createMetrics } from '../http/metrics.ts';
import {
  advance,
  complete,
  createOAuthConnection,
  createOAuthTestApp,
  followCallback,
  json,
  type OAuthTestApp,
  START,
  startFlow,
} from '../oauth/testing.ts';
import { createFixedClock, createLogCapture } from '../testing/index.ts';
import { DYNAMIC_EVENTS } from './automatic.ts';
import { drainJiraEvents } from './process.ts';
import { REFRESH_AHEAD_MS, refreshDynamicWebhooks } from './refresh.ts';

const DAY = 24 * 3_600_000;
const ACME = 'e745c11f-8b46-4ed4-b3cb-313a679e1d9f';

describe('automatic mode on Cloud OAuth 2.0: a dynamic webhook, refreshed once across two backends on one PostgreSQL', () => {
  let t: OAuthTestApp;
  let second: Deps;
  let connectionId: string;
  let mapping: Mapping;
  const acme = () => t.sim.world.sites.get('acme') as CloudSite;
  const authorize = async (query: string) => {
    const flow = await startFlow(t, connectionId, t.asAdmin(), query);
    const consent = t.sim.approveConsent(flow.authorizationUrl, { cloudId: ACME });
    const page = await followCallback(t, consent.redirectUrl);
    const res = await complete(t, connectionId, flow.flowId, { code: page.code, cloudId: ACME });
    expect(res.status, await res.clone().text()).toBe(200);
    return flow;
  };
  const refreshCalls = () =>
    t.sim.requests.list().filter((r) => r.path.endsWith('/rest/api/3/webhook/refresh')).length;

  beforeAll(async () => {
    let deliver: typeof fetch = async () => {
      throw new TypeError('fetch failed');
    };
    const sim = createSim({
      baseUrl: 'http://jira-sim.test',
      clock: createSimClock(START),
      fetch: (input, init) => deliver(input, init),
    });
    t = await createOAuthTestApp({ store: 'postgres', sim });
    deliver = async (input, init) => t.app.request(input, init);
    // A second replica: its own deps (pool, clock) on the same PostgreSQL database.
    const secondClock = createFixedClock(START);
    second = await createDeps(t.deps.config, {
      store: t.storeOptions,
      clock: { now: () => t.clock.now() },
      fetch: t.deps.fetch,
      logger: createLogCapture().logger,
      metrics: createMetrics({ defaultMetrics: false }),
      sleep: async (ms) => secondClock.advance(ms),
    });
    const { connection } = await createOAuthConnection(t, {
      name: 'acme cloud',
      jiraUrl: `${t.sim.baseUrl}/cloud/acme`,
      auth: { type: 'cloud_oauth2', app: 'testbridge' },
    });
    connectionId = connection.id;
  });
  afterAll(async () => {
    await closeDeps(second);
    await t.cleanup();
  });

  it('without manage:jira-webhook in the consent, the mapping is kept in manual mode with the reason', async () => {
    const flow = await authorize('');
    expect(new URL(flow.authorizationUrl).searchParams.get('scope')).not.toContain(
      'manage:jira-webhook',
    );
    const res = await t.app.request('/api/v1/mappings', {
      method: 'POST',
      headers: t.asAdmin(json),
      body: JSON.stringify({
        toolProject: { key: 'CLOUD', name: 'Cloud tests' },
        connectionId,
        jiraProjectKey: 'TB',
        webhookMode: 'automatic',
      }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    mapping = Mapping.parse(await res.json());
    expect(mapping.webhookMode).toBe('manual');
    expect(mapping.webhookSetup?.reason).toContain('manage:jira-webhook');
    expect(t.sim.webhooks.dynamic()).toEqual([]);
  });

  it('authorized again for automatic webhooks, the dynamic webhook is registered (issue events, JQL of the mapped project) and delivers', async () => {
    const flow = await authorize('?webhooks=automatic');
    expect(new URL(flow.authorizationUrl).searchParams.get('scope')).toContain(
      'manage:jira-webhook',
    );
    const res = await t.app.request(`/api/v1/mappings/${mapping.id}/webhook/automatic`, {
      method: 'POST',
      headers: t.asAdmin(),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const setup = WebhookSetup.parse(await res.json());
    expect(setup).toMatchObject({ mode: 'automatic', kind: 'dynamic', reason: null });
    expect(setup.expiresAt).toBe(new Date(Date.parse(START) + 30 * DAY).toISOString());
    const [hook] = t.sim.webhooks.dynamic();
    expect(hook).toMatchObject({
      jqlFilter: 'project = TB',
      events: DYNAMIC_EVENTS,
      issuePropertyKeysFilter: ['testbridge-webhook-check'],
      url: `http://testbridge.test/webhooks/jira/connections/${connectionId}`,
    });
    const id = acme().issueKeys.get('TB-3') ?? '';
    updateIssue(t.sim.world, acme(), id, { summary: 'Via a dynamic webhook' }, null);
    await t.sim.webhooks.flush();
    expect(t.sim.webhooks.attempts().map((a) => a.status)).toEqual([202]);
    expect((await drainJiraEvents(t.deps)).done).toBe(1);
  });

  it('the refresh job extends the webhook before it expires, once, however many replicas run it', async () => {
    // Not due yet: nothing is refreshed.
    expect(await refreshDynamicWebhooks(t.deps, 'replica-a')).toMatchObject({ refreshed: 0 });
    const before = refreshCalls();
    advance(t, 30 * DAY - REFRESH_AHEAD_MS + DAY); // nine days left
    const reports = await Promise.all([
      refreshDynamicWebhooks(t.deps, 'replica-b'),
      refreshDynamicWebhooks(second, 'replica-c'),
    ]);
    expect(reports.filter((r) => !r.skipped)).toHaveLength(1);
    expect(reports.reduce((n, r) => n + r.refreshed, 0)).toBe(1);
    expect(refreshCalls() - before).toBe(1);
    const [hook] = t.sim.webhooks.dynamic();
    expect(hook?.expiresAt).toBe(t.clock.now().getTime() + 30 * DAY);
    // Past the first 30 days the webhook still delivers.
    advance(t, 15 * DAY);
    const id = acme().issueKeys.get('TB-4') ?? '';
    updateIssue(t.sim.world, acme(), id, { summary: 'Day 45' }, null);
    await t.sim.webhooks.flush();
    expect(t.sim.webhooks.attempts().at(-1)?.status).toBe(202);
  });

  it('the last mapping leaving automatic mode deletes the dynamic webhook in Jira', async () => {
    expect(t.sim.webhooks.dynamic()).toHaveLength(1);
    const res = await t.app.request(`/api/v1/mappings/${mapping.id}`, {
      method: 'PATCH',
      headers: t.asAdmin(json),
      body: JSON.stringify({ webhookMode: 'manual' }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(t.sim.webhooks.dynamic()).toEqual([]);
    const rows = await t.deps.store.db.select().from(t.deps.store.tables.jiraWebhooks);
    expect(rows).toEqual([]);
  });
});
