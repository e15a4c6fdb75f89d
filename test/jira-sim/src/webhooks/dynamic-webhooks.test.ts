import { jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { SEEDED } from '../auth/seed-credentials.ts';
import { createFixedClock } from '../core/clock.ts';
import { adf, createRestTestKit, jsonInit, pluck, readObject } from '../rest/test-kit.ts';
import type { ReceiverAnswer } from './test-receiver.ts';
import { createReceiver } from './test-receiver.ts';

const HOOK_URL = 'https://testbridge.test/jira/webhooks';
const DAY = 24 * 3_600_000;
const SCOPES = ['read:jira-work', 'write:jira-work', 'manage:jira-webhook'];

function setup(script: ReceiverAnswer[] = []) {
  const clock = createFixedClock();
  const receiver = createReceiver(script);
  const kit = createRestTestKit({ clock, fetch: receiver.fetch });
  // A fresh token per call: tests move the clock past the 1-hour token lifetime.
  const api = (path: string, init?: RequestInit) => kit.gateway(kit.tokenFor(SCOPES), path, init);
  const register = async (webhooks: unknown[]) =>
    readObject(await api('/rest/api/3/webhook', jsonInit('POST', { url: HOOK_URL, webhooks })));
  const createIssue = (project = 'TB', summary = 'Flaky login test') =>
    api(
      '/rest/api/3/issue',
      jsonInit('POST', {
        fields: {
          project: { key: project },
          issuetype: { name: 'Bug' },
          summary,
          description: adf('x'),
        },
      }),
    );
  return { clock, receiver, kit, api, register, createIssue };
}

describe('dynamic webhook registration', () => {
  it('answers 200 with a created id or the errors of each webhook, in request order', async () => {
    const { register } = setup();
    const result = await register([
      { events: ['jira:issue_created'], jqlFilter: 'project = TB' },
      { events: ['jira:issue_updated'], jqlFilter: 'project is not EMPTY' },
      { events: ['jira:issue_created'], jqlFilter: 'watchCount = 1' },
      { events: ['jira:issue_created'], jqlFilter: '' },
    ]);
    expect(result).toEqual({
      webhookRegistrationResult: [
        { createdWebhookId: 10000 },
        { errors: ['Operator is not is unsupported'] },
        { errors: ['The clause watchCount is unsupported'] },
        { errors: [expect.any(String)] },
      ],
    });
  });

  it('refuses callers that are not OAuth apps, tokens without manage:jira-webhook, and unknown events', async () => {
    const { kit, api } = setup();
    const body = {
      url: HOOK_URL,
      webhooks: [{ events: ['jira:issue_created'], jqlFilter: 'project = TB' }],
    };
    const apiToken = await kit.site('alice', '/rest/api/3/webhook', jsonInit('POST', body));
    expect(apiToken.status).toBe(403);
    expect(await apiToken.json()).toEqual({
      errorMessages: ['Only apps can access this resource.'],
      errors: {},
    });
    const narrow = await kit.gateway(
      kit.tokenFor(['read:jira-work']),
      '/rest/api/3/webhook',
      jsonInit('POST', body),
    );
    expect(narrow.status).toBe(401);
    const events = await api(
      '/rest/api/3/webhook',
      jsonInit('POST', {
        url: HOOK_URL,
        webhooks: [{ events: ['jira:version_released'], jqlFilter: 'project = TB' }],
      }),
    );
    expect(events.status).toBe(400);
  });

  it('allows a single URL per app', async () => {
    const { api, register } = setup();
    await register([{ events: ['jira:issue_created'], jqlFilter: 'project = TB' }]);
    const other = await api(
      '/rest/api/3/webhook',
      jsonInit('POST', {
        url: 'https://elsewhere.test/hook',
        webhooks: [{ events: ['jira:issue_created'], jqlFilter: 'project = TB' }],
      }),
    );
    expect(other.status).toBe(400);
  });

  it('lists, refreshes and deletes the app’s webhooks', async () => {
    const { api, register } = setup();
    await register([{ events: ['jira:issue_created'], jqlFilter: 'project = TB' }]);
    const page = await readObject(await api('/rest/api/3/webhook'));
    expect(page).toMatchObject({ startAt: 0, total: 1, isLast: true });
    expect(page.values).toEqual([
      {
        id: 10000,
        jqlFilter: 'project = TB',
        events: ['jira:issue_created'],
        expirationDate: Date.parse('2026-03-02T09:00:00Z') + 30 * DAY,
        url: HOOK_URL,
      },
    ]);
    const removed = await api(
      '/rest/api/3/webhook',
      jsonInit('DELETE', { webhookIds: [10000, 99] }),
    );
    expect(removed.status).toBe(202);
    expect((await readObject(await api('/rest/api/3/webhook'))).values).toEqual([]);
    expect((await api('/rest/api/3/webhook', jsonInit('DELETE', {}))).status).toBe(400);
  });

  it('expires after 30 days on the simulator clock unless refreshed', async () => {
    const { clock, receiver, kit, api, register, createIssue } = setup();
    await register([{ events: ['jira:issue_created'], jqlFilter: 'project = TB' }]);
    clock.advance(29 * DAY);
    const refreshed = await readObject(
      await api('/rest/api/3/webhook/refresh', jsonInit('PUT', { webhookIds: [10000] })),
    );
    expect(refreshed).toEqual({ expirationDate: clock.now() + 30 * DAY });
    clock.advance(2 * DAY);
    await createIssue();
    await kit.sim.webhooks.flush();
    expect(receiver.received).toHaveLength(1);
    clock.advance(28 * DAY + 1);
    expect((await readObject(await api('/rest/api/3/webhook'))).values).toEqual([]);
    await createIssue();
    await kit.sim.webhooks.flush();
    expect(receiver.received).toHaveLength(1);
  });

  it('keeps GET /webhook/failed to Connect apps (403 for OAuth 2.0 apps)', async () => {
    const { api } = setup();
    expect((await api('/rest/api/3/webhook/failed')).status).toBe(403);
  });
});

describe('dynamic webhook delivery', () => {
  it('posts the issue event with a bearer JWT signed with the app secret (HS256)', async () => {
    const { receiver, kit, register, createIssue } = setup();
    await register([{ events: ['jira:issue_created'], jqlFilter: 'project = TB' }]);
    await createIssue('WEB');
    const created = await readObject(await createIssue('TB'));
    await kit.sim.webhooks.flush();
    expect(receiver.received).toHaveLength(1);
    const [delivery] = receiver.received;
    expect(delivery?.url).toBe(HOOK_URL);
    expect(delivery?.headers.get('x-atlassian-webhook-identifier')).toMatch(/^\d+$/);
    expect(delivery?.headers.has('x-atlassian-webhook-retry')).toBe(false);
    expect(delivery?.headers.has('x-hub-signature')).toBe(false);
    const jwt = (delivery?.headers.get('authorization') ?? '').replace(/^Bearer /, '');
    const { payload, protectedHeader } = await jwtVerify(
      jwt,
      new TextEncoder().encode(SEEDED.oauthApp.clientSecret),
      { algorithms: ['HS256'], currentDate: new Date(kit.sim.clock.now()) },
    );
    expect(protectedHeader.alg).toBe('HS256');
    expect(payload.exp).toBeGreaterThan(Math.floor(kit.sim.clock.now() / 1000));
    expect(delivery?.json).toMatchObject({
      timestamp: kit.sim.clock.now(),
      webhookEvent: 'jira:issue_created',
      issue_event_type_name: 'issue_created',
      user: { accountId: kit.alice.id },
      issue: { key: created.key, fields: { project: { key: 'TB' } } },
      matchedWebhookIds: [10000],
    });
  });

  it('sends issue updates only for the fields in fieldIdsFilter', async () => {
    const { receiver, kit, api, register } = setup();
    await register([
      { events: ['jira:issue_updated'], jqlFilter: 'project = TB', fieldIdsFilter: ['summary'] },
    ]);
    await api(
      '/rest/api/3/issue/TB-1',
      jsonInit('PUT', { update: { labels: [{ add: 'flaky' }] } }),
    );
    await api('/rest/api/3/issue/TB-1', jsonInit('PUT', { fields: { summary: 'Renamed' } }));
    await kit.sim.webhooks.flush();
    expect(pluck(pluck(receiver.received, 'json'), 'changelog')).toEqual([
      {
        id: expect.any(String),
        items: [expect.objectContaining({ field: 'summary', toString: 'Renamed' })],
      },
    ]);
  });

  it('sends issue_property_set only for the keys in issuePropertyKeysFilter', async () => {
    const { receiver, kit, api, register } = setup();
    await register([
      {
        events: ['issue_property_set'],
        jqlFilter: 'project = TB',
        issuePropertyKeysFilter: ['wanted'],
      },
    ]);
    await api('/rest/api/3/issue/TB-1/properties/other', jsonInit('PUT', { n: 1 }));
    await api('/rest/api/3/issue/TB-1/properties/wanted', jsonInit('PUT', { n: 2 }));
    await kit.sim.webhooks.flush();
    expect(pluck(pluck(receiver.received, 'json'), 'property')).toEqual([
      { key: 'wanted', value: { n: 2 } },
    ]);
  });

  it('retries a failing receiver with X-Atlassian-Webhook-Retry and the same identifier', async () => {
    const { receiver, kit, register, createIssue, clock } = setup([500, 'drop']);
    await register([{ events: ['jira:issue_created'], jqlFilter: 'project = TB' }]);
    await createIssue();
    await kit.sim.webhooks.flush();
    expect(receiver.received).toHaveLength(1);
    expect(kit.sim.webhooks.pending()).toHaveLength(1);
    clock.advance(5 * 60_000);
    await kit.sim.webhooks.flush();
    clock.advance(10 * 60_000);
    await kit.sim.webhooks.flush();
    const [first, second, third] = receiver.received;
    expect(receiver.received).toHaveLength(3);
    expect(first?.headers.has('x-atlassian-webhook-retry')).toBe(false);
    expect(second?.headers.get('x-atlassian-webhook-retry')).toBe('1');
    expect(third?.headers.get('x-atlassian-webhook-retry')).toBe('2');
    const ids = receiver.received.map((r) => r.headers.get('x-atlassian-webhook-identifier'));
    expect(new Set(ids).size).toBe(1);
    expect(kit.sim.webhooks.pending()).toEqual([]);
    expect(kit.sim.webhooks.failed()).toEqual([]);
  });

  it('gives up after the last retry and records the failure; a 4xx is not retried', async () => {
    const { receiver, kit, register, createIssue } = setup([503, 503, 503, 503, 503, 503, 404]);
    await register([{ events: ['jira:issue_created'], jqlFilter: 'project = TB' }]);
    await createIssue();
    await kit.sim.webhooks.flush({ advanceClock: true });
    expect(receiver.received).toHaveLength(6);
    const [failure] = kit.sim.webhooks.failed();
    expect(failure).toMatchObject({ url: HOOK_URL, failureTime: kit.sim.clock.now() });
    expect(JSON.parse(failure?.body ?? '{}')).toMatchObject({ webhookEvent: 'jira:issue_created' });
    await createIssue();
    await kit.sim.webhooks.flush({ advanceClock: true });
    expect(receiver.received).toHaveLength(7);
    expect(kit.sim.webhooks.failed()).toHaveLength(2);
  });
});
