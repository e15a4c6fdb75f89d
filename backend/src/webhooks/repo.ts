import { and, asc, desc, eq, gt, inArray, isNull, lt, lte, not, or, sql } from 'drizzle-orm';
import type { Db, Tables } from '../db/store.ts';

export type EndpointRow = Tables['webhookEndpoints']['$inferSelect'];
export type JiraEventRow = Tables['jiraEvents']['$inferSelect'];
export type IssueStateRow = Tables['jiraIssueStates']['$inferSelect'];

/** Per-mapping webhook endpoints (secret sealed, URL token hashed). */
export function createEndpointRepo(tables: Tables) {
  const t = tables.webhookEndpoints;
  return {
    /** Inserts, or replaces the secret and token of the mapping's endpoint (rotation). */
    async upsert(db: Db, row: EndpointRow): Promise<EndpointRow> {
      const rows = await db
        .insert(t)
        .values(row)
        .onConflictDoUpdate({
          target: t.mappingId,
          set: { secret: row.secret, tokenHash: row.tokenHash, updatedAt: row.updatedAt },
        })
        .returning();
      const stored = rows[0];
      if (!stored) throw new Error('webhook endpoint upsert returned no row');
      return stored;
    },
    async findById(db: Db, id: string): Promise<EndpointRow | undefined> {
      return (await db.select().from(t).where(eq(t.id, id)).limit(1))[0];
    },
    async findByMapping(db: Db, mappingId: string): Promise<EndpointRow | undefined> {
      return (await db.select().from(t).where(eq(t.mappingId, mappingId)).limit(1))[0];
    },
    async list(db: Db): Promise<EndpointRow[]> {
      return db.select().from(t).orderBy(asc(t.id));
    },
    async countOfConnection(db: Db, connectionId: string): Promise<number> {
      const [row] = await db
        .select({ n: sql<number>`count(*)` })
        .from(t)
        .where(eq(t.connectionId, connectionId));
      return Number(row?.n ?? 0);
    },
    async deleteByMapping(db: Db, mappingId: string): Promise<boolean> {
      const rows = await db.delete(t).where(eq(t.mappingId, mappingId)).returning({ id: t.id });
      return rows.length > 0;
    },
  };
}

