import { and, asc, count, desc, eq, inArray, lt, lte, sql } from 'drizzle-orm';
import type { Db, Store, Tables } from '../db/store.ts';
import { createOutboxHoldRepo } from './hold-repo.ts';
import { insertRowsOnPostgres } from './pg-insert.ts';
import { nextDueGroupOnSqlite } from './sqlite-due.ts';
import { insertRowsOnSqlite } from './sqlite-insert.ts';

export type OutboxRow = Tables['outboxItems']['$inferSelect'];
export type NewOutboxRow = Tables['outboxItems']['$inferInsert'];
export type OutboxStatus = OutboxRow['status'];
export type { OutboxHoldRow } from './hold-repo.ts';

/** Rows or keys per statement: well under both stores' parameter limits. */
const CHUNK = 1000;

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
  const dueNow = (now: Date) => and(eq(t.status, 'pending'), lte(t.nextAttemptAt, now));
  return {
    /** Inserts rows; a row whose dedupe key exists already is skipped. Returns the inserted ids. */
    async insertMany(
      db: Db,
      rows: NewOutboxRow[],
    ): Promise<{ id: string; dedupeKey: string | null }[]> {
      if (rows.length === 0) return [];
      return store.dialect === 'sqlite'
        ? insertRowsOnSqlite(db, rows)
        : insertRowsOnPostgres(db, rows);
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
    /**
     * Items whose lease ran out by `expiredBy` (default `now`: their forwarder died) become
     * pending again.
     */
    async releaseExpiredLeases(db: Db, now: Date, expiredBy: Date = now): Promise<number> {
      const rows = await db
        .update(t)
        .set({ status: 'pending', leaseOwner: null, leaseExpiresAt: null, updatedAt: now })
        .where(and(eq(t.status, 'delivering'), lte(t.leaseExpiresAt, expiredBy)))
        .returning({ id: t.id });
      return rows.length;
    },
    /** Extends the lease of `owner` on those of `ids` it still holds (a delivery in progress). */
    async renewLeases(db: Db, ids: string[], owner: string, leaseUntil: Date): Promise<number> {
      if (ids.length === 0) return 0;
      const rows = await db
        .update(t)
        .set({ leaseExpiresAt: leaseUntil })
        .where(and(inArray(t.id, ids), eq(t.leaseOwner, owner), eq(t.status, 'delivering')))
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
      const onSqlite = nextDueGroupOnSqlite(db, now, kinds);
      if (onSqlite !== null) return onSqlite;
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
    ...createOutboxHoldRepo(store),
  };
}

export type OutboxRepo = ReturnType<typeof createOutboxRepo>;
