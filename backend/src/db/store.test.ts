import { statSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStoreOptions, STORE_KINDS } from '../testing/index.ts';
import { openStore, type Store, type StoreOptions } from './store.ts';

describe.each(STORE_KINDS)('store on %s', (kind) => {
  let store: Store;
  let options: StoreOptions;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const location = await createTestStoreOptions(kind);
    options = location.options;
    cleanup = location.cleanup;
    store = await openStore(options);
  });
  afterAll(async () => {
    await store.close();
    await cleanup();
  });

  it('applies every migration on a fresh store', async () => {
    expect(await store.pendingMigrations()).toBe(0);
    await store.ping();
    const rows = await store.db.select().from(store.tables.apiKeys);
    expect(rows).toEqual([]);
  });

  it('applies nothing twice when opened again', async () => {
    const again = await openStore(options);
    expect(await again.pendingMigrations()).toBe(0);
    await again.close();
  });

  it('commits a transaction as a whole and rolls back as a whole', async () => {
    const t = store.tables.apiKeys;
    const row = (id: string) => ({
      id,
      name: id,
      role: 'tool' as const,
      prefix: 'tb_x',
      hash: `hash-${id}`,
      createdAt: new Date('2026-01-01T00:00:00Z'),
    });
    await expect(
      store.transaction(async (tx) => {
        await tx.insert(t).values(row('half-1'));
        await tx.insert(t).values(row('half-1'));
      }),
    ).rejects.toThrow();
    expect(await store.db.select().from(t)).toEqual([]);

    await store.transaction(async (tx) => {
      await tx.insert(t).values(row('whole-1'));
      await tx.insert(t).values(row('whole-2'));
    });
    const ids = (await store.db.select({ id: t.id }).from(t)).map((r) => r.id).sort();
    expect(ids).toEqual(['whole-1', 'whole-2']);
  });

  it('keeps concurrent transactions from seeing or undoing each other', async () => {
    const t = store.tables.apiKeys;
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        store.transaction(async (tx) => {
          await tx.insert(t).values({
            id: `c-${i}`,
            name: 'concurrent',
            role: 'tool',
            prefix: 'tb_c',
            hash: `c-${i}`,
            createdAt: new Date(),
          });
          if (i % 2 === 1) throw new Error('roll this one back');
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
    const rows = await store.query<{ n: number | string }>(
      store.db,
      sql`SELECT count(*) AS n FROM api_keys WHERE name = 'concurrent'`,
    );
    expect(Number(rows[0]?.n)).toBe(10);
  });
});

describe('store on sqlite', () => {
  it('copies the WAL into the database file in the background, so commits never wait for it', {
    timeout: 60_000,
  }, async () => {
    const location = await createTestStoreOptions('sqlite');
    if (location.options.kind !== 'sqlite') throw new Error('expected a SQLite location');
    const file = location.options.file;
    const store = await openStore(location.options);
    try {
      const before = statSync(file).size;
      // About 2 MB of rows: far below the writer's own checkpoint threshold (40 MiB).
      await store.transaction((tx) =>
        store.execute(
          tx,
          sql`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
              INSERT INTO api_keys (id, name, role, prefix, hash, created_at)
              SELECT 'bulk-' || i, printf('%.1000c', 'x'), 'tool', 'tb_b', 'bulk-' || i, 0 FROM n`,
        ),
      );
      let after = statSync(file).size;
      for (let waited = 0; after <= before + 1_000_000 && waited < 30_000; waited += 50) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        after = statSync(file).size;
      }
      expect(after).toBeGreaterThan(before + 1_000_000);
    } finally {
      await store.close();
      await location.cleanup();
    }
  });

  it('refuses writes outside a transaction, so no write can slip into another one', async () => {
    const location = await createTestStoreOptions('sqlite');
    const store = await openStore(location.options);
    try {
      const error = await store.execute(store.db, sql`DELETE FROM api_keys WHERE id = 'none'`).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(String((error as Error | undefined)?.cause)).toMatch(/readonly/);
    } finally {
      await store.close();
      await location.cleanup();
    }
  });
});