/** Stored Jira events: deduplicated on (connection, delivery id), claimed in order per key. */
export function createEventRepo(tables: Tables) {
  const t = tables.jiraEvents;
  return {
    /** Stores the event; false when the delivery id was stored before (a retry or replay). */
    async insertOnce(db: Db, row: JiraEventRow): Promise<boolean> {
      const rows = await db
        .insert(t)
        .values(row)
        .onConflictDoNothing({ target: [t.connectionId, t.deliveryId] })
        .returning({ id: t.id });
      return rows.length > 0;
    },
    /** Stores rows in one statement; the ids of those stored now (the rest were known). */
    async insertManyOnce(db: Db, rows: readonly JiraEventRow[]): Promise<Set<string>> {
      if (rows.length === 0) return new Set();
      const stored = await db
        .insert(t)
        .values([...rows])
        .onConflictDoNothing({ target: [t.connectionId, t.deliveryId] })
        .returning({ id: t.id });
      return new Set(stored.map((row) => row.id));
    },
    async findByDelivery(db: Db, connectionId: string, deliveryId: string) {
      const rows = await db
        .select()
        .from(t)
        .where(and(eq(t.connectionId, connectionId), eq(t.deliveryId, deliveryId)))
        .limit(1);
      return rows[0];
    },
    async findById(db: Db, id: string): Promise<JiraEventRow | undefined> {
      return (await db.select().from(t).where(eq(t.id, id)).limit(1))[0];
    },
    /**
     * Due pending events, oldest first, each the oldest pending one of its order key (so events
     * of one issue never run side by side or out of order), not leased by a live processor.
     */
    async findDue(db: Db, now: Date, limit: number): Promise<JiraEventRow[]> {
      return db
        .select()
        .from(t)
        .where(
          and(
            eq(t.state, 'pending'),
            lte(t.nextAttemptAt, now),
            or(isNull(t.leasedUntil), lt(t.leasedUntil, now)),
            not(
              sql`exists (select 1 from jira_events earlier where earlier.connection_id = ${t.connectionId} and earlier.order_key = ${t.orderKey} and earlier.state = 'pending' and earlier.id < ${t.id})`,
            ),
          ),
        )
        .orderBy(asc(t.id))
        .limit(limit);
    },
    /** Takes the lease on the events no other processor holds; the ids taken. */
    async leaseMany(db: Db, ids: readonly string[], now: Date, until: Date): Promise<Set<string>> {
      if (ids.length === 0) return new Set();
      const rows = await db
        .update(t)
        .set({ leasedUntil: until })
        .where(
          and(
            inArray(t.id, [...ids]),
            eq(t.state, 'pending'),
            or(isNull(t.leasedUntil), lt(t.leasedUntil, now)),
          ),
        )
        .returning({ id: t.id });
      return new Set(rows.map((row) => row.id));
    },
    /** Marks events done after they were applied. */
    async settleDone(db: Db, ids: readonly string[], at: Date): Promise<void> {
      if (ids.length === 0) return;
      await db
        .update(t)
        .set({
          state: 'done',
          attempts: sql`${t.attempts} + 1`,
          lastError: null,
          processedAt: at,
          leasedUntil: null,
        })
        .where(inArray(t.id, [...ids]));
    },
    async settle(
      db: Db,
      id: string,
      changes: Pick<JiraEventRow, 'state' | 'attempts' | 'nextAttemptAt' | 'lastError'> & {
        processedAt: Date | null;
      },
    ): Promise<void> {
      await db
        .update(t)
        .set({ ...changes, leasedUntil: null })
        .where(eq(t.id, id));
    },
    /** Dead letters of a connection, and when its last event arrived. */
    async healthOf(db: Db, connectionId: string) {
      const [dead] = await db
        .select({ n: sql<number>`count(*)` })
        .from(t)
        .where(and(eq(t.connectionId, connectionId), eq(t.state, 'dead')));
      const [last] = await db
        .select({ at: t.receivedAt, source: t.source })
        .from(t)
        .where(and(eq(t.connectionId, connectionId), not(eq(t.source, 'reconcile'))))
        .orderBy(desc(t.id))
        .limit(1);
      return { dead: Number(dead?.n ?? 0), lastReceived: last ?? null };
    },
    async listDead(db: Db, limit: number): Promise<JiraEventRow[]> {
      return db.select().from(t).where(eq(t.state, 'dead')).orderBy(desc(t.id)).limit(limit);
    },
    /** A dead event back to pending, due now; false when it is not dead. */
    async revive(db: Db, id: string, now: Date): Promise<boolean> {
      const rows = await db
        .update(t)
        .set({ state: 'pending', attempts: 0, nextAttemptAt: now, leasedUntil: null })
        .where(and(eq(t.id, id), eq(t.state, 'dead')))
        .returning({ id: t.id });
      return rows.length > 0;
    },
  };
}

/** Jira issues as their events describe them. */
export function createIssueStateRepo(tables: Tables) {
  const t = tables.jiraIssueStates;
  return {
    async find(db: Db, connectionId: string, issueId: string): Promise<IssueStateRow | undefined> {
      const rows = await db
        .select()
        .from(t)
        .where(and(eq(t.connectionId, connectionId), eq(t.issueId, issueId)))
        .limit(1);
      return rows[0];
    },
    /** Writes the state unless a newer event (by Jira's timestamp) was stored; true when written. */
    async upsertIfNewer(db: Db, row: IssueStateRow): Promise<boolean> {
      const rows = await db
        .insert(t)
        .values(row)
        .onConflictDoUpdate({
          target: [t.connectionId, t.issueId],
          set: {
            issueKey: row.issueKey,
            projectId: row.projectId,
            projectKey: row.projectKey,
            summary: row.summary,
            status: row.status,
            deletedAt: row.deletedAt,
            eventAt: row.eventAt,
            updatedAt: row.updatedAt,
          },
          setWhere: lte(t.eventAt, row.eventAt),
        })
        .returning({ id: t.issueId });
      return rows.length > 0;
    },
  };
}

