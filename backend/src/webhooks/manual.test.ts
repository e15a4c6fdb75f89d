import { KnownWebhookList, WebhookCheck } from '@testbridge/shared/api/webhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookStatusOf } from './status.ts';
import { createEventsTestbed, type EventsTestbed, hubSignature } from './testing.ts';

describe('manual mode: an admin enters the URL, secret and events in Jira', () => {
  let bed: EventsTestbed;
  beforeAll(async () => {
    bed = await createEventsTestbed('sqlite');
  });
  afterAll(async () => bed.t.cleanup());

  const check = async (path: string, method = 'GET') => {
    const res = await bed.t.app.request(path, { method, headers: bed.t.asAdmin() });
    expect(res.status, await res.clone().text()).toBe(method === 'POST' ? 202 : 200);
    return WebhookCheck.parse(await res.json());
  };

  it('"send test event" proves the round trip: waiting until Jira delivered it, then received', async () => {
    expect(await webhookStatusOf(bed.t.deps, bed.connection.id)).toMatchObject({
      state: 'not_registered',
    });
    const endpoint = await bed.issueEndpoint();
    expect(endpoint.events).toContain('issue_property_set');
    const base = `/api/v1/mappings/${bed.mapping.id}/webhook/test`;
    // Nothing registered in Jira yet: the check stays waiting.
    const lonely = await check(base, 'POST');
    await bed.settle();
    expect((await check(`${base}/${lonely.id}`)).status).toBe('waiting');
    // The admin enters URL, secret and events in Jira; the next check comes back.
    await bed.registerAdminHook(endpoint.url, endpoint.secret, endpoint.events);
    const sent = await check(base, 'POST');
    expect(sent).toMatchObject({ status: 'waiting', issueKey: expect.stringMatching(/^TB-\d+$/) });
    await bed.settle();
    expect(await check(`${base}/${sent.id}`)).toMatchObject({
      status: 'received',
      source: 'admin',
      receivedAt: expect.any(String),
    });
    expect((await check(`${base}/${lonely.id}`)).status).toBe('waiting');
    // The Forge admin page's webhook health.
    const health = await webhookStatusOf(bed.t.deps, bed.connection.id);
    expect(health.state).toBe('registered');
    expect(health.detail).toContain('Entered by hand; last delivery');
  });

  it('with a wrong secret entered in Jira, the check never comes back and nothing is stored', async () => {
    const before = await bed.countEvents();
    const endpoint = await bed.issueEndpoint(); // rotated: Jira still has the old secret
    const sent = await check(`/api/v1/mappings/${bed.mapping.id}/webhook/test`, 'POST');
    await bed.settle();
    expect(bed.sim.webhooks.attempts().at(-1)?.status).toBe(401);
    expect(await bed.countEvents()).toBe(before);
    expect((await check(`/api/v1/mappings/${bed.mapping.id}/webhook/test/${sent.id}`)).status).toBe(
      'waiting',
    );
    expect(endpoint.secret).not.toBe('');
  });

  it('lists the known webhooks without secrets, and forgets one on delete', async () => {
    const res = await bed.t.app.request('/api/v1/jira-events/webhooks', {
      headers: bed.t.asAdmin(),
    });
    const { items } = KnownWebhookList.parse(await res.json());
    expect(items).toEqual([
      expect.objectContaining({
        mappingId: bed.mapping.id,
        jiraProjectKey: 'TB',
        jqlFilter: 'project = TB',
      }),
    ]);
    const url = new URL(items[0]?.url ?? '').pathname;
    const del = await bed.t.app.request(`/api/v1/mappings/${bed.mapping.id}/webhook`, {
      method: 'DELETE',
      headers: bed.t.asAdmin(),
    });
    expect(del.status).toBe(204);
    const body = JSON.stringify({ webhookEvent: 'jira:issue_updated', issue: { id: '1' } });
    const after = await bed.postDelivery(url, body, { 'x-hub-signature': hubSignature('x', body) });
    expect(after.status).toBe(401);
    const again = await bed.t.app.request(`/api/v1/mappings/${bed.mapping.id}/webhook`, {
      method: 'DELETE',
      headers: bed.t.asAdmin(),
    });
    expect(again.status).toBe(404);
  });
});
