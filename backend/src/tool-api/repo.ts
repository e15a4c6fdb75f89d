import { and, eq } from 'drizzle-orm';
import type { Db, Tables } from '../db/store.ts';

export type ToolConnectionRow = Tables['connections']['$inferSelect'];
export type ToolGrantRow = Tables['grants']['$inferSelect'];

/**
 * Read-only: the connection a call goes through and its shared grant. The connections and oauth
 * features own these rows; this feature never writes them.
 */
export function createToolApiRepo(tables: Tables) {
  const c = tables.connections;
  const g = tables.grants;
  return {
    async findConnection(
      db: Db,
      id: string,
    ): Promise<{ connection: ToolConnectionRow; sharedGrant: ToolGrantRow | null } | undefined> {
      const rows = await db
        .select({ connection: c, sharedGrant: g })
        .from(c)
        .leftJoin(g, and(eq(g.connectionId, c.id), eq(g.subject, '')))
        .where(eq(c.id, id))
        .limit(1);
      return rows[0];
    },
  };
}
