import { and, asc, eq } from 'drizzle-orm';
import type { Db, Tables } from '../db/store.ts';

export type MappingRow = Tables['projectMappings']['$inferSelect'];

/** Project mappings: one per test-tool project key. */
export function createMappingRepo(tables: Tables) {
  const t = tables.projectMappings;
  return {
    async insert(db: Db, row: MappingRow): Promise<void> {
      await db.insert(t).values(row);
    },
    async update(db: Db, row: MappingRow): Promise<void> {
      const { id, createdAt: _createdAt, ...rest } = row;
      await db.update(t).set(rest).where(eq(t.id, id));
    },
    async delete(db: Db, id: string): Promise<boolean> {
      const rows = await db.delete(t).where(eq(t.id, id)).returning({ id: t.id });
      return rows.length > 0;
    },
    async findById(db: Db, id: string): Promise<MappingRow | undefined> {
      return (await db.select().from(t).where(eq(t.id, id)).limit(1))[0];
    },
    async findByToolProject(db: Db, toolProjectKey: string): Promise<MappingRow | undefined> {
      return (await db.select().from(t).where(eq(t.toolProjectKey, toolProjectKey)).limit(1))[0];
    },
    async list(db: Db, connectionId?: string): Promise<MappingRow[]> {
      const query = db.select().from(t);
      const filtered = connectionId ? query.where(eq(t.connectionId, connectionId)) : query;
      return filtered.orderBy(asc(t.toolProjectKey));
    },
    /** The first mapping (by tool project) of one Jira project on a connection. */
    async findByJiraProject(
      db: Db,
      connectionId: string,
      jiraProjectKey: string,
    ): Promise<MappingRow | undefined> {
      const rows = await db
        .select()
        .from(t)
        .where(and(eq(t.connectionId, connectionId), eq(t.jiraProjectKey, jiraProjectKey)))
        .orderBy(asc(t.toolProjectKey))
        .limit(1);
      return rows[0];
    },
  };
}

export type MappingRepo = ReturnType<typeof createMappingRepo>;
