import type { Statement } from 'better-sqlite3';
import { and, eq, gt, inArray, isNotNull, isNull, lt, lte, ne, or } from 'drizzle-orm';
import { type Db, type Store, sqliteConnectionOf, type Tables } from '../db/store.ts';

export type OutboxHoldRow = Tables['outboxHolds']['$inferSelect'];
export type OutboxHoldCause = OutboxHoldRow['cause'];

/** SQLite: the hold in force on one target (asked at every group commit, so prepared once). */
const HOLD_IN_FORCE =
  'SELECT until FROM outbox_holds WHERE target = ? AND (until IS NULL OR until > ?)';
const holdStatements = new WeakMap<object, Statement<[string, number], { until: number | null }>>();

/** Holds on targets (after a 429, repeated failures or refused credentials) and their effect. */
export function createOutboxHoldRepo(store: Pick<Store, 'tables'>) {
  const t = store.tables.outboxItems;
  const h = store.tables.outboxHolds;
  const dueNow = (now: Date) => and(eq(t.status, 'pending'), lte(t.nextAttemptAt, now));
  return {
    async getHold(db: Db, target: string): Promise<OutboxHoldRow | undefined> {
      const rows = await db.select().from(h).where(eq(h.target, target)).limit(1);
      return rows[0];
    },
    /** Holds a target (until null: until released) and defers its pending items past the hold. */
    async hold(
      db: Db,
      input: Omit<OutboxHoldRow, 'cause'> & { cause?: OutboxHoldCause },
      deferUntil: Date,
    ): Promise<void> {
      const row = { ...input, cause: input.cause ?? 'unavailable' };
      await db
        .insert(h)
        .values(row)
        .onConflictDoUpdate({
          target: h.target,
          set: {
            until: row.until,
            reason: row.reason,
            failures: row.failures,
            cause: row.cause,
            updatedAt: row.updatedAt,
          },
        });
      await db
        .update(t)
        .set({ nextAttemptAt: deferUntil })
        .where(
          and(eq(t.target, row.target), eq(t.status, 'pending'), lt(t.nextAttemptAt, deferUntil)),
        );
    },
    /**
     * Until when each of these targets is held (open-ended holds: `openEnd`), for items enqueued
     * now. On PostgreSQL the hold rows are read FOR SHARE, so a release (or change) of one waits
     * for the enqueuing transaction and then sees its items; SQLite's writer is alone anyway and
     * asks with a raw prepared statement (building the query per commit cost more than running it).
     */
    async holdsInForce(
      db: Db,
      targets: string[],
      now: Date,
      openEnd: Date,
    ): Promise<Map<string, Date>> {
      const connection = sqliteConnectionOf(db);
      if (connection) {
        let statement = holdStatements.get(connection);
        if (!statement) {
          statement = connection.prepare<[string, number], { until: number | null }>(HOLD_IN_FORCE);
          holdStatements.set(connection, statement);
        }
        const holds = new Map<string, Date>();
        for (const target of targets) {
          const row = statement.get(target, now.getTime());
          if (row) holds.set(target, row.until === null ? openEnd : new Date(row.until));
        }
        return holds;
      }
      const rows = await db
        .select({ target: h.target, until: h.until })
        .from(h)
        .where(and(inArray(h.target, targets), or(isNull(h.until), gt(h.until, now))))
        .for('share');
      return new Map(rows.map((row) => [row.target, row.until ?? openEnd]));
    },
    /** Forgets a target's failure count after a success (an open-ended hold stays). */
    async clearFailures(db: Db, target: string): Promise<void> {
      await db.delete(h).where(and(eq(h.target, target), isNotNull(h.until)));
    },
    /**
     * After a delivery that started at `startedAt` succeeded, the target is reachable: a timed
     * hold is lifted and the target's waiting items are due now, unless it is a 429's hold set
     * while the delivery was in flight (Retry-After is kept). Returns whether one was lifted.
     */
    async releaseAfterSuccess(
      db: Db,
      target: string,
      startedAt: Date,
      now: Date,
    ): Promise<boolean> {
      const rows = await db
        .delete(h)
        .where(
          and(
            eq(h.target, target),
            isNotNull(h.until),
            or(ne(h.cause, 'rate_limited'), lt(h.updatedAt, startedAt)),
          ),
        )
        .returning({ target: h.target });
      if (rows.length === 0) return false;
      await db
        .update(t)
        .set({ nextAttemptAt: now })
        .where(and(eq(t.target, target), eq(t.status, 'pending'), gt(t.nextAttemptAt, now)));
      return true;
    },
    /** Moves a held target's items that fell due (arrived during the hold) past the hold. */
    async deferDue(db: Db, target: string, now: Date, until: Date): Promise<void> {
      await db
        .update(t)
        .set({ nextAttemptAt: until })
        .where(and(dueNow(now), eq(t.target, target)));
    },
    /** Lifts a hold; the target's pending items are due at `now`. */
    async releaseHold(db: Db, target: string, now: Date): Promise<boolean> {
      const rows = await db.delete(h).where(eq(h.target, target)).returning({ target: h.target });
      await db
        .update(t)
        .set({ nextAttemptAt: now })
        .where(and(eq(t.target, target), eq(t.status, 'pending'), gt(t.nextAttemptAt, now)));
      return rows.length > 0;
    },
    async activeHolds(db: Db, now: Date): Promise<OutboxHoldRow[]> {
      return db
        .select()
        .from(h)
        .where(or(isNull(h.until), gt(h.until, now)));
    },
  };
}
