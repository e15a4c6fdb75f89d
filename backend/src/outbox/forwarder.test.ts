import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDeps, type TestDeps } from '../testing/index.ts';
import { createForwarder, drainOutbox } from './forwarder.ts';
import { createOutboxRepo } from './repo.ts';
import type { ItemVerdict, OutboxItem, OutboxSender, SendOutcome } from './sender.ts';
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
    let reached: () => void = () => undefined;
    const started = new Promise<void>((resolve) => {
      reached = resolve;
    });
    const hang: OutboxSender = {
      kind: 'test.kind',
      maxBatch: 100,
      send: () => {
        reached();
        return new Promise<SendOutcome>(() => undefined);
      },
    };
    // Its lease is never renewed: the process is gone.
    void drainOutbox(t.deps, [hang], { leaseMs: 60_000, timers: { every: () => () => undefined } });
    await started;
    expect((await getOutboxItem(t.deps, String(id))).status).toBe('delivering');
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

  const accepted: ItemVerdict = { status: 'delivered', verdict: 'accepted', explanation: 'ok' };
  const judged = (items: readonly OutboxItem[]) =>
    new Map(items.map((item) => [item.id, accepted]));
  const byN = async () =>
    new Map(
      (await listOutboxItems(t.deps, { limit: 1000 })).map((row) => [
        JSON.parse(row.payload).n as number,
        row,
      ]),
    );

  it('keeps the verdicts of items judged before a failure, and resends only the rest', async () => {
    await enqueue(4);
    // The receiver judged the first two (an earlier request of the batch), then failed.
    const { sender, batches } = scriptedSender([
      (items) => ({
        type: 'unavailable',
        message: 'Jira answered 503',
        settled: judged(items.slice(0, 2)),
      }),
    ]);
    const first = await drainOutbox(t.deps, [sender], { random: never });
    expect(first).toMatchObject({ delivered: 2, retried: 2 });
    const rows = await byN();
    expect(rows.get(0)).toMatchObject({ status: 'delivered', verdict: 'accepted', attempts: 1 });
    expect(rows.get(2)).toMatchObject({ status: 'pending', attempts: 1 });
    t.clock.advance(60_000);
    await drainOutbox(t.deps, [sender]);
    expect(batches).toEqual([
      [0, 1, 2, 3],
      [2, 3],
    ]);
  });

  it('splits only the items not yet judged when a later request is refused as malformed', async () => {
    await enqueue(6);
    const { sender, batches } = scriptedSender([
      (items) => ({ type: 'malformed', message: 'bad', settled: judged(items.slice(0, 2)) }),
      (items) => (items.some((item) => JSON.parse(item.payload).n === 5) ? undefined : undefined),
    ]);
    const report = await drainOutbox(t.deps, [sender]);
    expect(batches).toEqual([
      [0, 1, 2, 3, 4, 5],
      [2, 3],
      [4, 5],
    ]);
    expect(report).toMatchObject({ delivered: 6, rejected: 0 });
  });

  it('does not send the second half of a split when the first finds the target failing', async () => {
    await enqueue(4);
    const { sender, batches } = scriptedSender([
      () => ({ type: 'malformed', message: 'bad' }),
      () => ({ type: 'unavailable', message: 'Jira answered 502' }),
    ]);
    await drainOutbox(t.deps, [sender], { random: never });
    expect(batches).toEqual([
      [0, 1, 2, 3],
      [0, 1],
    ]);
    const rows = await byN();
    expect(rows.get(2)).toMatchObject({ status: 'pending', attempts: 0 });
    expect(rows.get(0)).toMatchObject({ status: 'pending', attempts: 1 });
    expect(rows.get(2)?.nextAttemptAt).toEqual(rows.get(0)?.nextAttemptAt);
  });

  it('caps the backoff at 10 s, and tries at the cap do not spend the attempt budget', async () => {
    await t.cleanup();
    t = await createTestDeps({ env: { OUTBOX_MAX_ATTEMPTS: '6' } });
    const [id] = await enqueue(1);
    const down = (): SendOutcome => ({ type: 'unavailable', message: 'Jira answered 503' });
    const { sender, batches } = scriptedSender(Array.from({ length: 40 }, () => down));
    const waits: number[] = [];
    for (let i = 0; i < 40; i++) {
      await drainOutbox(t.deps, [sender], { random: () => 1 });
      const item = await getOutboxItem(t.deps, String(id));
      waits.push(item.nextAttemptAt.getTime() - t.clock.now().getTime());
      t.clock.advance(waits[i] ?? 0);
    }
    expect(waits.slice(0, 6)).toEqual([1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
    expect(Math.max(...waits)).toBe(10_000);
    // 40 tries, but only those while the backoff grew counted: the budget of 6 is not used up.
    expect(await getOutboxItem(t.deps, String(id))).toMatchObject({
      status: 'pending',
      attempts: 5,
    });
    await drainOutbox(t.deps, [sender]);
    expect(batches).toHaveLength(41);
    expect(await getOutboxItem(t.deps, String(id))).toMatchObject({ status: 'delivered' });
  });

  it('does not let deliveries that fail together grow the backoff more than one step', async () => {
    await enqueue(4);
    let arrived = 0;
    let release: () => void = () => undefined;
    const together = new Promise<void>((resolve) => {
      release = resolve;
    });
    /** Failures recorded so far (rescheduled items note why). */
    const recorded = async () =>
      (await listOutboxItems(t.deps, { limit: 10 })).filter((row) => row.lastError !== null).length;
    const sender: OutboxSender = {
      kind: 'test.kind',
      maxBatch: 1,
      async send() {
        arrived += 1;
        const turn = arrived;
        if (arrived === 4) release();
        // All four are in flight at once; their failures come back one after another.
        await together;
        while ((await recorded()) < turn - 1) await new Promise((resolve) => setImmediate(resolve));
        return { type: 'unavailable', message: 'Jira answered 503' };
      },
    };
    const forwarder = createForwarder(t.deps, [sender], { random: never });
    await Promise.all([1, 2, 3, 4].map(() => forwarder.runOnce()));
    const hold = await createOutboxRepo(t.deps.store).getHold(t.deps.store.db, 'site-1');
    expect(hold?.failures).toBe(1);
    const due = new Set(
      (await listOutboxItems(t.deps, { limit: 10 })).map((r) => +r.nextAttemptAt),
    );
    expect(due).toEqual(new Set([t.clock.now().getTime() + 1_000]));
  });

  it.each([
    ['a failure', 'unavailable', true],
    ['a 429', 'rate_limited', false],
  ] as const)(
    'a success lifts the hold %s set meanwhile: %s → released %s',
    async (_what, type, released) => {
      await enqueue(5);
      let firstDone: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => {
        firstDone = resolve;
      });
      const sent: number[] = [];
      const sender: OutboxSender = {
        kind: 'test.kind',
        maxBatch: 1,
        async send(_target, items) {
          const n = JSON.parse(items[0]?.payload ?? '{}').n;
          sent.push(n);
          if (n === 0 && sent.length === 1) {
            return type === 'unavailable'
              ? { type, message: 'Jira answered 503' }
              : { type, message: 'Jira answered 429', retryAfterMs: 30_000 };
          }
          if (n === 1) await gate;
          return { type: 'delivered', verdicts: new Map() };
        },
      };
      const forwarder = createForwarder(t.deps, [sender], { random: never });
      // Two deliveries at once: the first fails and holds the target, then the second succeeds.
      await Promise.all([forwarder.runOnce().then(firstDone), forwarder.runOnce()]);
      await forwarder.drain();
      if (released) {
        expect(sent).toEqual([0, 1, 0, 2, 3, 4]);
        expect(new Set(await statuses())).toEqual(new Set(['delivered']));
      } else {
        expect(sent).toEqual([0, 1]);
        t.clock.advance(30_000);
        await forwarder.drain();
        expect(sent).toEqual([0, 1, 0, 2, 3, 4]);
      }
    },
  );
});
