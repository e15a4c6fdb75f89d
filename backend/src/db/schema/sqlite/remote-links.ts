import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';

const at = (name: string) => integer(name, { mode: 'timestamp_ms' });

/** Mirrors schema/pg/remote-links.ts.
 * The remote link of one test on one requirement issue, kept in step with the test's latest
 * result. `version` grows with every import that touches the pair; `pendingItemId` is the one
 * outbox item that will bring Jira up to date (null when Jira has `sentVersion` = `version`), so
 * however many runs arrive there is at most one pending update per issue and test.
 */
export const remoteLinkSyncs = sqliteTable(
  'remote_link_syncs',
  {
    connectionId: text('connection_id').notNull(),
    issueId: text('issue_id').notNull(),
    testId: text('test_id').notNull(),
    version: integer('version').notNull(),
    sentVersion: integer('sent_version').notNull().default(0),
    pendingItemId: text('pending_item_id'),
    /** Why Jira did not take the last update, when it refused it. */
    failureReason: text('failure_reason'),
    updatedAt: at('updated_at').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.connectionId, table.issueId, table.testId] }),
    index('remote_link_syncs_test_idx').on(table.testId),
  ],
);
