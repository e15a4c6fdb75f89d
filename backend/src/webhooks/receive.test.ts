import { createSim, deleteIssue, moveIssue, updateIssue } from '@testbridge/jira-sim';
import { DeadLetterList, DeliveryReceipt, OrphanedLinkList } from '@testbridge/shared/api/webhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../testing/index.ts';
import { webhookStatusOf } from './status.ts';
import { createEventsTestbed, type EventsTestbed, hubSignature } from './testing.ts';

/** The simulator is seeded: a probe made the same way signs with the same Forge app id and keys. */
const probe = createSim({ baseUrl: 'http://jira-sim.test' });

const issueEvent = (id: string, key: string, over: Record<string, unknown> = {}) =>
  JSON.stringify({
    timestamp: Date.parse('2026-01-15T09:00:00Z'),
    webhookEvent: 'jira:issue_updated',
    issue: {
      id,
      key,
      fields: { summary: 'S', project: { id: '10000', key: 'TB' }, status: { name: 'Done' } },
    },
    ...over,
  });

describe.each(STORE_KINDS)('receiving Jira events on %s', (kind) => {
  let bed: EventsTestbed;
  let endpoint: Awaited<ReturnType<EventsTestbed['issueEndpoint']>>;
  const path = () => new URL(endpoint.url).pathname;

  beforeAll(async () => {
    bed = await createEventsTestbed(kind, {
      FORGE_APP_ID: probe.forgeAppId,
      FORGE_JWKS_URL: probe.forgeJwksUrl,
    });
    endpoint = await bed.issueEndpoint();
  });
  afterAll(async () => bed.t.cleanup());

  it('a change in the simulated Jira reaches Testbridge through a signed admin webhook: a moved issue keeps its tests under its new key', async () => {
    await bed.registerAdminHook(
      endpoint.url,
      endpoint.secret,
      endpoint.events,
      'project in (TB, WEB)',
    );
    const run = await bed.createRun(bed.tool);
    await bed.uploadOk(bed.tool, run.id, [
      { name: 'pays by card', status: 'passed', requirements: ['TB-9'] },
    ]);
    const id = bed.issueId('TB-9');
    const site = bed.acme();
    const web = [...site.projects.values()].find((p) => p.key === 'WEB');
    if (!web) throw new Error('no WEB');
    updateIssue(bed.sim.world, site, id, { summary: 'Pay by card, renamed' }, null);
    // Deliveries may arrive in any order; Jira's timestamps tell which state is newer.
    bed.sim.clock.advance(1000);
    const moved = moveIssue(bed.sim.world, site, id, web.id, null);
    expect(moved.key).toMatch(/^WEB-/);
    const report = await bed.settle();
    const attempts = bed.sim.webhooks.attempts();
    expect(attempts.length).toBeGreaterThan(0);
    expect(attempts.every((a) => a.status === 202)).toBe(true);
    expect(report.done).toBe(attempts.length);
    const state = await bed.t.deps.store.db.select().from(bed.t.deps.store.tables.jiraIssueStates);
    expect(state).toEqual([
      expect.objectContaining({
        issueId: id,
        issueKey: moved.key,
        summary: 'Pay by card, renamed',
        projectKey: 'WEB',
      }),
    ]);
    // Links are by issue id: the coverage endpoint finds the tests under the new key and shows it.
    const coverage = await bed.coverage(moved.key);
    expect(coverage.issue).toEqual({ id, key: moved.key });
    expect(coverage.tests.map((test) => test.name)).toEqual(['pays by card']);
  });

  it('refuses unsigned, forged and wrong-secret deliveries with 401 and stores nothing', async () => {
    const before = await bed.countEvents();
    const body = issueEvent('10001', 'TB-1');
    const cases: Record<string, string>[] = [
      {},
      { 'x-hub-signature': 'sha256=00' },
      { 'x-hub-signature': hubSignature('not-the-secret', body) },
      { 'x-hub-signature': hubSignature(endpoint.secret, `${body} `) },
      { 'x-hub-signature': hubSignature(endpoint.secret, body).replace('sha256', 'md5') },
    ];
    for (const headers of cases) {
      const res = await bed.postDelivery(path(), body, headers);
      expect(res.status, JSON.stringify(headers)).toBe(401);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
    }
    const unknown = await bed.postDelivery('/webhooks/jira/endpoints/nope', body, {
      'x-hub-signature': hubSignature(endpoint.secret, body),
    });
    expect(unknown.status).toBe(401);
    expect(await bed.countEvents()).toBe(before);
  });

  it('stores a replayed delivery once (X-Atlassian-Webhook-Identifier) and answers it 200 duplicate', async () => {
    const body = issueEvent('10002', 'TB-2');
    const headers = {
      'x-hub-signature': hubSignature(endpoint.secret, body),
      'x-atlassian-webhook-identifier': 'delivery-replayed-1',
    };
    const first = await bed.postDelivery(path(), body, headers);
    expect(first.status).toBe(202);
    const again = await bed.postDelivery(path(), body, {
      ...headers,
      'x-atlassian-webhook-retry': '1',
    });
    expect(again.status).toBe(200);
    const [a, b] = [
      DeliveryReceipt.parse(await first.json()),
      DeliveryReceipt.parse(await again.json()),
    ];
    expect(b).toEqual({ id: a.id, duplicate: true });
    const rows = (
      await bed.t.deps.store.db.select().from(bed.t.deps.store.tables.jiraEvents)
    ).filter((row) => row.deliveryId === 'wh:delivery-replayed-1');
    expect(rows).toHaveLength(1);
  });

  it('accepts an unsigned Data Center delivery only with the URL token, stored hashed', async () => {
    const body = issueEvent('10003', 'TB-3');
    const ok = await bed.postDelivery(new URL(endpoint.urlWithToken).pathname, body);
    expect(ok.status).toBe(202);
    const wrong = await bed.postDelivery(`${path()}/${'x'.repeat(43)}`, body);
    expect(wrong.status).toBe(401);
    const [row] = await bed.t.deps.store.db.select().from(bed.t.deps.store.tables.webhookEndpoints);
    const token = endpoint.urlWithToken.split('/').pop() ?? '';
    expect(row?.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(token);
    expect(JSON.stringify(row)).not.toContain(endpoint.secret);
    // Nor in a log line: the access log writes the route template for a URL with a token.
    expect(bed.t.logs.text()).toContain('/webhooks/jira/endpoints/:endpointId/:token');
    expect(bed.t.logs.text()).not.toContain(token);
    expect(bed.t.logs.text()).not.toContain(endpoint.secret);
  });

  it('Forge product events: FIT verified, stored once per event, processed like webhooks', async () => {
    const site = bed.acme();
    const fit = () =>
      bed.sim.signInvocationToken({ site, moduleType: 'core:endpoint', moduleKey: 'events' });
    const event = {
      payload: {
        eventType: 'avi:jira:updated:issue',
        timestamp: Date.parse('2026-01-15T09:30:00Z'),
        issue: {
          id: bed.issueId('TB-10'),
          key: 'TB-10',
          fields: { summary: 'From Forge', status: { name: 'In Progress' } },
        },
      },
    };
    const send = async (token: string | null, body: unknown = event) =>
      bed.t.app.request('/forge/events', {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(body),
      });
    const before = await bed.countEvents();
    expect((await send(null)).status).toBe(401);
    expect((await send('not.a.jwt')).status).toBe(401);
    expect(await bed.countEvents()).toBe(before);
    const first = await send(await fit());
    expect(first.status, await first.clone().text()).toBe(200);
    expect(DeliveryReceipt.parse(await first.json()).duplicate).toBe(false);
    // Forge retries with a new FIT and a retryContext: the same event.
    const retried = await send(await fit(), {
      payload: { ...event.payload, retryContext: { retryCount: 1 } },
    });
    expect(DeliveryReceipt.parse(await retried.json()).duplicate).toBe(true);
    await bed.settle();
    const states = await bed.t.deps.store.db.select().from(bed.t.deps.store.tables.jiraIssueStates);
    expect(states.find((s) => s.issueKey === 'TB-10')).toMatchObject({
      summary: 'From Forge',
      status: 'In Progress',
    });
  });

  it('a deleted issue leaves its test links orphaned and listed for the tool', async () => {
    const run = await bed.createRun(bed.tool);
    await bed.uploadOk(bed.tool, run.id, [
      { name: 'exports CSV', status: 'passed', requirements: ['TB-12'] },
    ]);
    const id = bed.issueId('TB-12');
    deleteIssue(bed.sim.world, bed.acme(), id, null);
    await bed.settle();
    const res = await bed.t.app.request(
      `/api/v1/jira-events/orphaned-links?connectionId=${bed.connection.id}`,
      { headers: bed.tool },
    );
    expect(res.status, await res.clone().text()).toBe(200);
    const { items } = OrphanedLinkList.parse(await res.json());
    expect(items).toEqual([
      expect.objectContaining({ issueId: id, issueKey: 'TB-12', testName: 'exports CSV' }),
    ]);
  });

  it('a poison delivery goes to the dead letters; an admin lists and retries it', async () => {
    const body = JSON.stringify({ webhookEvent: 'jira:issue_updated', issue: { id: '777' } });
    const res = await bed.postDelivery(path(), body, {
      'x-hub-signature': hubSignature(endpoint.secret, body),
    });
    expect(res.status).toBe(202);
    const report = await bed.settle();
    expect(report.dead).toBe(1);
    expect(await webhookStatusOf(bed.t.deps, bed.connection.id)).toMatchObject({
      state: 'failing',
      detail: expect.stringContaining('1 event(s) could not be processed'),
    });
    const list = await bed.t.app.request('/api/v1/jira-events/dead-letters', {
      headers: bed.t.asAdmin(),
    });
    const { items } = DeadLetterList.parse(await list.json());
    expect(items).toHaveLength(1);
    expect(items[0]?.lastError).toContain('issue.key');
    expect(
      (await bed.t.app.request('/api/v1/jira-events/dead-letters', { headers: bed.tool })).status,
    ).toBe(403);
    const id = items[0]?.id ?? '';
    const retry = await bed.t.app.request(`/api/v1/jira-events/dead-letters/${id}/retry`, {
      method: 'POST',
      headers: bed.t.asAdmin(),
    });
    expect(retry.status).toBe(202);
    // Retried with a fixed processor this time: it is processed and leaves the list.
    const seen: string[] = [];
    await bed.settle({ apply: async (_deps, event) => void seen.push(event.id) });
    expect(seen).toEqual([id]);
    const after = await bed.t.app.request('/api/v1/jira-events/dead-letters', {
      headers: bed.t.asAdmin(),
    });
    expect(DeadLetterList.parse(await after.json()).items).toEqual([]);
    const missing = await bed.t.app.request('/api/v1/jira-events/dead-letters/nope/retry', {
      method: 'POST',
      headers: bed.t.asAdmin(),
    });
    expect(missing.status).toBe(404);
  });

  it('rotating the endpoint retires the old secret and token at once', async () => {
    const old = endpoint;
    endpoint = await bed.issueEndpoint();
    const body = issueEvent('10004', 'TB-4');
    expect(
      (await bed.postDelivery(path(), body, { 'x-hub-signature': hubSignature(old.secret, body) }))
        .status,
    ).toBe(401);
    expect((await bed.postDelivery(new URL(old.urlWithToken).pathname, body)).status).toBe(401);
    expect(
      (
        await bed.postDelivery(path(), body, {
          'x-hub-signature': hubSignature(endpoint.secret, body),
        })
      ).status,
    ).toBe(202);
    const shown = await bed.t.app.request(`/api/v1/mappings/${bed.mapping.id}/webhook`, {
      headers: bed.t.asAdmin(),
    });
    expect(shown.status).toBe(200);
    const text = await shown.text();
    expect(text).not.toContain(endpoint.secret);
    expect(JSON.parse(text)).toMatchObject({ url: endpoint.url, jqlFilter: 'project = TB' });
  });
});
