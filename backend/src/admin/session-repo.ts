import { and, eq, gt, lte } from 'drizzle-orm';
import type { Db, Tables } from '../db/store.ts';

export type AdminSessionRow = Tables['adminSessions']['$inferSelect'];

/** Admin UI sessions by the SHA-256 of their cookie token; the token itself is never stored. */
export function createAdminSessionRepo(tables: Tables) {
  const t = tables.adminSessions;
  return {
    async insert(db: Db, row: AdminSessionRow): Promise<void> {
      await db.insert(t).values(row);
    },
    /** The session with this id that has not expired at `now`. */
    async findLive(db: Db, id: string, now: Date): Promise<AdminSessionRow | undefined> {
      const rows = await db
        .select()
        .from(t)
        .where(and(eq(t.id, id), gt(t.expiresAt, now)))
        .limit(1);
      return rows[0];
    },
    async delete(db: Db, id: string): Promise<boolean> {
      const rows = await db.delete(t).where(eq(t.id, id)).returning({ id: t.id });
      return rows.length > 0;
    },
    /** Drops every session expired at `now`; answers how many. */
    async deleteExpired(db: Db, now: Date): Promise<number> {
      const rows = await db.delete(t).where(lte(t.expiresAt, now)).returning({ id: t.id });
      return rows.length;
    },
  };
}
