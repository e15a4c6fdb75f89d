import { asc, eq } from 'drizzle-orm';
import type { Db, Tables } from '../db/store.ts';

export type DevopsSiteRow = Tables['devopsSites']['$inferSelect'];
export type NewDevopsSiteRow = Tables['devopsSites']['$inferInsert'];
export type EnvironmentRuleRow = Tables['devopsEnvironmentRules']['$inferSelect'];

/** DevOps sites (2LO credentials, sealed) and their environment rules. */
export function createDevopsSiteRepo(tables: Tables) {
  const t = tables.devopsSites;
  const r = tables.devopsEnvironmentRules;
  return {
    async insert(db: Db, row: NewDevopsSiteRow): Promise<void> {
      await db.insert(t).values(row);
    },
    async update(db: Db, id: string, changes: Partial<NewDevopsSiteRow>): Promise<boolean> {
      const rows = await db.update(t).set(changes).where(eq(t.id, id)).returning({ id: t.id });
      return rows.length > 0;
    },
    async findById(db: Db, id: string): Promise<DevopsSiteRow | undefined> {
      const rows = await db.select().from(t).where(eq(t.id, id)).limit(1);
      return rows[0];
    },
    async findByCloudId(db: Db, cloudId: string): Promise<DevopsSiteRow | undefined> {
      const rows = await db.select().from(t).where(eq(t.cloudId, cloudId)).limit(1);
      return rows[0];
    },
    async list(db: Db): Promise<DevopsSiteRow[]> {
      return db.select().from(t).orderBy(asc(t.createdAt), asc(t.id));
    },
    async delete(db: Db, id: string): Promise<boolean> {
      const rows = await db.delete(t).where(eq(t.id, id)).returning({ id: t.id });
      return rows.length > 0;
    },
    async listRules(db: Db, siteId: string): Promise<EnvironmentRuleRow[]> {
      return db.select().from(r).where(eq(r.siteId, siteId)).orderBy(asc(r.position));
    },
    async replaceRules(db: Db, siteId: string, rules: EnvironmentRuleRow[]): Promise<void> {
      await db.delete(r).where(eq(r.siteId, siteId));
      if (rules.length > 0) await db.insert(r).values(rules);
    },
  };
}

export type DevopsSiteRepo = ReturnType<typeof createDevopsSiteRepo>;
