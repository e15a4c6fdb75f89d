import {
  and,
  asc,
  count,
  desc,
  eq,
  gt,
  inArray,
  isNotNull,
  isNull,
  lt,
  lte,
  or,
  sql,
} from 'drizzle-orm';
import type { Db, Store, Tables } from '../db/store.ts';

export type OutboxRow = Tables['outboxItems']['$inferSelect'];
export type NewOutboxRow = Tables['outboxItems']['$inferInsert'];
export type OutboxStatus = OutboxRow['status'];
export type OutboxHoldRow = Tables['outboxHolds']['$inferSelect'];

/** Rows or keys per statement: well under both stores' parameter limits. */
const CHUNK = 1000;

/** The optional columns, for a prepared insert that names every column. */
const EMPTY_ROW = {
  subject: null,
  dedupeKey: null,
  attempts: 0,
  leaseOwner: null,
  leaseExpiresAt: null,
  verdict: null,
  explanation: null,
  detail: null,
  lastError: null,
  settledAt: null,
} as const;

/** Prepared statements per connection object (the SQLite writer is one object for every write). */
const insertStatements = new WeakMap<Db, PreparedInsert>();
type PreparedInsert = {
  execute(
    row: Omit<NewOutboxRow, 'leaseExpiresAt' | 'settledAt'> & {
      leaseExpiresAt: number | null;
      settledAt: number | null;
    },
  ): PromiseLike<unknown>;
};

/** better-sqlite3's run result: `{ changes }`. */
function changedRows(result: unknown): number {
  return typeof result === 'object' && result !== null && 'changes' in result
    ? Number(result.changes)
    : 0;
}

/** What a settled item records: how it ended and why, in words a CI user understands. */
export interface Settlement {
  status: 'delivered' | 'rejected' | 'dead';
  verdict: string;
  explanation: string;
  detail: string | null;
}

export interface OutboxListFilter {
  target?: string | undefined;
  kind?: string | undefined;
  subject?: string | undefined;
  status?: OutboxStatus | undefined;
  /** Items created before this id's item (paging, newest first). */
  beforeId?: string | undefined;
  limit: number;
}

/**
 * The outbox table: inserts with dedupe, claiming with a lease (FOR UPDATE SKIP LOCKED on
 * PostgreSQL; SQLite's single writer already serialises claims), settling and holds.
 */
