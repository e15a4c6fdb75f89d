import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestApp } from '../testing/index.ts';
import { drainOutbox } from './forwarder.ts';
import type { OutboxSender } from './sender.ts';
import { enqueueOutboxItems } from './service.ts';

type TestApp = Awaited<ReturnType<typeof createTestApp>>;
const Items = z.object({
  items: z.array(z.object({ id: z.string(), status: z.string(), verdict: z.string().nullable() })),
  nextBefore: z.string().nullable(),
});

describe('outbox admin API and metrics', () => {
  let t: TestApp;
  let ids: string[];
  let up = false;
  const sender: OutboxSender = {
    kind: 'test.kind',
    maxBatch: 100,
    send: async () =>
      up
        ? { type: 'delivered', verdicts: new Map() }
        : { type: 'unavailable', message: 'connection refused' },
  };

  beforeAll(async () => {
    t = await createTestApp({ env: { OUTBOX_MAX_ATTEMPTS: '2' } });
    ids = await t.deps.store.transaction((tx) =>
      enqueueOutboxItems(
        t.deps.store,
        tx,
        [1, 2, 3].map((n) => ({
          kind: 'test.kind',
          target: 'site-1',
          subject: 'p',
          payload: `{"n":${n}}`,
        })),
        t.clock.now(),
      ),
    );
    for (let i = 0; i < 2; i++) {
      await drainOutbox(t.deps, [sender]);
      t.clock.advance(3_600_000);
    }
  });
  afterAll(() => t.cleanup());

  it('lists dead letters, newest first, page by page', async () => {
    const first = Items.parse(
      await (await t.app.request('/api/v1/outbox/items?limit=2', { headers: t.asAdmin() })).json(),
    );
    expect(first.items.map((i) => i.id)).toEqual([ids[2], ids[1]]);
    expect(first.items.every((i) => i.status === 'dead' && i.verdict === 'gave_up')).toBe(true);
    const next = Items.parse(
      await (
        await t.app.request(`/api/v1/outbox/items?limit=2&before=${first.nextBefore}`, {
          headers: t.asAdmin(),
        })
      ).json(),
    );
    expect(next).toEqual({ items: [expect.objectContaining({ id: ids[0] })], nextBefore: null });
  });

  it('reports depth, verdicts and latency on /metrics', async () => {
    const text = await (await t.app.request('/metrics')).text();
    expect(text).toContain('testbridge_outbox_depth{kind="test.kind",status="dead"} 3');
    expect(text).toContain(
      'testbridge_outbox_verdicts_total{kind="test.kind",verdict="gave_up"} 3',
    );
    expect(text).toContain(
      'testbridge_outbox_deliveries_total{kind="test.kind",outcome="unavailable"} 2',
    );
  });

  it('retries the dead letters an admin names, and they are delivered', async () => {
    const retry = await t.app.request('/api/v1/outbox/dead-letters/retry', {
      method: 'POST',
      headers: t.asAdmin({ 'content-type': 'application/json' }),
      body: JSON.stringify({ ids: [ids[0]] }),
    });
    expect(await retry.json()).toEqual({ retried: [ids[0]] });
    up = true;
    await drainOutbox(t.deps, [sender]);
    const all = await t.app.request('/api/v1/outbox/dead-letters/retry', {
      method: 'POST',
      headers: t.asAdmin({ 'content-type': 'application/json' }),
      body: JSON.stringify({ target: 'site-1' }),
    });
    expect(
      z
        .object({ retried: z.array(z.string()) })
        .parse(await all.json())
        .retried.sort(),
    ).toEqual([ids[1], ids[2]].sort());
    await drainOutbox(t.deps, [sender]);
    const delivered = Items.parse(
      await (
        await t.app.request('/api/v1/outbox/items?status=delivered', { headers: t.asAdmin() })
      ).json(),
    );
    expect(delivered.items).toHaveLength(3);
    const text = await (await t.app.request('/metrics')).text();
    expect(text).toContain('testbridge_outbox_delivery_latency_seconds_count{kind="test.kind"} 3');
  });

  it('is for admins only', async () => {
    const created = await t.app.request('/api/v1/api-keys', {
      method: 'POST',
      headers: t.asAdmin({ 'content-type': 'application/json' }),
      body: JSON.stringify({ name: 'tool', role: 'tool' }),
    });
    const { key } = z.object({ key: z.string() }).parse(await created.json());
    const res = await t.app.request('/api/v1/outbox/items', {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(res.status).toBe(403);
  });
});
