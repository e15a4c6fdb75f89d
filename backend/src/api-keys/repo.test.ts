import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../db/store.ts';
import { createTestStoreOptions, STORE_KINDS } from '../testing/index.ts';
import { type ApiKeyRow, createApiKeyRepo } from './repo.ts';

const at = (iso: string) => new Date(iso);
const row = (id: string, role: 'admin' | 'tool', createdAt: string): ApiKeyRow => ({
  id,
  name: `key ${id}`,
  role,
  prefix: 'tb_abcdefg',
  hash: `hash-${id}`,
  isBootstrap: false,
  createdAt: at(createdAt),
  lastUsedAt: null,
  revokedAt: null,
});

describe.each(STORE_KINDS)('api key repo on %s', (kind) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let repo: ReturnType<typeof createApiKeyRepo>;

  beforeAll(async () => {
    const location = await createTestStoreOptions(kind);
    cleanup = location.cleanup;
    store = await openStore(location.options);
    repo = createApiKeyRepo(store.tables);
    await store.transaction(async (tx) => {
      await repo.insert(tx, row('b', 'tool', '2026-01-02T00:00:00.000Z'));
      await repo.insert(tx, row('a', 'admin', '2026-01-01T00:00:00.000Z'));
      await repo.insert(tx, row('c', 'admin', '2026-01-03T00:00:00.000Z'));
    });
  });
  afterAll(async () => {
    await store.close();
    await cleanup();
  });

  it('lists oldest first and round-trips every column', async () => {
    const rows = await repo.list(store.db);
    expect(rows.map((r) => r.id)).toEqual(['a', 'b', 'c']);
    expect(rows[0]).toEqual(row('a', 'admin', '2026-01-01T00:00:00.000Z'));
  });

  it('refuses a second key with the same hash', async () => {
    await expect(
      store.transaction((tx) =>
        repo.insert(tx, { ...row('d', 'tool', '2026-01-04T00:00:00Z'), hash: 'hash-a' }),
      ),
    ).rejects.toThrow();
  });

  it('finds active keys by hash and forgets revoked ones', async () => {
    expect((await repo.findActiveByHash(store.db, 'hash-c'))?.id).toBe('c');
    expect(await repo.countActiveAdmins(store.db)).toBe(2);
    const revokedAt = at('2026-02-01T00:00:00.000Z');
    expect(await store.transaction((tx) => repo.revoke(tx, 'c', revokedAt))).toBe(true);
    expect(await store.transaction((tx) => repo.revoke(tx, 'c', revokedAt))).toBe(false);
    expect(await repo.findActiveByHash(store.db, 'hash-c')).toBeUndefined();
    expect((await repo.findById(store.db, 'c'))?.revokedAt).toEqual(revokedAt);
    expect(await repo.countActiveAdmins(store.db)).toBe(1);
  });

  it('records when a key was last used', async () => {
    const usedAt = at('2026-03-01T12:34:56.789Z');
    await store.transaction((tx) => repo.touch(tx, 'b', usedAt));
    expect((await repo.findById(store.db, 'b'))?.lastUsedAt).toEqual(usedAt);
  });
});
