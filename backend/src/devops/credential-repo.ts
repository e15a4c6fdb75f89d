import { and, asc, eq, gt, isNull, lte, Param, sql } from 'drizzle-orm';
import type { Db, Tables } from '../db/store.ts';

export type CiCredentialRow = Tables['devopsCiCredentials']['$inferSelect'];
export type CiTokenRow = Tables['devopsCiTokens']['$inferSelect'];
export interface CredentialWithSite {
  credential: CiCredentialRow;
  cloudId: string;
}
/** A live bearer token: its credential, site and own expiry. */
export interface LiveToken extends CredentialWithSite {
  expiresAt: Date;
}

const liveTokenStatements = new WeakMap<
  Db,
  { execute(values: { tokenHash: string; now: Date }): PromiseLike<LiveToken[]> }
>();

/** CI credentials (secret stored as a SHA-256 hash) and the bearer tokens issued with them. */
export function createCiCredentialRepo(tables: Tables) {
  const c = tables.devopsCiCredentials;
  const k = tables.devopsCiTokens;
  const s = tables.devopsSites;
  return {
    async insert(db: Db, row: CiCredentialRow): Promise<void> {
      await db.insert(c).values(row);
    },
    async findById(db: Db, id: string): Promise<CiCredentialRow | undefined> {
      const rows = await db.select().from(c).where(eq(c.id, id)).limit(1);
      return rows[0];
    },
    /** The unrevoked credential with this client id, and its site's cloudId. */
    async findActiveByClientId(db: Db, clientId: string): Promise<CredentialWithSite | undefined> {
      const rows = await db
        .select({ credential: c, cloudId: s.cloudId })
        .from(c)
        .innerJoin(s, eq(s.id, c.siteId))
        .where(and(eq(c.clientId, clientId), isNull(c.revokedAt)))
        .limit(1);
      return rows[0];
    },
    async listBySite(db: Db, siteId: string): Promise<CiCredentialRow[]> {
      return db.select().from(c).where(eq(c.siteId, siteId)).orderBy(asc(c.createdAt), asc(c.id));
    },
    async revoke(db: Db, id: string, at: Date): Promise<boolean> {
      const rows = await db
        .update(c)
        .set({ revokedAt: at })
        .where(and(eq(c.id, id), isNull(c.revokedAt)))
        .returning({ id: c.id });
      if (rows.length > 0) await db.delete(k).where(eq(k.credentialId, id));
      return rows.length > 0;
    },
    async touch(db: Db, id: string, at: Date): Promise<void> {
      await db.update(c).set({ lastUsedAt: at }).where(eq(c.id, id));
    },
    async insertToken(db: Db, row: CiTokenRow): Promise<void> {
      await db.insert(k).values(row);
    },
    /** The live token with this hash, its (unrevoked) credential and its site's cloudId. */
    async findLiveToken(db: Db, tokenHash: string, now: Date): Promise<LiveToken | undefined> {
      // Asked on every CI request: prepared once per connection object.
      let statement = liveTokenStatements.get(db);
      if (!statement) {
        statement = db
          .select({ credential: c, cloudId: s.cloudId, expiresAt: k.expiresAt })
          .from(k)
          .innerJoin(c, eq(c.id, k.credentialId))
          .innerJoin(s, eq(s.id, c.siteId))
          .where(
            and(
              eq(k.tokenHash, sql.placeholder('tokenHash')),
              gt(k.expiresAt, new Param(sql.placeholder('now'), k.expiresAt)),
              isNull(c.revokedAt),
            ),
          )
          .limit(1)
          .prepare('devops_live_token');
        liveTokenStatements.set(db, statement);
      }
      const rows = await statement.execute({ tokenHash, now });
      return rows[0];
    },
    async deleteExpiredTokens(db: Db, now: Date): Promise<number> {
      const rows = await db
        .delete(k)
        .where(lte(k.expiresAt, now))
        .returning({ tokenHash: k.tokenHash });
      return rows.length;
    },
  };
}

export type CiCredentialRepo = ReturnType<typeof createCiCredentialRepo>;
