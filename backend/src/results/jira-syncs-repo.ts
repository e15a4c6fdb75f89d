import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db, Tables } from '../db/store.ts';

export type JiraSyncRow = Tables['jiraSyncs']['$inferSelect'];
export type JiraSyncKind = JiraSyncRow['kind'];
export type JiraSyncKey = Pick<JiraSyncRow, 'kind' | 'connectionId' | 'issueId' | 'subject'>;

export const syncKey = (issueId: string, subject: string) => `${issueId}|${subject}`;

/** What Testbridge keeps current on Jira issues (remote links, coverage property): its only SQL. */
export function createJiraSyncsRepo(tables: Tables) {
  const syncs = tables.jiraSyncs;
  return {
    /** The rows on a connection whose `subject` (test) or `issueId` is one of `values`. */
    async findMany(
      db: Db,
      kind: JiraSyncKind,
      connectionId: string,
      by: 'subject' | 'issueId',
      values: readonly string[],
    ): Promise<Map<string, JiraSyncRow>> {
      const found = new Map<string, JiraSyncRow>();
      for (let i = 0; i < values.length; i += 500) {
        const rows = await db
          .select()
          .from(syncs)
          .where(
            and(
              eq(syncs.kind, kind),
              eq(syncs.connectionId, connectionId),
              inArray(syncs[by], values.slice(i, i + 500)),
            ),
          );
        for (const row of rows) found.set(syncKey(row.issueId, row.subject), row);
      }
      return found;
    },
    async find(db: Db, key: JiraSyncKey): Promise<JiraSyncRow | undefined> {
      return (
        await db
          .select()
          .from(syncs)
          .where(
            and(
              eq(syncs.kind, key.kind),
              eq(syncs.connectionId, key.connectionId),
              eq(syncs.issueId, key.issueId),
              eq(syncs.subject, key.subject),
            ),
          )
          .limit(1)
      )[0];
    },
    async upsert(db: Db, rows: readonly JiraSyncRow[]): Promise<void> {
      for (let i = 0; i < rows.length; i += 500) {
        await db
          .insert(syncs)
          .values(rows.slice(i, i + 500))
          .onConflictDoUpdate({
            target: [syncs.kind, syncs.connectionId, syncs.issueId, syncs.subject],
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
      key: JiraSyncKey,
      change: Partial<
        Pick<JiraSyncRow, 'sentVersion' | 'pendingItemId' | 'failureReason' | 'updatedAt'>
      >,
    ): Promise<void> {
      await db
        .update(syncs)
        .set(change)
        .where(
          and(
            eq(syncs.kind, key.kind),
            eq(syncs.connectionId, key.connectionId),
            eq(syncs.issueId, key.issueId),
            eq(syncs.subject, key.subject),
          ),
        );
    },
  };
}
