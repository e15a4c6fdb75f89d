import { index, integer, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const SYNC_KINDS = ['remote_link', 'coverage_property'] as const;

/**
 * Something Testbridge keeps current on a Jira issue: a test's remote link (`subject` = the test
 * id) or the issue's coverage property (`subject` = ''). `version` grows with every import that
 * touches it; `pendingItemId` is the one outbox item that will bring Jira up to date (null when
 * Jira has `sentVersion` = `version`), so however many runs arrive there is at most one pending
 * update of each.
 */
export const jiraSyncs = pgTable(
  'jira_syncs',
  {
    kind: text('kind', { enum: SYNC_KINDS }).notNull(),
    connectionId: text('connection_id').notNull(),
    issueId: text('issue_id').notNull(),
    subject: text('subject').notNull(),
    version: integer('version').notNull(),
    sentVersion: integer('sent_version').notNull().default(0),
    pendingItemId: text('pending_item_id'),
    /** Why Jira did not take the last update, when it refused it. */
    failureReason: text('failure_reason'),
    updatedAt: at('updated_at').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.kind, table.connectionId, table.issueId, table.subject] }),
    index('jira_syncs_subject_idx').on(table.kind, table.connectionId, table.subject),
  ],
);
