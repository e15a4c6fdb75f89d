import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core';
import type { SealedSecret } from '../../../crypto/secret.ts';

const at = (name: string) => integer(name, { mode: 'timestamp_ms' });
const DEFECT_STATES = ['pending', 'created', 'failed'] as const;

/** Mirrors schema/pg/defects.ts.
 * A Jira defect filed for a failure signature (test + normalised first line of the message).
 * `openSignature` is the signature while the defect is open (pending or created) and null
 * otherwise, so the unique index allows one open defect per signature and project.
 */
export const defects = sqliteTable(
  'defects',
  {
    id: text('id').primaryKey(),
    projectKey: text('project_key').notNull(),
    connectionId: text('connection_id').notNull(),
    testId: text('test_id').notNull(),
    runId: text('run_id').notNull(),
    executionId: text('execution_id').notNull(),
    signature: text('signature').notNull(),
    openSignature: text('open_signature'),
    state: text('state', { enum: DEFECT_STATES }).notNull(),
    /** The test-tool user whose own grant files it (`X-Testbridge-User`); null: the connection's. */
    actingUser: text('acting_user'),
    /** Filed from the Forge panel: the viewing user's Jira accountId (Jira's reporter). */
    actingAccountId: text('acting_account_id'),
    /** Filed from the Forge panel: the installation's `app.apiBaseUrl` the user token is for. */
    jiraApiBaseUrl: text('jira_api_base_url'),
    /**
     * The viewing user's Forge user token, sealed, while the defect waits for Jira; erased once
     * it is settled (created or failed). Short-lived: an expired one fails the defect.
     */
    actingToken: text('acting_token').$type<SealedSecret>(),
    summary: text('summary').notNull(),
    issueId: text('issue_id'),
    issueKey: text('issue_key'),
    /** Why Jira did not take it (state failed), in Jira's words where it gave some. */
    failureReason: text('failure_reason'),
    /** Requirement links and the remote link made so far (a retry skips them). */
    linkedIssues: integer('linked_issues').notNull().default(0),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (table) => [
    uniqueIndex('defects_open_signature_idx').on(table.projectKey, table.openSignature),
    index('defects_test_idx').on(table.testId, table.state),
  ],
);

/** Executions that failed the way a defect describes (the first, and reruns linked to it). */
export const defectExecutions = sqliteTable(
  'defect_executions',
  {
    defectId: text('defect_id')
      .notNull()
      .references(() => defects.id, { onDelete: 'cascade' }),
    executionId: text('execution_id').notNull(),
    linkedAt: at('linked_at').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.defectId, table.executionId] }),
    index('defect_executions_execution_idx').on(table.executionId),
  ],
);
