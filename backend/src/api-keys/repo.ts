import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Db, Tables } from '../db/store.ts';

export type ApiKeyRow = Tables['apiKeys']['$inferSelect'];
export type NewApiKeyRow = Tables['apiKeys']['$inferInsert'];

const activeByHashStatements = new WeakMap<
  Db,
  { execute(values: { hash: string }): PromiseLike<ApiKeyRow[]> }
>();

/** API keys, stored by SHA-256 hash; the key itself is never stored. */
export function createApiKeyRepo(tables: Tables) {
  const t = tables.apiKeys;
  return {
    async insert(db: Db, row: NewApiKeyRow): Promise<void> {
      await db.insert(t).values(row);
    },
    async findActiveByHash(db: Db, hash: string): Promise<ApiKeyRow | undefined> {
      // Asked on every authenticated request: prepared once per connection object.
      let statement = activeByHashStatements.get(db);
      if (!statement) {
        statement = db
          .select()
          .from(t)
          .where(and(eq(t.hash, sql.placeholder('hash')), isNull(t.revokedAt)))
          .limit(1)
          .prepare('api_key_active_by_hash');
        activeByHashStatements.set(db, statement);
      }
      const rows = await statement.execute({ hash });
      return rows[0];
    },
    async findById(db: Db, id: string): Promise<ApiKeyRow | undefined> {
      const rows = await db.select().from(t).where(eq(t.id, id)).limit(1);
      return rows[0];
    },
    async list(db: Db): Promise<ApiKeyRow[]> {
      return db.select().from(t).orderBy(asc(t.createdAt), asc(t.id));
    },
    async countActiveAdmins(db: Db): Promise<number> {
      const rows = await db
        .select({ id: t.id })
        .from(t)
        .where(and(eq(t.role, 'admin'), isNull(t.revokedAt)));
      return rows.length;
    },
    async revoke(db: Db, id: string, at: Date): Promise<boolean> {
      const rows = await db
        .update(t)
        .set({ revokedAt: at })
        .where(and(eq(t.id, id), isNull(t.revokedAt)))
        .returning({ id: t.id });
      return rows.length > 0;
    },
    async touch(db: Db, id: string, at: Date): Promise<void> {
      await db.update(t).set({ lastUsedAt: at }).where(eq(t.id, id));
    },
  };
}

export type ApiKeyRepo = ReturnType<typeof createApiKeyRepo>;
