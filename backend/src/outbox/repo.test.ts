import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../db/store.ts';
import { createTestStoreOptions, STORE_KINDS } from '../testing/index.ts';
import { createOutboxRepo, type NewOutboxRow, type OutboxRepo } from './repo.ts';
import { enqueueOutboxItems, newOutboxId, UNTIL_RELEASED } from './service.ts';

const t0 = new Date('2026-01-15T09:00:00.000Z');
const later = (ms: number) => new Date(t0.getTime() + ms);

let counter = 0;
function row(target: string, overrides: Partial<NewOutboxRow> = {}): NewOutboxRow {
  counter += 1;
  return {
    id: `evt_${String(counter).padStart(6, '0')}`,
    kind: 'test.kind',
    target,
    subject: 'pipeline-1',
    dedupeKey: null,
    payload: JSON.stringify({ n: counter }),
    status: 'pending',
    attempts: 0,
    nextAttemptAt: t0,
    createdAt: t0,
    updatedAt: t0,
    ...overrides,
  };
}

describe.each(STORE_KINDS)('outbox repo on %s', (kind) => {
  let store: Store;
  let second: Store;
  let cleanup: () => Promise<void>;
  let repo: OutboxRepo;

  beforeAll(async () => {
    const location = await createTestStoreOptions(kind);
    cleanup = location.cleanup;
    store = await openStore(location.options);
    second = kind === 'postgres' ? await openStore(location.options) : store;
    repo = createOutboxRepo(store);
  });
  afterAll(async () => {
    if (second !== store) await second.close();
    await store.close();
    await cleanup();
  });
  beforeEach(async () => {
    await store.transaction(async (tx) => {
      await tx.delete(store.tables.outboxItems);
      await tx.delete(store.tables.outboxHolds);
    });
  });

  const claim = (db: Store, target: string, owner: string, limit = 100, now = t0) =>
    db.transaction((tx) =>
      createOutboxRepo(db).claim(tx, {
        target,
        kind: 'test.kind',
        limit,
        owner,
        now,
        leaseUntil: new Date(now.getTime() + 60_000),
      }),
    );

  it('round-trips every column', async () => {
    const original = row('site-a', {
      dedupeKey: 'k1',
      detail: '{"x":1}',
      leaseExpiresAt: later(5),
    });
    await store.transaction((tx) => repo.insertMany(tx, [original]));
    const found = await repo.findById(store.db, String(original.id));
    expect(found).toEqual({
      ...original,
      leaseOwner: null,
      verdict: null,
      explanation: null,
      lastError: null,
      settledAt: null,
    });
  });

  it('skips a row whose dedupe key exists and gives back the first id', async () => {
    const ids = await store.transaction((tx) =>
      enqueueOutboxItems(
        store,
        tx,
        [
          { kind: 'test.kind', target: 's', dedupeKey: 'same', payload: '{}' },
          { kind: 'test.kind', target: 's', dedupeKey: 'same', payload: '{}' },
          { kind: 'test.kind', target: 's', dedupeKey: 'other', payload: '{}' },
        ],
        t0,
      ),
    );
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).not.toBe(ids[0]);
    const again = await store.transaction((tx) =>
      enqueueOutboxItems(
        store,
        tx,
        [{ kind: 'test.kind', target: 's', dedupeKey: 'other', payload: '{}' }],
        t0,
      ),
    );
    expect(again).toEqual([ids[2]]);
    expect(await repo.list(store.db, { limit: 10 })).toHaveLength(2);
  });

  it('enqueues items for a held target due when the hold ends, and due now once released', async () => {
    const enqueue = (target: string, key: string, now: Date) =>
      store.transaction((tx) =>
        enqueueOutboxItems(
          store,
          tx,
          [{ kind: 'test.kind', target, dedupeKey: key, payload: '{}' }],
          now,
        ),
      );
    await store.transaction(async (tx) => {
      await repo.hold(
        tx,
        { target: 'held', until: null, reason: '401', failures: 0, updatedAt: t0 },
        UNTIL_RELEASED,
      );
      await repo.hold(
        tx,
        { target: 'until', until: later(60_000), reason: '429', failures: 0, updatedAt: t0 },
        later(60_000),
      );
      await repo.hold(
        tx,
        { target: 'over', until: later(5), reason: '503', failures: 1, updatedAt: t0 },
        later(5),
      );
    });
    const [held] = await enqueue('held', 'h1', later(10));
    const [until] = await enqueue('until', 'u1', later(10));
    const [over] = await enqueue('over', 'o1', later(10));
    const [free] = await enqueue('free', 'f1', later(10));
    const dueAt = async (id: string | undefined) =>
      (await repo.findById(store.db, String(id)))?.nextAttemptAt;
    expect(await dueAt(held)).toEqual(UNTIL_RELEASED);
    expect(await dueAt(until)).toEqual(later(60_000));
    expect(await dueAt(over)).toEqual(later(10));
    expect(await dueAt(free)).toEqual(later(10));
    expect(await repo.nextDueGroup(store.db, later(20), ['test.kind'])).toMatchObject({
      target: 'over',
    });
    await store.transaction((tx) => repo.releaseHold(tx, 'held', later(30)));
    expect(await dueAt(held)).toEqual(later(30));
    expect(await claim(store, 'held', 'me', 100, later(30))).toHaveLength(1);
  });

  it('gives an item a new id when its id is taken already, instead of failing the commit', async () => {
    // The id the next call will make: same time and tag, the counter one on.
    const probe = newOutboxId(later(40));
    const next = `${probe.slice(0, 14)}${(Number.parseInt(probe.slice(14, 19), 36) + 1).toString(36).padStart(5, '0')}${probe.slice(19)}`;
    await store.transaction((tx) => repo.insertMany(tx, [row('site-t', { id: next })]));
    expect(
      await store.transaction((tx) => repo.insertMany(tx, [row('site-t', { id: next })])),
    ).toEqual([]);
    const [id, keyed] = await store.transaction((tx) =>
      enqueueOutboxItems(
        store,
        tx,
        [
          { kind: 'test.kind', target: 'site-t', payload: '{"n":"a"}' },
          { kind: 'test.kind', target: 'site-t', dedupeKey: 'taken-k', payload: '{"n":"b"}' },
        ],
        later(40),
      ),
    );
    expect(id).not.toBe(next);
    expect((await repo.findById(store.db, String(id)))?.payload).toBe('{"n":"a"}');
    expect((await repo.findById(store.db, String(keyed)))?.dedupeKey).toBe('taken-k');
  });

  it('lifts a timed hold after a success, a 429 only when it was set before the delivery began', async () => {
    const hold = (target: string, cause: 'unavailable' | 'rate_limited', updatedAt: Date) =>
      store.transaction((tx) =>
        repo.hold(
          tx,
          { target, until: later(60_000), reason: 'x', failures: 1, cause, updatedAt },
          later(60_000),
        ),
      );
    await store.transaction((tx) => repo.insertMany(tx, [row('a'), row('b'), row('c')]));
    await hold('a', 'unavailable', later(10));
    await hold('b', 'rate_limited', later(10));
    await hold('c', 'rate_limited', later(5));
    const release = (target: string) =>
      store.transaction((tx) => repo.releaseAfterSuccess(tx, target, later(8), later(20)));
    expect(await release('a')).toBe(true);
    expect(await release('b')).toBe(false);
    expect(await release('c')).toBe(true);
    const due = await repo.nextDueGroup(store.db, later(20), ['test.kind']);
    expect(due?.target).not.toBe('b');
    expect(await claim(store, 'a', 'me', 100, later(20))).toHaveLength(1);
    expect(await claim(store, 'c', 'me', 100, later(20))).toHaveLength(1);
    expect(await claim(store, 'b', 'me', 100, later(20))).toHaveLength(0);
  });

  it('inserts thousands of rows at once (group commit) within the parameter limits', async () => {
    const many = Array.from({ length: 4500 }, (_, n) => row('site-z', { dedupeKey: `bulk-${n}` }));
    const inserted = await store.transaction((tx) => repo.insertMany(tx, many));
    expect(inserted).toHaveLength(4500);
    const again = await store.transaction((tx) => repo.insertMany(tx, many));
    expect(again).toHaveLength(0);
    const found = await repo.findByDedupeKeys(
      store.db,
      many.map((r) => String(r.dedupeKey)),
    );
    expect(found).toHaveLength(4500);
  });

  it('claims due items of one target oldest first, once, counting an attempt', async () => {
    await store.transaction((tx) =>
      repo.insertMany(tx, [
        row('site-a'),
        row('site-a', { nextAttemptAt: later(60_000) }),
        row('site-b'),
        row('site-a'),
      ]),
    );
    expect(await repo.nextDueGroup(store.db, t0, ['test.kind'])).toEqual({
      target: 'site-a',
      kind: 'test.kind',
    });
    expect(await repo.nextDueGroup(store.db, t0, ['other.kind'])).toBeUndefined();
    const claimed = await claim(store, 'site-a', 'me');
    expect(claimed).toHaveLength(2);
    expect(claimed.every((r) => r.status === 'delivering' && r.attempts === 1)).toBe(true);
    expect(claimed.every((r) => r.leaseOwner === 'me')).toBe(true);
    expect(await claim(store, 'site-a', 'other')).toHaveLength(0);
  });

  it('settles only what the owner still leases', async () => {
    const [a, b] = [row('site-a'), row('site-a')];
    await store.transaction((tx) => repo.insertMany(tx, [a, b]));
    await claim(store, 'site-a', 'me');
    const outcome = {
      status: 'delivered' as const,
      verdict: 'accepted',
      explanation: 'ok',
      detail: null,
    };
    const settled = await store.transaction((tx) =>
      repo.settle(tx, [String(a.id), String(b.id)], 'someone-else', outcome, later(1)),
    );
    expect(settled).toEqual([]);
    const mine = await store.transaction((tx) =>
      repo.settle(tx, [String(a.id)], 'me', outcome, later(1)),
    );
    expect(mine).toEqual([a.id]);
    const found = await repo.findById(store.db, String(a.id));
    expect(found).toMatchObject({
      status: 'delivered',
      verdict: 'accepted',
      leaseOwner: null,
      settledAt: later(1),
    });
  });

  it('gives expired leases back and reschedules with or without counting the attempt', async () => {
    const a = row('site-a');
    await store.transaction((tx) => repo.insertMany(tx, [a]));
    await claim(store, 'site-a', 'crashed');
    expect(await store.transaction((tx) => repo.releaseExpiredLeases(tx, later(59_000)))).toBe(0);
    expect(await store.transaction((tx) => repo.releaseExpiredLeases(tx, later(60_000)))).toBe(1);
    const [again] = await claim(store, 'site-a', 'me', 100, later(60_000));
    expect(again?.attempts).toBe(2);
    await store.transaction((tx) =>
      repo.reschedule(tx, [String(a.id)], 'me', {
        nextAttemptAt: later(120_000),
        lastError: 'HTTP 429',
        refundAttempt: true,
        now: later(60_000),
      }),
    );
    expect(await repo.findById(store.db, String(a.id))).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: 'HTTP 429',
      nextAttemptAt: later(120_000),
    });
  });

  it('holds a target: its items wait, other targets go first, release makes them due', async () => {
    await store.transaction((tx) =>
      repo.insertMany(tx, [row('site-a'), row('site-b', { nextAttemptAt: later(10) })]),
    );
    await store.transaction((tx) =>
      repo.hold(
        tx,
        { target: 'site-a', until: null, reason: '401', failures: 0, updatedAt: t0 },
        UNTIL_RELEASED,
      ),
    );
    expect(await repo.nextDueGroup(store.db, later(10), ['test.kind'])).toMatchObject({
      target: 'site-b',
    });
    expect(await claim(store, 'site-a', 'me', 100, later(10))).toHaveLength(0);
    expect((await repo.activeHolds(store.db, later(10))).map((h) => h.target)).toEqual(['site-a']);
    // An item arriving during the hold is due until the forwarder moves it past the hold.
    await store.transaction((tx) =>
      repo.insertMany(tx, [row('site-a', { nextAttemptAt: later(5) })]),
    );
    expect(await repo.nextDueGroup(store.db, later(10), ['test.kind'])).toMatchObject({
      target: 'site-a',
    });
    await store.transaction((tx) => repo.deferDue(tx, 'site-a', later(10), UNTIL_RELEASED));
    expect(await repo.nextDueGroup(store.db, later(10), ['test.kind'])).toMatchObject({
      target: 'site-b',
    });
    await store.transaction((tx) => repo.releaseHold(tx, 'site-a', later(20)));
    expect(await claim(store, 'site-a', 'me', 100, later(20))).toHaveLength(2);
  });

  it('turns old pending items into dead letters and retries them on demand', async () => {
    const [old, fresh] = [row('site-a'), row('site-a', { createdAt: later(10_000) })];
    await store.transaction((tx) => repo.insertMany(tx, [old, fresh]));
    const dead = {
      status: 'dead' as const,
      verdict: 'gave_up',
      explanation: 'too old',
      detail: null,
    };
    expect(await store.transaction((tx) => repo.expirePending(tx, later(1), dead, later(2)))).toBe(
      1,
    );
    expect(await repo.countByStatus(store.db)).toEqual(
      expect.arrayContaining([
        { kind: 'test.kind', status: 'dead', n: 1 },
        { kind: 'test.kind', status: 'pending', n: 1 },
      ]),
    );
    expect(await repo.list(store.db, { status: 'dead', limit: 10 })).toHaveLength(1);
    const retried = await store.transaction((tx) => repo.retryDead(tx, { now: later(3) }));
    expect(retried).toEqual([old.id]);
    expect(await repo.findById(store.db, String(old.id))).toMatchObject({
      status: 'pending',
      attempts: 0,
      verdict: null,
    });
  });

  it('lists by target and subject, newest first, and prunes old settled items', async () => {
    const items = [row('site-a'), row('site-a', { subject: 'other' }), row('site-a')];
    await store.transaction((tx) => repo.insertMany(tx, items));
    const listed = await repo.list(store.db, {
      target: 'site-a',
      subject: 'pipeline-1',
      limit: 10,
    });
    expect(listed.map((r) => r.id)).toEqual([items[2]?.id, items[0]?.id]);
    const page = await repo.list(store.db, {
      target: 'site-a',
      beforeId: String(items[2]?.id),
      limit: 10,
    });
    expect(page.map((r) => r.id)).toEqual([items[1]?.id, items[0]?.id]);
    await claim(store, 'site-a', 'me');
    const ok = {
      status: 'delivered' as const,
      verdict: 'accepted',
      explanation: 'ok',
      detail: null,
    };
    await store.transaction((tx) =>
      repo.settle(
        tx,
        items.map((i) => String(i.id)),
        'me',
        ok,
        t0,
      ),
    );
    expect(await store.transaction((tx) => repo.prune(tx, later(1)))).toBe(3);
  });

  it('never hands the same item to two concurrent claimers', async () => {
    const rows = Array.from({ length: 400 }, () => row('site-c'));
    await store.transaction((tx) => repo.insertMany(tx, rows));
    const claimer = async (db: Store, owner: string) => {
      const got: string[] = [];
      for (;;) {
        const batch = await claim(db, 'site-c', owner, 7);
        if (batch.length === 0) return got;
        got.push(...batch.map((r) => r.id));
      }
    };
    // SQLite is one process's store: its claimers share the single writer. PostgreSQL replicas
    // each have their own pool.
    const other = kind === 'postgres' ? second : store;
    const results = await Promise.all([
      claimer(store, 'one'),
      claimer(other, 'two'),
      claimer(store, 'three'),
      claimer(other, 'four'),
    ]);
    const all = results.flat();
    expect(new Set(all).size).toBe(all.length);
    expect(all.sort()).toEqual(rows.map((r) => r.id).sort());
    if (kind === 'postgres') expect(results.filter((r) => r.length > 0).length).toBeGreaterThan(1);
  });
});
