import { and, asc, desc, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Db, Tables } from '../db/store.ts';

const latestKeyStatements = new WeakMap<
  Db,
  { execute(values: { connectionId: string; issueId: string }): PromiseLike<{ key: string }[]> }
>();

/** Requirement links (by Jira issue id) and the issue keys Jira resolved to those ids. */
export function createLinksRepo(tables: Tables) {
  const links = tables.resultTestLinks;
  const keys = tables.resultIssueKeys;
  return {
    /** Known key → id on a connection (old keys of moved issues too). */
    async findIssueIds(db: Db, connectionId: string, issueKeys: readonly string[]) {
      const found = new Map<string, string>();
      for (let i = 0; i < issueKeys.length; i += 500) {
        const rows = await db
          .select({ key: keys.issueKey, id: keys.issueId })
          .from(keys)
          .where(
            and(
              eq(keys.connectionId, connectionId),
              inArray(keys.issueKey, issueKeys.slice(i, i + 500)),
            ),
          );
        for (const row of rows) found.set(row.key, row.id);
      }
      return found;
    },
    /**
     * The key last seen for an issue id (its current key as far as Testbridge knows). Asked on
     * every panel render: prepared once per connection object.
     */
    async findLatestKey(db: Db, connectionId: string, issueId: string): Promise<string | null> {
      let statement = latestKeyStatements.get(db);
      if (!statement) {
        statement = db
          .select({ key: keys.issueKey })
          .from(keys)
          .where(
            and(
              eq(keys.connectionId, sql.placeholder('connectionId')),
              eq(keys.issueId, sql.placeholder('issueId')),
            ),
          )
          .orderBy(desc(keys.updatedAt), desc(keys.issueKey))
          .limit(1)
          .prepare('result_issue_latest_key');
        latestKeyStatements.set(db, statement);
      }
      const rows = await statement.execute({ connectionId, issueId });
      return rows[0]?.key ?? null;
    },
    async rememberIssueKeys(
      db: Db,
      connectionId: string,
      resolved: readonly { key: string; id: string }[],
      now: Date,
    ): Promise<void> {
      for (let i = 0; i < resolved.length; i += 500) {
        await db
          .insert(keys)
          .values(
            resolved
              .slice(i, i + 500)
              .map(({ key, id }) => ({ connectionId, issueKey: key, issueId: id, updatedAt: now })),
          )
          .onConflictDoUpdate({
            target: [keys.connectionId, keys.issueKey],
            set: { issueId: sql`excluded.issue_id`, updatedAt: now },
          });
      }
    },
    /** Replaces the links of `testIds` on a connection with `rows`. */
    async replaceLinks(
      db: Db,
      connectionId: string,
      testIds: readonly string[],
      rows: readonly { testId: string; issueId: string }[],
    ): Promise<void> {
      for (let i = 0; i < testIds.length; i += 500) {
        await db
          .delete(links)
          .where(
            and(
              eq(links.connectionId, connectionId),
              inArray(links.testId, testIds.slice(i, i + 500)),
            ),
          );
      }
      for (let i = 0; i < rows.length; i += 500) {
        await db
          .insert(links)
          .values(rows.slice(i, i + 500).map((row) => ({ ...row, connectionId })))
          .onConflictDoNothing();
      }
    },
    /** Tests covering an issue. */
    async linkedTestIds(db: Db, connectionId: string, issueId: string): Promise<string[]> {
      const rows = await db
        .select({ testId: links.testId })
        .from(links)
        .where(and(eq(links.connectionId, connectionId), eq(links.issueId, issueId)));
      return rows.map((row) => row.testId);
    },
    /** Marks the links to an issue orphaned (Jira deleted it); the number marked. */
    async markOrphaned(db: Db, connectionId: string, issueId: string, at: Date): Promise<number> {
      const rows = await db
        .update(links)
        .set({ orphanedAt: at })
        .where(
          and(
            eq(links.connectionId, connectionId),
            eq(links.issueId, issueId),
            isNull(links.orphanedAt),
          ),
        )
        .returning({ testId: links.testId });
      return rows.length;
    },
    /** Orphaned links of a connection with their tests, oldest orphan first. */
    async listOrphaned(db: Db, connectionId: string, limit: number) {
      const tests = tables.resultTests;
      return db
        .select({
          issueId: links.issueId,
          testId: links.testId,
          testName: tests.name,
          projectKey: tests.projectKey,
          orphanedAt: links.orphanedAt,
        })
        .from(links)
        .innerJoin(tests, eq(tests.id, links.testId))
        .where(and(eq(links.connectionId, connectionId), isNotNull(links.orphanedAt)))
        .orderBy(asc(links.orphanedAt), asc(links.issueId), asc(links.testId))
        .limit(limit);
    },
  };
}

export type LinksRepo = ReturnType<typeof createLinksRepo>;
