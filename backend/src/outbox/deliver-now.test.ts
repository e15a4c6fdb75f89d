import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDeps, STORE_KINDS, type TestDeps } from '../testing/index.ts';
import { outboxDeliverNowFor } from './deliver-now.ts';
import { createForwarder } from './forwarder.ts';
import { createOutboxRepo } from './repo.ts';
import type { OutboxItem, OutboxSender } from './sender.ts';
import { enqueueOutboxItems } from './service.ts';

function recordingSender(maxBatch = 100) {
  const batches: string[][] = [];
  const sender: OutboxSender = {
    kind: 'test.kind',
    maxBatch,
    async send(_target, items: readonly OutboxItem[]) {
      batches.push(items.map((item) => item.id));
      return {
        type: 'delivered',
        verdicts: new Map(
          items.map((item) => [
            item.id,
            { status: 'delivered', verdict: 'accepted', explanation: 'Accepted.' } as const,
          ]),
        ),
      };
    },
  };
  return { sender, batches };
}

describe.each(STORE_KINDS)('deliver these committed items now (%s)', (store) => {
  let t: TestDeps;
  beforeEach(async () => {
    t = await createTestDeps({ store });
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
          payload: JSON.stringify({ n, target }),
        })),
        t.clock.now(),
      ),
    );

  it('sends the items of concurrent callers together, per target, in batches of maxBatch, and settles them', async () => {
    const { sender, batches } = recordingSender(3);
    const deliverer = outboxDeliverNowFor(t.deps, [sender]);
    const a = await enqueue(4, 'site-1');
    const b = await enqueue(1, 'site-2');
    const [rowsA, rowsB] = await Promise.all([deliverer.deliver(a), deliverer.deliver(b)]);
    expect(batches.map((batch) => batch.length).sort()).toEqual([1, 1, 3]);
    expect([...rowsA.values()].map((row) => [row.status, row.verdict, row.attempts])).toEqual(
      a.map(() => ['delivered', 'accepted', 1]),
    );
    expect(rowsB.get(b[0] ?? '')?.status).toBe('delivered');
  });

  it('keeps one deliverer per set of kinds, so a second feature on the same store gets its own senders', async () => {
    const first = recordingSender();
    outboxDeliverNowFor(t.deps, [first.sender]);
    const other = recordingSender();
    const otherSender: OutboxSender = { ...other.sender, kind: 'other.kind' };
    const ids = await t.deps.store.transaction((tx) =>
      enqueueOutboxItems(
        t.deps.store,
        tx,
        [{ kind: 'other.kind', target: 'site-1', payload: '{}' }],
        t.clock.now(),
      ),
    );
    const rows = await outboxDeliverNowFor(t.deps, [otherSender]).deliver(ids);
    expect(rows.get(ids[0] ?? '')?.status).toBe('delivered');
    expect(other.batches).toEqual([ids]);
    expect(first.batches).toEqual([]);
  });

  it('never takes an item a forwarder claimed, or one not due (a held target), and sends nothing twice', async () => {
    const { sender, batches } = recordingSender();
    const leased = await enqueue(2, 'site-1');
    const forwarder = createForwarder(t.deps, [sender], { owner: 'other' });
    // Another forwarder's claim, left in flight (its batch never answered here).
    const claimed = await t.deps.store.transaction(async (tx) => {
      return createOutboxRepo(t.deps.store).claim(tx, {
        target: 'site-1',
        kind: 'test.kind',
        limit: 100,
        owner: forwarder.owner,
        now: t.clock.now(),
        leaseUntil: new Date(t.clock.now().getTime() + 60_000),
      });
    });
    expect(claimed).toHaveLength(2);
    const rows = await outboxDeliverNowFor(t.deps, [sender]).deliver(leased);
    expect(batches).toEqual([]);
    expect([...rows.values()].map((row) => row.status)).toEqual(['delivering', 'delivering']);

    t.clock.advance(1);
    const [held] = await enqueue(1, 'site-3');
    await t.deps.store.transaction(async (tx) => {
      const until = new Date(t.clock.now().getTime() + 60_000);
      await createOutboxRepo(t.deps.store).hold(
        tx,
        { target: 'site-3', until, reason: 'backing off', failures: 1, updatedAt: t.clock.now() },
        until,
      );
    });
    const heldRows = await outboxDeliverNowFor(t.deps, [sender]).deliver([held ?? '']);
    expect(heldRows.get(held ?? '')?.status).toBe('pending');
    expect(batches).toEqual([]);
  });
});
