import { and, asc, desc, eq, lt, or, sql } from 'drizzle-orm';
import type { Db, Tables } from '../db/store.ts';

export type ConnectionRow = Tables['connections']['$inferSelect'];
export type GrantRow = Tables['grants']['$inferSelect'];
export type ConnectionEventRow = Tables['connectionEvents']['$inferSelect'];

/** A connection with the grants a call on behalf of a user may use. */
export interface ConnectionForCall {
  connection: ConnectionRow;
  /** The shared grant (subject ''), if any. */
  shared: GrantRow | undefined;
  /** The user's own grant, if a user was named and has one. */
  own: GrantRow | undefined;
}

type ForCallStatement = {
  execute(values: {
    id: string;
    user: string;
  }): PromiseLike<{ connection: ConnectionRow; grant: GrantRow | null }[]>;
};
const forCallStatements = new WeakMap<Db, ForCallStatement>();

/** Connections, their grants and their append-only history. */
export function createConnectionRepo(tables: Tables) {
  const c = tables.connections;
  const g = tables.grants;
  const e = tables.connectionEvents;
  return {
    async insert(db: Db, row: ConnectionRow): Promise<void> {
      await db.insert(c).values(row);
    },
    async update(db: Db, id: string, changes: Partial<ConnectionRow>): Promise<void> {
      await db.update(c).set(changes).where(eq(c.id, id));
    },
    async findById(db: Db, id: string): Promise<ConnectionRow | undefined> {
      return (await db.select().from(c).where(eq(c.id, id)).limit(1))[0];
    },
    async findByName(db: Db, name: string): Promise<ConnectionRow | undefined> {
      return (await db.select().from(c).where(eq(c.name, name)).limit(1))[0];
    },
    /** Cloud connections to one site, oldest first. */
    async listByCloudId(db: Db, cloudId: string): Promise<ConnectionRow[]> {
      return db
        .select()
        .from(c)
        .where(and(eq(c.cloudId, cloudId), eq(c.deployment, 'cloud')))
        .orderBy(asc(c.createdAt), asc(c.id));
    },
    async list(db: Db): Promise<ConnectionRow[]> {
      return db.select().from(c).orderBy(asc(c.name));
    },
    async delete(db: Db, id: string): Promise<boolean> {
      return (await db.delete(c).where(eq(c.id, id)).returning({ id: c.id })).length > 0;
    },
    async upsertGrant(db: Db, row: GrantRow): Promise<void> {
      await db
        .insert(g)
        .values(row)
        .onConflictDoUpdate({
          target: [g.connectionId, g.subject],
          set: {
            accessToken: row.accessToken,
            tokenSecret: row.tokenSecret,
            refreshToken: row.refreshToken,
            expiresAt: row.expiresAt,
            scopes: row.scopes,
            accountId: row.accountId,
            updatedAt: row.updatedAt,
          },
        });
    },
    async findGrant(db: Db, connectionId: string, subject: string): Promise<GrantRow | undefined> {
      return (
        await db
          .select()
          .from(g)
          .where(and(eq(g.connectionId, connectionId), eq(g.subject, subject)))
          .limit(1)
      )[0];
    },
    /**
     * The connection and its shared and `user`'s grants in one statement, prepared once per
     * connection object: every mediated Jira call starts here.
     */
    async findForCall(db: Db, id: string, user: string): Promise<ConnectionForCall | undefined> {
      let statement = forCallStatements.get(db);
      if (!statement) {
        statement = db
          .select({ connection: c, grant: g })
          .from(c)
          .leftJoin(
            g,
            and(
              eq(g.connectionId, c.id),
              or(eq(g.subject, ''), eq(g.subject, sql.placeholder('user'))),
            ),
          )
          .where(eq(c.id, sql.placeholder('id')))
          .prepare('connection_for_call');
        forCallStatements.set(db, statement);
      }
      const rows = await statement.execute({ id, user });
      const first = rows[0];
      if (!first) return undefined;
      const grantOf = (subject: string) =>
        rows.find((row) => row.grant?.subject === subject)?.grant ?? undefined;
      return {
        connection: first.connection,
        shared: grantOf(''),
        own: user === '' ? undefined : grantOf(user),
      };
    },
    async appendEvent(db: Db, row: ConnectionEventRow): Promise<void> {
      await db.insert(e).values(row);
    },
    /** Newest first; `before` is the (at, id) of the last item of the previous page. */
    async listEvents(
      db: Db,
      connectionId: string,
      limit: number,
      before?: { at: Date; id: string },
    ): Promise<ConnectionEventRow[]> {
      const page = before
        ? and(
            eq(e.connectionId, connectionId),
            or(lt(e.at, before.at), and(eq(e.at, before.at), lt(e.id, before.id))),
          )
        : eq(e.connectionId, connectionId);
      return db.select().from(e).where(page).orderBy(desc(e.at), desc(e.id)).limit(limit);
    },
  };
}

export type ConnectionRepo = ReturnType<typeof createConnectionRepo>;
