import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../db/store.ts';
import { createTestStoreOptions, STORE_KINDS } from '../testing/index.ts';
import { type AdminSessionRow, createAdminSessionRepo } from './session-repo.ts';

const row = (id: string, expiresAt: string): AdminSessionRow => ({
  id,
  keyId: 'key-1',
  createdAt: new Date('2026-01-01T00:00:00.000Z'),
  expiresAt: new Date(expiresAt),
});

describe.each(STORE_KINDS)('admin session repo on %s', (kind) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  const repo = () => createAdminSessionRepo(store.tables);

  beforeAll(async () => {
    const location = await createTestStoreOptions(kind);
    cleanup = location.cleanup;
    store = await openStore(location.options);
    await store.transaction(async (tx) => {
      await repo().insert(tx, row('a', '2026-01-01T08:00:00.000Z'));
      await repo().insert(tx, row('b', '2026-01-01T09:00:00.000Z'));
    });
  });
  afterAll(async () => {
    await store.close();
    await cleanup();
  });

  it('finds a session only before it expires, with every column as written', async () => {
    const before = new Date('2026-01-01T07:59:59.999Z');
    expect(await repo().findLive(store.db, 'a', before)).toEqual(
      row('a', '2026-01-01T08:00:00.000Z'),
    );
    expect(
      await repo().findLive(store.db, 'a', new Date('2026-01-01T08:00:00.000Z')),
    ).toBeUndefined();
    expect(await repo().findLive(store.db, 'nope', before)).toBeUndefined();
  });

  it('deletes expired sessions and one session by id', async () => {
    const now = new Date('2026-01-01T08:30:00.000Z');
    expect(await store.transaction((tx) => repo().deleteExpired(tx, now))).toBe(1);
    expect(await store.transaction((tx) => repo().delete(tx, 'b'))).toBe(true);
    expect(await store.transaction((tx) => repo().delete(tx, 'b'))).toBe(false);
  });
});
