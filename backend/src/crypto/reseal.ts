import { sql } from 'drizzle-orm';
import type { SealedColumn } from '../db/sealed-columns.ts';
import type { Store } from '../db/store.ts';
import type { Logger } from '../http/logger.ts';
import type { Sealer } from './sealer.ts';
import type { SealedSecret } from './secret.ts';

const BATCH = 200;

export interface ResealReport {
  resealed: number;
  /** Rows changed by the running service between our read and our write; they already carry a fresh value. */
  changedMeanwhile: number;
  failed: { table: string; column: string; rowId: string; reason: string }[];
}

/**
 * Re-seals every sealed value that is not under the sealer's primary key. Safe while the service
 * runs: each row is replaced only if it still holds the value that was read (compare-and-set).
 */
export async function resealAll(
  deps: { store: Store; sealer: Sealer; logger: Logger },
  columns: readonly SealedColumn[],
): Promise<ResealReport> {
  const report: ResealReport = { resealed: 0, changedMeanwhile: 0, failed: [] };
  const current = `tbs1.${deps.sealer.primaryKeyId}.%`;
  for (const target of columns) {
    const table = sql.identifier(target.table);
    const id = sql.identifier(target.idColumn);
    const column = sql.identifier(target.column);
    let after = '';
    for (;;) {
      const rows = await deps.store.query<{ id: string; value: string }>(
        deps.store.db,
        sql`SELECT ${id} AS id, ${column} AS value FROM ${table}
            WHERE ${column} IS NOT NULL AND ${column} NOT LIKE ${current} AND ${id} > ${after}
            ORDER BY ${id} LIMIT ${BATCH}`,
      );
      if (rows.length === 0) break;
      after = rows[rows.length - 1]?.id ?? after;
      await deps.store.transaction(async (tx) => {
        for (const row of rows) {
          const binding = { table: target.table, column: target.column, rowId: row.id };
          let fresh: SealedSecret;
          try {
            fresh = deps.sealer.seal(deps.sealer.open(row.value as SealedSecret, binding), binding);
          } catch (error) {
            report.failed.push({ ...binding, reason: String(error) });
            continue;
          }
          const changed = await deps.store.execute(
            tx,
            sql`UPDATE ${table} SET ${column} = ${fresh} WHERE ${id} = ${row.id} AND ${column} = ${row.value}`,
          );
          if (changed === 1) report.resealed += 1;
          else report.changedMeanwhile += 1;
        }
      });
    }
  }
  deps.logger.info(
    {
      resealed: report.resealed,
      changedMeanwhile: report.changedMeanwhile,
      failed: report.failed.length,
      primaryKeyId: deps.sealer.primaryKeyId,
    },
    'reseal finished',
  );
  return report;
}
