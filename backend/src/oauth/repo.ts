import { and, asc, eq, gt, isNull, lt, ne, sql } from 'drizzle-orm';
import type { Db, Store, Tables } from '../db/store.ts';

export type FlowRow = Tables['oauthFlows']['$inferSelect'];
export type OAuthConnectionRow = Tables['connections']['$inferSelect'];
export type OAuthGrantRow = Tables['grants']['$inferSelect'];
export type UserLinkRow = Tables['oauthUserLinks']['$inferSelect'];

/** Consent flows, and the connection and grant rows the OAuth feature writes. */
export function createOAuthRepo(store: Pick<Store, 'tables' | 'dialect' | 'query'>) {
  const f = store.tables.oauthFlows;
  const c = store.tables.connections;
  const g = store.tables.grants;
  const l = store.tables.oauthUserLinks;
  return {
    async insertUserLink(db: Db, row: UserLinkRow): Promise<void> {
      await db.insert(l).values(row);
    },
    async findUserLink(db: Db, tokenHash: string): Promise<UserLinkRow | undefined> {
      return (await db.select().from(l).where(eq(l.tokenHash, tokenHash)).limit(1))[0];
    },
    /** Marks an unused, unexpired link used; false when it was used (or expired) meanwhile. */
    async claimUserLink(db: Db, tokenHash: string, now: Date): Promise<boolean> {
      const rows = await db
        .update(l)
        .set({ usedAt: now })
        .where(and(eq(l.tokenHash, tokenHash), isNull(l.usedAt), gt(l.expiresAt, now)))
        .returning({ tokenHash: l.tokenHash });
      return rows.length > 0;
    },
    /** Gives a claimed link back (the flow could not start), so the user can try again. */
    async releaseUserLink(db: Db, tokenHash: string, usedAt: Date): Promise<void> {
      await db
        .update(l)
        .set({ usedAt: null })
        .where(and(eq(l.tokenHash, tokenHash), eq(l.usedAt, usedAt)));
    },
    /** Deletes links that expired before `cutoff`; resolves to how many. */
    async purgeUserLinks(db: Db, cutoff: Date): Promise<number> {
      const rows = await db
        .delete(l)
        .where(lt(l.expiresAt, cutoff))
        .returning({ tokenHash: l.tokenHash });
      return rows.length;
    },
    async insertFlow(db: Db, row: FlowRow): Promise<void> {
      await db.insert(f).values(row);
    },
    async updateFlow(db: Db, id: string, changes: Partial<FlowRow>): Promise<void> {
      await db.update(f).set(changes).where(eq(f.id, id));
    },
    /** Marks a flow completed unless it already is; false when another request got there first. */
    async claimFlow(db: Db, id: string, changes: Partial<FlowRow>): Promise<boolean> {
      const rows = await db
        .update(f)
        .set({ ...changes, status: 'completed' })
        .where(and(eq(f.id, id), ne(f.status, 'completed')))
        .returning({ id: f.id });
      return rows.length > 0;
    },
    /** Counts one wrong verification code; resolves to the count so far. */
    async countWrongCode(db: Db, id: string, now: Date): Promise<number> {
      const rows = await db
        .update(f)
        .set({ wrongCodes: sql`${f.wrongCodes} + 1`, updatedAt: now })
        .where(eq(f.id, id))
        .returning({ wrongCodes: f.wrongCodes });
      return rows[0]?.wrongCodes ?? 0;
    },
    async findFlow(db: Db, id: string): Promise<FlowRow | undefined> {
      return (await db.select().from(f).where(eq(f.id, id)).limit(1))[0];
    },
    /** Deletes flows that ended or expired before `cutoff` (with any sealed tokens they held). */
    async purgeFlows(db: Db, cutoff: Date): Promise<number> {
      const rows = await db.delete(f).where(lt(f.expiresAt, cutoff)).returning({ id: f.id });
      return rows.length;
    },
    async findFlowByState(db: Db, stateHash: string): Promise<FlowRow | undefined> {
      return (await db.select().from(f).where(eq(f.stateHash, stateHash)).limit(1))[0];
    },
    async findFlowByRequestToken(db: Db, token: string): Promise<FlowRow | undefined> {
      return (await db.select().from(f).where(eq(f.requestToken, token)).limit(1))[0];
    },
    async insertConnection(db: Db, row: OAuthConnectionRow): Promise<void> {
      await db.insert(c).values(row);
    },
    async updateConnection(
      db: Db,
      id: string,
      changes: Partial<OAuthConnectionRow>,
    ): Promise<void> {
      await db.update(c).set(changes).where(eq(c.id, id));
    },
    async findConnection(db: Db, id: string): Promise<OAuthConnectionRow | undefined> {
      return (await db.select().from(c).where(eq(c.id, id)).limit(1))[0];
    },
    async findConnectionByName(db: Db, name: string): Promise<OAuthConnectionRow | undefined> {
      return (await db.select().from(c).where(eq(c.name, name)).limit(1))[0];
    },
    async findGrant(
      db: Db,
      connectionId: string,
      subject: string,
    ): Promise<OAuthGrantRow | undefined> {
      const rows = await db
        .select()
        .from(g)
        .where(and(eq(g.connectionId, connectionId), eq(g.subject, subject)))
        .limit(1);
      return rows[0];
    },
    async findGrantById(db: Db, id: string): Promise<OAuthGrantRow | undefined> {
      return (await db.select().from(g).where(eq(g.id, id)).limit(1))[0];
    },
    /**
     * Takes the grant's row lock for the rest of the transaction (PostgreSQL `FOR UPDATE`, so
     * replicas refresh one at a time). On SQLite the store's single writer already serialises.
     */
    async lockGrant(db: Db, id: string): Promise<void> {
      if (store.dialect === 'postgres')
        await store.query(db, sql`SELECT id FROM grants WHERE id = ${id} FOR UPDATE`);
    },
    async upsertGrant(db: Db, row: OAuthGrantRow): Promise<void> {
      await db
        .insert(g)
        .values(row)
        .onConflictDoUpdate({
          target: [g.connectionId, g.subject],
          set: {
            id: row.id,
            accessToken: row.accessToken,
            tokenSecret: row.tokenSecret,
            refreshToken: row.refreshToken,
            expiresAt: row.expiresAt,
            scopes: row.scopes,
            accountId: row.accountId,
            accountDisplayName: row.accountDisplayName,
            updatedAt: row.updatedAt,
          },
        });
    },
    async updateGrant(db: Db, id: string, changes: Partial<OAuthGrantRow>): Promise<void> {
      await db.update(g).set(changes).where(eq(g.id, id));
    },
    /** The users' grants of a connection (not the shared one), by user. */
    async listUserGrants(db: Db, connectionId: string): Promise<OAuthGrantRow[]> {
      return db
        .select()
        .from(g)
        .where(and(eq(g.connectionId, connectionId), ne(g.subject, '')))
        .orderBy(asc(g.subject));
    },
    async deleteGrant(db: Db, connectionId: string, subject: string): Promise<boolean> {
      const rows = await db
        .delete(g)
        .where(and(eq(g.connectionId, connectionId), eq(g.subject, subject)))
        .returning({ id: g.id });
      return rows.length > 0;
    },
    async deleteGrants(db: Db, connectionId: string): Promise<number> {
      const rows = await db
        .delete(g)
        .where(eq(g.connectionId, connectionId))
        .returning({ id: g.id });
      return rows.length;
    },
    /** Deletes the users' grants (not the shared one); resolves to how many there were. */
    async deleteUserGrants(db: Db, connectionId: string): Promise<number> {
      const rows = await db
        .delete(g)
        .where(and(eq(g.connectionId, connectionId), ne(g.subject, '')))
        .returning({ id: g.id });
      return rows.length;
    },
  };
}

export type OAuthRepo = ReturnType<typeof createOAuthRepo>;