export type VersionRow = Tables['jiraVersions']['$inferSelect'];

/** Jira versions as their events describe them. */
export function createVersionRepo(tables: Tables) {
  const t = tables.jiraVersions;
  return {
    async find(db: Db, connectionId: string, versionId: string): Promise<VersionRow | undefined> {
      const rows = await db
        .select()
        .from(t)
        .where(and(eq(t.connectionId, connectionId), eq(t.versionId, versionId)))
        .limit(1);
      return rows[0];
    },
    /** Writes the version unless a newer event was stored; true when written. */
    async upsertIfNewer(db: Db, row: VersionRow): Promise<boolean> {
      const { connectionId: _c, versionId: _v, ...set } = row;
      const rows = await db
        .insert(t)
        .values(row)
        .onConflictDoUpdate({
          target: [t.connectionId, t.versionId],
          set,
          setWhere: lte(t.eventAt, row.eventAt),
        })
        .returning({ id: t.versionId });
      return rows.length > 0;
    },
    /** The live versions of a project, by id. */
    async listOfProject(db: Db, connectionId: string, projectId: string): Promise<VersionRow[]> {
      return db
        .select()
        .from(t)
        .where(
          and(eq(t.connectionId, connectionId), eq(t.projectId, projectId), isNull(t.deletedAt)),
        )
        .orderBy(asc(t.versionId));
    },
  };
}

export type CheckRow = Tables['webhookChecks']['$inferSelect'];

/** "Send test event" checks. */
export function createCheckRepo(tables: Tables) {
  const t = tables.webhookChecks;
  return {
    async insert(db: Db, row: CheckRow): Promise<void> {
      await db.insert(t).values(row);
    },
    async find(db: Db, mappingId: string, id: string): Promise<CheckRow | undefined> {
      const rows = await db
        .select()
        .from(t)
        .where(and(eq(t.mappingId, mappingId), eq(t.id, id)))
        .limit(1);
      return rows[0];
    },
    /** Marks the check with this nonce received (first time only); false when none waited. */
    async markReceived(
      db: Db,
      connectionId: string,
      nonce: string,
      at: Date,
      source: string,
    ): Promise<boolean> {
      const rows = await db
        .update(t)
        .set({ receivedAt: at, source })
        .where(and(eq(t.connectionId, connectionId), eq(t.nonce, nonce), isNull(t.receivedAt)))
        .returning({ id: t.id });
      return rows.length > 0;
    },
  };
}

export type JiraWebhookRow = Tables['jiraWebhooks']['$inferSelect'];

/** Webhooks Testbridge registered in Jira (automatic mode). */
export function createJiraWebhookRepo(tables: Tables) {
  const t = tables.jiraWebhooks;
  return {
    async find(db: Db, id: string): Promise<JiraWebhookRow | undefined> {
      return (await db.select().from(t).where(eq(t.id, id)).limit(1))[0];
    },
    async upsert(db: Db, row: JiraWebhookRow): Promise<void> {
      const { id: _id, createdAt: _c, ...set } = row;
      await db.insert(t).values(row).onConflictDoUpdate({ target: t.id, set });
    },
    async list(db: Db): Promise<JiraWebhookRow[]> {
      return db.select().from(t).orderBy(asc(t.id));
    },
    async delete(db: Db, id: string): Promise<void> {
      await db.delete(t).where(eq(t.id, id));
    },
    async listOfConnection(db: Db, connectionId: string): Promise<JiraWebhookRow[]> {
      return db.select().from(t).where(eq(t.connectionId, connectionId)).orderBy(asc(t.id));
    },
    /** Dynamic registrations expiring before `before`, soonest first. */
    async listDynamicExpiringBefore(db: Db, before: Date): Promise<JiraWebhookRow[]> {
      return db
        .select()
        .from(t)
        .where(and(eq(t.kind, 'dynamic'), lte(t.expiresAt, before)))
        .orderBy(asc(t.expiresAt));
    },
    async setExpiry(db: Db, id: string, expiresAt: Date, at: Date): Promise<void> {
      await db.update(t).set({ expiresAt, refreshedAt: at, updatedAt: at }).where(eq(t.id, id));
    },
  };
}