export function createOutboxRepo(store: Pick<Store, 'dialect' | 'tables'>) {
  const t = store.tables.outboxItems;
  const h = store.tables.outboxHolds;
  const dueNow = (now: Date) => and(eq(t.status, 'pending'), lte(t.nextAttemptAt, now));
  const preparedInsert = (db: Db) => {
    let statement = insertStatements.get(db);
    if (!statement) {
      statement = db
        .insert(t)
        .values({
          id: sql.placeholder('id'),
          kind: sql.placeholder('kind'),
          target: sql.placeholder('target'),
          subject: sql.placeholder('subject'),
          dedupeKey: sql.placeholder('dedupeKey'),
          payload: sql.placeholder('payload'),
          status: sql.placeholder('status'),
          attempts: sql.placeholder('attempts'),
          nextAttemptAt: sql.placeholder('nextAttemptAt'),
          leaseOwner: sql.placeholder('leaseOwner'),
          leaseExpiresAt: sql`${sql.placeholder('leaseExpiresAt')}`,
          verdict: sql.placeholder('verdict'),
          explanation: sql.placeholder('explanation'),
          detail: sql.placeholder('detail'),
          lastError: sql.placeholder('lastError'),
          createdAt: sql.placeholder('createdAt'),
          updatedAt: sql.placeholder('updatedAt'),
          settledAt: sql`${sql.placeholder('settledAt')}`,
        })
        .onConflictDoNothing({ target: t.dedupeKey })
        .prepare('outbox_insert_one');
      insertStatements.set(db, statement);
    }
    return statement;
  };

  return {
    /** Inserts rows; a row whose dedupe key exists already is skipped. Returns the inserted ids. */
    async insertMany(
      db: Db,
      rows: NewOutboxRow[],
    ): Promise<{ id: string; dedupeKey: string | null }[]> {
      if (rows.length === 0) return [];
      if (store.dialect === 'sqlite') {
        // One prepared statement per row: SQLite runs it in microseconds, while building the
        // multi-row statement again for every request costs more than the insert itself.
        const insert = preparedInsert(db);
        const inserted: { id: string; dedupeKey: string | null }[] = [];
        for (const row of rows) {
          const result = await insert.execute({
            ...EMPTY_ROW,
            ...row,
            // Nullable timestamps go in raw (the column encoder does not take null), in ms.
            leaseExpiresAt: row.leaseExpiresAt?.getTime() ?? null,
            settledAt: row.settledAt?.getTime() ?? null,
          });
          if (changedRows(result) === 1)
            inserted.push({ id: row.id, dedupeKey: row.dedupeKey ?? null });
        }
        return inserted;
      }
      // Group commit can hand in thousands of rows; PostgreSQL takes at most 65,535 parameters.
      const inserted: { id: string; dedupeKey: string | null }[] = [];
      for (let from = 0; from < rows.length; from += CHUNK) {
        inserted.push(
          ...(await db
            .insert(t)
            .values(rows.slice(from, from + CHUNK))
            .onConflictDoNothing({ target: t.dedupeKey })
            .returning({ id: t.id, dedupeKey: t.dedupeKey })),
        );
      }
      return inserted;
    },
    async findByDedupeKeys(
      db: Db,
      keys: string[],
    ): Promise<{ id: string; dedupeKey: string | null }[]> {
      const found: { id: string; dedupeKey: string | null }[] = [];
      for (let from = 0; from < keys.length; from += CHUNK) {
        found.push(
          ...(await db
            .select({ id: t.id, dedupeKey: t.dedupeKey })
            .from(t)
            .where(inArray(t.dedupeKey, keys.slice(from, from + CHUNK)))),
        );
      }
      return found;
    },
    async findById(db: Db, id: string): Promise<OutboxRow | undefined> {
      const rows = await db.select().from(t).where(eq(t.id, id)).limit(1);
      return rows[0];
    },
    /** Newest first. */
    async list(db: Db, filter: OutboxListFilter): Promise<OutboxRow[]> {
      const conditions = [
        filter.target === undefined ? undefined : eq(t.target, filter.target),
        filter.kind === undefined ? undefined : eq(t.kind, filter.kind),
        filter.subject === undefined ? undefined : eq(t.subject, filter.subject),
        filter.status === undefined ? undefined : eq(t.status, filter.status),
        filter.beforeId === undefined ? undefined : lt(t.id, filter.beforeId),
      ];
      return db
        .select()
        .from(t)
        .where(and(...conditions))
        .orderBy(desc(t.id))
        .limit(filter.limit);
    },
    /** Items whose lease ran out (their forwarder died) become pending again. */
    async releaseExpiredLeases(db: Db, now: Date): Promise<number> {
      const rows = await db
        .update(t)
        .set({ status: 'pending', leaseOwner: null, leaseExpiresAt: null, updatedAt: now })
        .where(and(eq(t.status, 'delivering'), lte(t.leaseExpiresAt, now)))
        .returning({ id: t.id });
      return rows.length;
    },
    /** The target and kind of the oldest due item (its target may be on hold: see `deferDue`). */
    async nextDueGroup(
      db: Db,
      now: Date,
      kinds: string[],
    ): Promise<{ target: string; kind: string } | undefined> {
      if (kinds.length === 0) return undefined;
      const rows = await db
        .select({ target: t.target, kind: t.kind })
        .from(t)
        .where(and(dueNow(now), inArray(t.kind, kinds)))
        .orderBy(asc(t.nextAttemptAt), asc(t.id))
        .limit(1);
      return rows[0];
    },
    /** Leases up to `limit` due items of one target and kind to `owner`, counting an attempt. */
    async claim(
      db: Db,
      input: {
        target: string;
        kind: string;
        limit: number;
        owner: string;
        now: Date;
        leaseUntil: Date;
      },
    ): Promise<OutboxRow[]> {
      const due = db
        .select({ id: t.id })
        .from(t)
        .where(and(dueNow(input.now), eq(t.target, input.target), eq(t.kind, input.kind)))
        .orderBy(asc(t.nextAttemptAt), asc(t.id))
        .limit(input.limit);
      const ids = store.dialect === 'postgres' ? due.for('update', { skipLocked: true }) : due;
      const rows = await db
        .update(t)
        .set({
          status: 'delivering',
          leaseOwner: input.owner,
          leaseExpiresAt: input.leaseUntil,
          attempts: sql`${t.attempts} + 1`,
          updatedAt: input.now,
        })
        .where(and(inArray(t.id, ids), eq(t.status, 'pending')))
        .returning();
      return rows.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    },
    /** Records how items ended, only where `owner` still holds the lease. */
    async settle(
      db: Db,
      ids: string[],
      owner: string,
      outcome: Settlement,
      now: Date,
    ): Promise<string[]> {
      if (ids.length === 0) return [];
      const rows = await db
        .update(t)
        .set({
          ...outcome,
          leaseOwner: null,
          leaseExpiresAt: null,
          updatedAt: now,
          settledAt: now,
        })
        .where(and(inArray(t.id, ids), eq(t.leaseOwner, owner), eq(t.status, 'delivering')))
        .returning({ id: t.id });
      return rows.map((row) => row.id);
    },
    /** Puts leased items back to pending until `nextAttemptAt`, noting why. */
    async reschedule(
      db: Db,
      ids: string[],
      owner: string,
      input: { nextAttemptAt: Date; lastError: string; refundAttempt: boolean; now: Date },
    ): Promise<number> {
      if (ids.length === 0) return 0;
      const rows = await db
        .update(t)
        .set({
          status: 'pending',
          leaseOwner: null,
          leaseExpiresAt: null,
          nextAttemptAt: input.nextAttemptAt,
          lastError: input.lastError,
          updatedAt: input.now,
          ...(input.refundAttempt ? { attempts: sql`${t.attempts} - 1` } : {}),
        })
        .where(and(inArray(t.id, ids), eq(t.leaseOwner, owner), eq(t.status, 'delivering')))
        .returning({ id: t.id });
      return rows.length;
    },
    /** Pending items created before `cutoff` become dead letters. */
    async expirePending(db: Db, cutoff: Date, outcome: Settlement, now: Date): Promise<number> {
      const rows = await db
        .update(t)
        .set({ ...outcome, updatedAt: now, settledAt: now })
        .where(and(eq(t.status, 'pending'), lt(t.createdAt, cutoff)))
        .returning({ id: t.id });
      return rows.length;
    },
    /** Dead letters (all, or those listed) go back to pending with a fresh attempt budget. */
    async retryDead(
      db: Db,
      input: { ids?: string[]; target?: string; now: Date },
    ): Promise<string[]> {
      const rows = await db
        .update(t)
        .set({
          status: 'pending',
          attempts: 0,
          nextAttemptAt: input.now,
          verdict: null,
          explanation: null,
          detail: null,
          settledAt: null,
          updatedAt: input.now,
        })
        .where(
          and(
            eq(t.status, 'dead'),
            input.ids ? inArray(t.id, input.ids) : undefined,
            input.target === undefined ? undefined : eq(t.target, input.target),
          ),
        )
        .returning({ id: t.id });
      return rows.map((row) => row.id);
    },
    /**
     * Settled items created and settled before `cutoff` are forgotten. Ids sort by creation time,
     * so the primary key bounds the scan to old rows.
     */
    async prune(db: Db, cutoff: Date): Promise<number> {
      const rows = await db
        .delete(t)
        .where(
          and(
            lt(t.id, `evt_${cutoff.getTime().toString(36).padStart(10, '0')}`),
            inArray(t.status, ['delivered', 'rejected']),
            lt(t.settledAt, cutoff),
          ),
        )
        .returning({ id: t.id });
      return rows.length;
    },
    async countByStatus(db: Db): Promise<{ kind: string; status: OutboxStatus; n: number }[]> {
      return db
        .select({ kind: t.kind, status: t.status, n: count() })
        .from(t)
        .where(inArray(t.status, ['pending', 'delivering', 'dead']))
        .groupBy(t.kind, t.status);
    },
    /** When the next item falls due (ignoring holds), or undefined when nothing is pending. */
    async nextDueAt(db: Db): Promise<Date | undefined> {
      const rows = await db
        .select({ at: t.nextAttemptAt })
        .from(t)
        .where(eq(t.status, 'pending'))
        .orderBy(asc(t.nextAttemptAt))
        .limit(1);
      return rows[0]?.at;
    },
    async getHold(db: Db, target: string): Promise<OutboxHoldRow | undefined> {
      const rows = await db.select().from(h).where(eq(h.target, target)).limit(1);
      return rows[0];
    },
    /** Holds a target (until null: until released) and defers its pending items past the hold. */
    async hold(db: Db, row: OutboxHoldRow, deferUntil: Date): Promise<void> {
      await db
        .insert(h)
        .values(row)
        .onConflictDoUpdate({
          target: h.target,
          set: {
            until: row.until,
            reason: row.reason,
            failures: row.failures,
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
    /** Forgets a target's failure count after a success (an open-ended hold stays). */
    async clearFailures(db: Db, target: string): Promise<void> {
      await db.delete(h).where(and(eq(h.target, target), isNotNull(h.until)));
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

export type OutboxRepo = ReturnType<typeof createOutboxRepo>;
