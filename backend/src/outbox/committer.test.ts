import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../db/store.ts';
import { createTestDeps, STORE_KINDS, type TestDeps } from '../testing/index.ts';
import { outboxCommitterFor } from './committer.ts';
import { listOutboxItems } from './service.ts';

describe.each(STORE_KINDS)('outbox group commit on %s', (kind) => {
  let t: TestDeps;
  beforeAll(async () => {
    t = await createTestDeps({ store: kind });
  });
  afterAll(() => t.cleanup());
  beforeEach(async () => {
    await t.deps.store.transaction((tx) => tx.delete(t.deps.store.tables.outboxItems));
  });

  const item = (n: number, dedupeKey?: string) => ({
    kind: 'test.kind',
    target: 'site-1',
    payload: `{"n":${n}}`,
    ...(dedupeKey ? { dedupeKey } : {}),
  });
  /** The store, counting transactions and letting a test hold one back. */
  function countingStore(gate?: (call: number) => Promise<void> | undefined) {
    const counter = { transactions: 0 };
    const store: Store = {
      ...t.deps.store,
      transaction: async (work) => {
        counter.transactions += 1;
        await gate?.(counter.transactions);
        return t.deps.store.transaction(work);
      },
    };
    return { store, counter };
  }
  const stored = async () =>
    (await listOutboxItems(t.deps, { limit: 100 })).map((row) => JSON.parse(row.payload).n).sort();

  it('commits concurrent requests in one transaction and answers each with its own ids', async () => {
    const { store, counter } = countingStore();
    const committer = outboxCommitterFor({ store, clock: t.clock });
    const [a, b, c] = await Promise.all([
      committer.commit([item(1), item(2)]),
      committer.commit([item(3, 'same')]),
      committer.commit([item(4, 'same'), item(5)]),
    ]);
    expect(counter.transactions).toBe(1);
    expect(a).toHaveLength(2);
    expect(c?.[0]).toBe(b?.[0]);
    expect(await stored()).toEqual([1, 2, 3, 5]);
    await committer.commit([item(6)]);
    expect(counter.transactions).toBe(2);
  });

  it('gives every concurrent post of the same item, in one group commit, the same id', async () => {
    const { store, counter } = countingStore();
    const committer = outboxCommitterFor({ store, clock: t.clock });
    const posts = await Promise.all(
      Array.from({ length: 6 }, (_, n) => committer.commit([item(7, 'build-7'), item(10 + n)])),
    );
    expect(counter.transactions).toBe(1);
    expect(new Set(posts.map((ids) => ids[0])).size).toBe(1);
    // Resent once more in a later commit: still the same item.
    const again = await committer.commit([item(7, 'build-7')]);
    expect(again).toEqual([posts[0]?.[0]]);
    expect(await stored()).toEqual([10, 11, 12, 13, 14, 15, 7]);
  });

  it('never makes an id twice, even when group commits make ids out of clock order', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    // The first transaction waits until a later commit (a millisecond on) has made its ids.
    const { store } = countingStore((call) => (call === 1 ? held : undefined));
    const committer = outboxCommitterFor({ store, clock: t.clock });
    t.clock.set('2026-03-01T08:00:00.000Z');
    const first = committer.commit([item(20)]);
    await new Promise((resolve) => setImmediate(resolve));
    t.clock.advance(1);
    const second = await committer.commit([item(21)]);
    release();
    const ids = [...(await first), ...second, ...(await committer.commit([item(22)]))];
    expect(new Set(ids).size).toBe(3);
    expect(await stored()).toEqual([20, 21, 22]);
  });

  it("commits each request on its own when the shared transaction fails, so one request's fault fails only itself", async () => {
    const { store } = countingStore((call) =>
      call === 1 ? Promise.reject(new Error('serialization failure')) : undefined,
    );
    const committer = outboxCommitterFor({ store, clock: t.clock });
    const results = await Promise.allSettled([
      committer.commit([item(30)]),
      committer.commit([item(31, 'k31')]),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    expect(await stored()).toEqual([30, 31]);
  });

  it('fails every request whose own transaction fails, writing nothing', async () => {
    const store: Store = {
      ...t.deps.store,
      transaction: () => Promise.reject(new Error('disk full')),
    };
    const committer = outboxCommitterFor({ store, clock: t.clock });
    const results = await Promise.allSettled([
      committer.commit([item(40)]),
      committer.commit([item(41)]),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await stored()).toEqual([]);
  });
});