/** Leases of jobs that run on one replica at a time. */
export function createLeaseRepo(tables: Tables) {
  const t = tables.jobLeases;
  return {
    /** Takes the lease unless another owner holds it past `now`; true when taken. */
    async acquire(db: Db, name: string, owner: string, now: Date, until: Date): Promise<boolean> {
      const rows = await db
        .insert(t)
        .values({ name, owner, leasedUntil: until })
        .onConflictDoUpdate({
          target: t.name,
          set: { owner, leasedUntil: until },
          setWhere: or(lt(t.leasedUntil, now), eq(t.owner, owner)),
        })
        .returning({ owner: t.owner });
      return rows.length > 0;
    },
  };
}

/** Where reconciliation got to per connection. */
export function createCursorRepo(tables: Tables) {
  const t = tables.jiraSyncCursors;
  return {
    async find(db: Db, connectionId: string): Promise<Date | undefined> {
      const rows = await db.select().from(t).where(eq(t.connectionId, connectionId)).limit(1);
      return rows[0]?.lastSyncAt;
    },
    async save(db: Db, connectionId: string, lastSyncAt: Date): Promise<void> {
      await db
        .insert(t)
        .values({ connectionId, lastSyncAt })
        .onConflictDoUpdate({ target: t.connectionId, set: { lastSyncAt } });
    },
  };
}

export type ChangeRow = Tables['changeEvents']['$inferSelect'];
export type CallbackRow = Tables['eventCallbacks']['$inferSelect'];

/** The change feed and the mappings' outgoing callbacks. */
export function createChangeRepo(tables: Tables) {
  const t = tables.changeEvents;
  const c = tables.eventCallbacks;
  return {
    async insert(db: Db, row: ChangeRow): Promise<void> {
      await db.insert(t).values(row);
    },
    async find(db: Db, id: string): Promise<ChangeRow | undefined> {
      return (await db.select().from(t).where(eq(t.id, id)).limit(1))[0];
    },
    /** Changes after `cursor` created no later than `settledBefore`, oldest first. */
    async listAfter(
      db: Db,
      cursor: string | undefined,
      settledBefore: Date,
      limit: number,
    ): Promise<ChangeRow[]> {
      return db
        .select()
        .from(t)
        .where(
          and(lte(t.createdAt, settledBefore), cursor === undefined ? undefined : gt(t.id, cursor)),
        )
        .orderBy(asc(t.id))
        .limit(limit);
    },
    async upsertCallback(db: Db, row: CallbackRow): Promise<void> {
      await db
        .insert(c)
        .values(row)
        .onConflictDoUpdate({
          target: c.mappingId,
          set: { url: row.url, secret: row.secret, updatedAt: row.updatedAt },
        });
    },
    async findCallback(db: Db, mappingId: string): Promise<CallbackRow | undefined> {
      return (await db.select().from(c).where(eq(c.mappingId, mappingId)).limit(1))[0];
    },
    async callbacksOf(db: Db, mappingIds: readonly string[]): Promise<CallbackRow[]> {
      if (mappingIds.length === 0) return [];
      return db
        .select()
        .from(c)
        .where(inArray(c.mappingId, [...mappingIds]));
    },
    async deleteCallback(db: Db, mappingId: string): Promise<boolean> {
      const rows = await db
        .delete(c)
        .where(eq(c.mappingId, mappingId))
        .returning({ id: c.mappingId });
      return rows.length > 0;
    },
  };
}
