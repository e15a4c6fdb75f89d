import { updateIssue } from '@testbridge/jira-sim';
import { ChangeFeedPage, EventCallbackCreated } from '@testbridge/shared/api/webhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainOutbox } from '../outbox/forwarder.ts';
import { callbackSignature, createEventCallbackSender } from './callback-sender.ts';
import { FEED_SETTLE_MS } from './changes.ts';
import { createEventsTestbed, type EventsTestbed } from './testing.ts';

interface Received {
  headers: Headers;
  body: string;
}

describe('telling the test tool: the change feed and a signed callback', () => {
  let bed: EventsTestbed;
  const received: Received[] = [];
  let answer = 200;
  beforeAll(async () => {
    bed = await createEventsTestbed('sqlite');
    const endpoint = await bed.issueEndpoint();
    await bed.registerAdminHook(endpoint.url, endpoint.secret, endpoint.events);
    // The test tool's callback receiver; everything else still goes to the simulator.
    const jira = bed.t.deps.fetch;
    bed.t.deps.fetch = async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      if (url.host !== 'tool.test') return jira(input, init);
      received.push({ headers: new Headers(init?.headers), body: String(init?.body) });
      return new Response(null, { status: answer });
    };
  });
  afterAll(async () => bed.t.cleanup());

  const feed = async (cursor?: string) => {
    const res = await bed.t.app.request(`/api/v1/events${cursor ? `?cursor=${cursor}` : ''}`, {
      headers: bed.tool,
    });
    expect(res.status, await res.clone().text()).toBe(200);
    return ChangeFeedPage.parse(await res.json());
  };

  it('serves each change once per cursor, with ids, and nothing new on the next poll', async () => {
    const id = bed.issueId('TB-20');
    updateIssue(bed.sim.world, bed.acme(), id, { summary: 'Feed me' }, null);
    await bed.settle();
    // Held back while a concurrent writer could still commit an earlier id.
    expect((await feed()).items).toEqual([]);
    bed.t.clock.advance(FEED_SETTLE_MS);
    const page = await feed();
    expect(page.items).toEqual([
      expect.objectContaining({
        kind: 'issue.updated',
        subject: id,
        mappingIds: [bed.mapping.id],
        data: expect.objectContaining({ issueKey: 'TB-20', summary: 'Feed me' }),
      }),
    ]);
    expect(page.nextCursor).toBe(page.items[0]?.id);
    const next = await feed(page.nextCursor ?? '');
    expect(next).toEqual({ items: [], nextCursor: page.nextCursor });
    // The same cursor reads the same page again (stable).
    expect((await feed()).items.map((i) => i.id)).toEqual(page.items.map((i) => i.id));
  });

  it('POSTs each change of the mapping to its callback, signed over timestamp and body, retried on 5xx', async () => {
    const res = await bed.t.app.request(`/api/v1/mappings/${bed.mapping.id}/callback`, {
      method: 'PUT',
      headers: bed.t.asAdmin({ 'content-type': 'application/json' }),
      body: JSON.stringify({ url: 'http://tool.test/testbridge-events' }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const { secret } = EventCallbackCreated.parse(await res.json());
    const id = bed.issueId('TB-21');
    updateIssue(bed.sim.world, bed.acme(), id, { summary: 'Call me back' }, null);
    await bed.settle();
    const sender = createEventCallbackSender(bed.t.deps);
    answer = 503;
    await drainOutbox(bed.t.deps, [sender], { random: () => 0.5, maxPasses: 1 });
    expect(received).toHaveLength(1);
    answer = 200;
    bed.t.clock.advance(3_600_000);
    await drainOutbox(bed.t.deps, [sender], { random: () => 0.5 });
    expect(received).toHaveLength(2);
    const last = received[1] as Received;
    const timestamp = Number(last.headers.get('x-testbridge-timestamp'));
    expect(last.headers.get('x-testbridge-signature')).toBe(
      callbackSignature(secret, timestamp, last.body),
    );
    expect(callbackSignature('wrong', timestamp, last.body)).not.toBe(
      last.headers.get('x-testbridge-signature'),
    );
    expect(JSON.parse(last.body)).toMatchObject({
      id: last.headers.get('x-testbridge-event-id'),
      kind: 'issue.updated',
      data: expect.objectContaining({ issueKey: 'TB-21', summary: 'Call me back' }),
    });
    const stored = await bed.t.deps.store.db.select().from(bed.t.deps.store.tables.eventCallbacks);
    expect(JSON.stringify(stored)).not.toContain(secret);
  });
});
