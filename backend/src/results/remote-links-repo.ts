import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tables } from '../db/store.ts';

export type RemoteLinkSyncRow = Tables['remoteLinkSyncs']['$inferSelect'];

export const pairKey = (issueId: string, testId: string) => `${issueId}|${testId}`;

/** The remote-link sync state of (connection, issue, test) pairs: the only SQL about it. */
export function createRemoteLinksRepo(tables: Tables) {
  const syncs = tables.remoteLinkSyncs;
  return {
    /** The sync rows of these tests on a connection, by `pairKey`. */
    async findByTests(db: Db, connectionId: string, testIds: readonly string[]) {
      const found = new Map<string, RemoteLinkSyncRow>();
      for (let i = 0; i < testIds.length; i += 500) {
        const rows = await db
          .select()
          .from(syncs)
          .where(
            and(
              eq(syncs.connectionId, connectionId),
              inArray(syncs.testId, testIds.slice(i, i + 500)),
            ),
          );
        for (const row of rows) found.set(pairKey(row.issueId, row.testId), row);
      }
      return found;
    },
    async find(db: Db, connectionId: string, issueId: string, testId: string) {
      return (
        await db
          .select()
          .from(syncs)
          .where(
            and(
              eq(syncs.connectionId, connectionId),
              eq(syncs.issueId, issueId),
              eq(syncs.testId, testId),
            ),
          )
          .limit(1)
      )[0];
    },
    async upsert(db: Db, rows: readonly RemoteLinkSyncRow[]): Promise<void> {
      for (let i = 0; i < rows.length; i += 500) {
        await db
          .insert(syncs)
          .values(rows.slice(i, i + 500))
          .onConflictDoUpdate({
            target: [syncs.connectionId, syncs.issueId, syncs.testId],
            set: {
              version: sql`excluded.version`,
              pendingItemId: sql`excluded.pending_item_id`,
              updatedAt: sql`excluded.updated_at`,
            },
          });
      }
    },
    async update(
      db: Db,
      key: { connectionId: string; issueId: string; testId: string },
      change: Partial<
        Pick<RemoteLinkSyncRow, 'sentVersion' | 'pendingItemId' | 'failureReason' | 'updatedAt'>
      >,
    ): Promise<void> {
      await db
        .update(syncs)
        .set(change)
        .where(
          and(
            eq(syncs.connectionId, key.connectionId),
            eq(syncs.issueId, key.issueId),
            eq(syncs.testId, key.testId),
          ),
        );
    },
  };
}
