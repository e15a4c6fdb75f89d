import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDeps, type TestDeps } from '../testing/index.ts';
import { drainOutbox } from './forwarder.ts';
import type { OutboxItem, OutboxSender, SendOutcome } from './sender.ts';
import { enqueueOutboxItems, getOutboxItem, listOutboxItems, retryDeadLetters } from './service.ts';

/** A receiver that answers from a script (then accepts everything), recording each batch. */
function scriptedSender(
  script: ((items: readonly OutboxItem[]) => SendOutcome | undefined)[] = [],
) {
  const batches: string[][] = [];
  const sender: OutboxSender = {
    kind: 'test.kind',
    maxBatch: 100,
    async send(_target, items) {
      batches.push(items.map((item) => JSON.parse(item.payload).n));
      const next = script.shift()?.(items);
      return next ?? { type: 'delivered', verdicts: new Map() };
    },
  };
  return { sender, batches };
}

const never = () => 0.999;

describe('outbox forwarder', () => {
  let t: TestDeps;
  beforeEach(async () => {
    t = await createTestDeps({ env: { OUTBOX_MAX_ATTEMPTS: '5', OUTBOX_MAX_AGE_HOURS: '24' } });
  });
  afterEach(() => t.cleanup());

  const enqueue = (count: number, target = 'site-1') =>
    t.deps.store.transaction((tx) =>
      enqueueOutboxItems(
        t.deps.store,
        tx,
        Array.from({ length: count }, (_, n) => ({
          kind: 'test.kind',
          target,
          payload: JSON.stringify({ n }),
        })),
        t.clock.now(),
      ),
    );
  const statuses = async () =>
    (await listOutboxItems(t.deps, { limit: 1000 })).map((row) => row.status);

  it('sends batches of at most 100 per target and records each verdict', async () => {
    await enqueue(250);
    const { sender, batches } = scriptedSender();
    const report = await drainOutbox(t.deps, [sender], { random: never });
    expect(batches.map((b) => b.length)).toEqual([100, 100, 50]);
    expect(batches.flat()).toEqual(Array.from({ length: 250 }, (_, n) => n));
    expect(report).toMatchObject({ claimed: 250, requests: 3, delivered: 250 });
    expect(new Set(await statuses())).toEqual(new Set(['delivered']));
  });

  it('waits for Retry-After on 429 without spending attempts, then delivers', async () => {
    const [id] = await enqueue(3);
    const { sender, batches } = scriptedSender([
      () => ({ type: 'rate_limited', retryAfterMs: 30_000, message: 'Jira answered 429' }),
    ]);
    await drainOutbox(t.deps, [sender]);
    expect(batches).toHaveLength(1);
    const waiting = await getOutboxItem(t.deps, String(id));
    expect(waiting).toMatchObject({
      status: 'pending',
      attempts: 0,
      lastError: 'Jira answered 429',
    });
    t.clock.advance(29_999);
    await drainOutbox(t.deps, [sender]);
    expect(batches).toHaveLength(1);
    t.clock.advance(1);
    await drainOutbox(t.deps, [sender]);
    expect(batches).toHaveLength(2);
    expect(await statuses()).toEqual(['delivered', 'delivered', 'delivered']);
  });

  it('backs off with growing, jittered waits on 5xx and survives a long outage', async () => {
    await enqueue(2);
    const down = (): SendOutcome => ({ type: 'unavailable', message: 'Jira answered 503' });
    const { sender, batches } = scriptedSender([down, down, down, down]);
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      await drainOutbox(t.deps, [sender], { random: never });
      const [item] = await listOutboxItems(t.deps, { limit: 1 });
      waits.push((item?.nextAttemptAt.getTime() ?? 0) - t.clock.now().getTime());
      t.clock.advance(waits[i] ?? 0);
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000].map((w) => Math.round(w / 2 + 0.999 * (w / 2))));
    await drainOutbox(t.deps, [sender]);
    expect(batches).toHaveLength(5);
    expect(await statuses()).toEqual(['delivered', 'delivered']);
  });

  it('splits a batch refused as malformed until the bad item stands alone', async () => {
    await enqueue(8);
    const bad = (items: readonly OutboxItem[]): SendOutcome | undefined =>
      items.some((item) => JSON.parse(item.payload).n === 5)
        ? { type: 'malformed', message: "'url' is required" }
        : undefined;
    const { sender, batches } = scriptedSender([bad, bad, bad, bad, bad, bad, bad]);
    const report = await drainOutbox(t.deps, [sender]);
    expect(batches).toEqual([
      [0, 1, 2, 3, 4, 5, 6, 7],
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [4, 5],
      [4],
      [5],
      [6, 7],
    ]);
    expect(report).toMatchObject({ delivered: 7, rejected: 1, requests: 7 });
    const rejected = await listOutboxItems(t.deps, { status: 'rejected', limit: 10 });
    expect(rejected).toHaveLength(1);
    expect(rejected[0]?.explanation).toContain("'url' is required");
  });

  it('holds a target whose credentials are refused until the hold is released', async () => {
    await enqueue(2, 'site-1');
    t.clock.advance(1);
    await enqueue(1, 'site-2');
    const { sender, batches } = scriptedSender([
      () => ({ type: 'unauthorized', message: 'Jira refused the token (401)' }),
    ]);
    await drainOutbox(t.deps, [sender]);
    expect(batches.map((b) => b.length)).toEqual([2, 1]);
    t.clock.advance(23 * 3_600_000);
    await enqueue(1, 'site-1');
    await drainOutbox(t.deps, [sender]);
    expect(batches).toHaveLength(2);
    const { releaseOutboxHold } = await import('./service.ts');
    expect(await releaseOutboxHold(t.deps, 'site-1')).toBe(true);
    await drainOutbox(t.deps, [sender]);
    expect(batches.map((b) => b.length)).toEqual([2, 1, 3]);
  });

  it('makes dead letters after the attempt budget, and an admin retry delivers them', async () => {
    const [id] = await enqueue(1);
    const down = (): SendOutcome => ({ type: 'unavailable', message: 'connection refused' });
    const { sender } = scriptedSender([down, down, down, down, down]);
    for (let i = 0; i < 5; i++) {
      await drainOutbox(t.deps, [sender], { random: never });
      t.clock.advance(60 * 60_000);
    }
    const dead = await getOutboxItem(t.deps, String(id));
    expect(dead).toMatchObject({ status: 'dead', verdict: 'gave_up', attempts: 5 });
    expect(dead.explanation).toContain('after 5 attempts');
    expect(await retryDeadLetters(t.deps, {})).toEqual([id]);
    await drainOutbox(t.deps, [sender]);
    expect(await getOutboxItem(t.deps, String(id))).toMatchObject({ status: 'delivered' });
  });

  it('makes dead letters of items that waited longer than the maximum age', async () => {
    const [id] = await enqueue(1);
    const { sender } = scriptedSender([() => ({ type: 'unauthorized', message: '401' })]);
    await drainOutbox(t.deps, [sender]);
    t.clock.advance(24 * 3_600_000 + 1);
    await drainOutbox(t.deps, [sender]);
    expect(await getOutboxItem(t.deps, String(id))).toMatchObject({
      status: 'dead',
      verdict: 'gave_up',
    });
  });

  it('takes over items whose forwarder died mid-delivery once the lease runs out', async () => {
    const [id] = await enqueue(1);
    const hang: OutboxSender = {
      kind: 'test.kind',
      maxBatch: 100,
      send: () => new Promise<SendOutcome>(() => undefined),
    };
    void drainOutbox(t.deps, [hang], { leaseMs: 60_000 });
    await expect
      .poll(async () => (await getOutboxItem(t.deps, String(id))).status)
      .toBe('delivering');
    const { sender, batches } = scriptedSender();
    await drainOutbox(t.deps, [sender]);
    expect(batches).toHaveLength(0);
    t.clock.advance(60_000);
    await drainOutbox(t.deps, [sender]);
    expect(batches).toHaveLength(1);
    expect(await getOutboxItem(t.deps, String(id))).toMatchObject({
      status: 'delivered',
      attempts: 2,
    });
  });
});
