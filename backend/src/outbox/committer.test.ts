import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../db/store.ts';
import { createTestDeps, type TestDeps } from '../testing/index.ts';
import { outboxCommitterFor } from './committer.ts';
import { listOutboxItems } from './service.ts';

describe('outbox group commit', () => {
  let t: TestDeps;
  beforeAll(async () => {
    t = await createTestDeps();
  });
  afterAll(() => t.cleanup());

  const item = (n: number, dedupeKey?: string) => ({
    kind: 'test.kind',
    target: 'site-1',
    payload: `{"n":${n}}`,
    ...(dedupeKey ? { dedupeKey } : {}),
  });

  it('commits concurrent requests in one transaction and answers each with its own ids', async () => {
    let transactions = 0;
    const store: Store = {
      ...t.deps.store,
      transaction: (work) => {
        transactions += 1;
        return t.deps.store.transaction(work);
      },
    };
    const committer = outboxCommitterFor({ store, clock: t.clock });
    const [a, b, c] = await Promise.all([
      committer.commit([item(1), item(2)]),
      committer.commit([item(3, 'same')]),
      committer.commit([item(4, 'same'), item(5)]),
    ]);
    expect(transactions).toBe(1);
    expect(a).toHaveLength(2);
    expect(c?.[0]).toBe(b?.[0]);
    const stored = await listOutboxItems(t.deps, { limit: 10 });
    expect(stored.map((row) => JSON.parse(row.payload).n).sort()).toEqual([1, 2, 3, 5]);
    await committer.commit([item(6)]);
    expect(transactions).toBe(2);
  });

  it('fails every request of a batch whose transaction failed, writing nothing', async () => {
    const store: Store = {
      ...t.deps.store,
      transaction: () => Promise.reject(new Error('disk full')),
    };
    const committer = outboxCommitterFor({ store, clock: t.clock });
    const results = await Promise.allSettled([
      committer.commit([item(7)]),
      committer.commit([item(8)]),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
