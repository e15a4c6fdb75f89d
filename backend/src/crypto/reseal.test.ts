import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SealedColumn } from '../db/sealed-columns.ts';
import { openStore, type Store } from '../db/store.ts';
import { createLogCapture, createTestStoreOptions, STORE_KINDS } from '../testing/index.ts';
import { createKeyRing, generateMasterKey } from './keyring.ts';
import { resealAll } from './reseal.ts';
import { createSealer } from './sealer.ts';
import { PlainSecret, type SealedSecret } from './secret.ts';

const probe: SealedColumn = { table: 'reseal_probe', idColumn: 'id', column: 'secret' };
const bind = (rowId: string) => ({ table: probe.table, column: probe.column, rowId });

describe.each(STORE_KINDS)('resealAll on %s', (kind) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  const oldKey = generateMasterKey();
  const newKey = generateMasterKey();
  const { logger } = createLogCapture();

  beforeAll(async () => {
    const location = await createTestStoreOptions(kind);
    cleanup = location.cleanup;
    store = await openStore(location.options);
    await store.transaction((tx) =>
      store.execute(tx, sql`CREATE TABLE reseal_probe (id text PRIMARY KEY, secret text)`),
    );
  });
  afterAll(async () => {
    await store.close();
    await cleanup();
  });

  it('moves every value to the new key, keeps them readable, and can run again', async () => {
    const before = createSealer(createKeyRing(oldKey));
    await store.transaction(async (tx) => {
      for (let i = 0; i < 450; i++) {
        const id = `row-${String(i).padStart(4, '0')}`;
        const value = before.seal(new PlainSecret(`secret-${i}`), bind(id));
        await store.execute(
          tx,
          sql`INSERT INTO reseal_probe (id, secret) VALUES (${id}, ${value})`,
        );
      }
      await store.execute(tx, sql`INSERT INTO reseal_probe (id, secret) VALUES ('empty', NULL)`);
    });

    const after = createSealer(createKeyRing(newKey, [oldKey]));
    const report = await resealAll({ store, sealer: after, logger }, [probe]);
    expect(report).toEqual({ resealed: 450, changedMeanwhile: 0, failed: [] });

    const rows = await store.query<{ id: string; secret: string | null }>(
      store.db,
      sql`SELECT id, secret FROM reseal_probe WHERE secret IS NOT NULL ORDER BY id`,
    );
    const onlyNew = createSealer(createKeyRing(newKey));
    for (const [i, row] of rows.entries()) {
      expect(onlyNew.open(row.secret as SealedSecret, bind(row.id)).reveal()).toBe(`secret-${i}`);
    }
    expect(await resealAll({ store, sealer: after, logger }, [probe])).toEqual({
      resealed: 0,
      changedMeanwhile: 0,
      failed: [],
    });
  });

  it('reports a value it cannot open instead of overwriting it', async () => {
    const stranger = createSealer(createKeyRing(generateMasterKey()));
    const bad = stranger.seal(new PlainSecret('x'), bind('zz-bad'));
    await store.transaction((tx) =>
      store.execute(tx, sql`INSERT INTO reseal_probe (id, secret) VALUES ('zz-bad', ${bad})`),
    );
    const sealer = createSealer(createKeyRing(newKey, [oldKey]));
    const report = await resealAll({ store, sealer, logger }, [probe]);
    expect(report.failed.map((f) => [f.rowId, f.reason])).toEqual([
      ['zz-bad', expect.stringMatching(/no master key/)],
    ]);
    const rows = await store.query<{ secret: string }>(
      store.db,
      sql`SELECT secret FROM reseal_probe WHERE id = 'zz-bad'`,
    );
    expect(rows[0]?.secret).toBe(bad);
  });
});
