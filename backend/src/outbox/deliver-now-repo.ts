import { and, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Db, Store } from '../db/store.ts';
import type { OutboxRow } from './repo.ts';

/** Rows or keys per statement: well under both stores' parameter limits. */
const CHUNK = 1000;

/** The statements of deliver-now.ts: claiming and reading named items. */
export function createDeliverNowRepo(store: Pick<Store, 'dialect' | 'tables'>) {
  const t = store.tables.outboxItems;
  return {
    /**
     * Leases those of `ids` that are pending and due (not on hold, not taken by a forwarder) to
     * `owner`, counting an attempt, as the forwarder's claim does; SKIP LOCKED on PostgreSQL.
     */
    async claimIds(
      db: Db,
      input: { ids: readonly string[]; owner: string; now: Date; leaseUntil: Date },
    ): Promise<OutboxRow[]> {
      const claimed: OutboxRow[] = [];
      for (let from = 0; from < input.ids.length; from += CHUNK) {
        const wanted = input.ids.slice(from, from + CHUNK);
        const due = db
          .select({ id: t.id })
          .from(t)
          .where(
            and(inArray(t.id, wanted), eq(t.status, 'pending'), lte(t.nextAttemptAt, input.now)),
          );
        const ids = store.dialect === 'postgres' ? due.for('update', { skipLocked: true }) : due;
        claimed.push(
          ...(await db
            .update(t)
            .set({
              status: 'delivering',
              leaseOwner: input.owner,
              leaseExpiresAt: input.leaseUntil,
              attempts: sql`${t.attempts} + 1`,
              updatedAt: input.now,
            })
            .where(and(inArray(t.id, ids), eq(t.status, 'pending')))
            .returning()),
        );
      }
      return claimed.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    },
    async findByIds(db: Db, ids: readonly string[]): Promise<OutboxRow[]> {
      const rows: OutboxRow[] = [];
      for (let from = 0; from < ids.length; from += CHUNK) {
        rows.push(
          ...(await db
            .select()
            .from(t)
            .where(inArray(t.id, ids.slice(from, from + CHUNK)))),
        );
      }
      return rows;
    },
  };
}
