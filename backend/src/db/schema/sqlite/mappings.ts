import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { connections } from './connections.ts';

const at = (name: string) => integer(name, { mode: 'timestamp_ms' });
const flag = (name: string) => integer(name, { mode: 'boolean' });
const WEBHOOK_MODES = ['automatic', 'manual', 'off'] as const;
const PROJECT_STATUSES = ['active', 'archived', 'deleted'] as const;

/** Mirrors schema/pg/mappings.ts. */
export const projectMappings = sqliteTable(
  'project_mappings',
  {
    id: text('id').primaryKey(),
    toolProjectKey: text('tool_project_key').notNull().unique(),
    toolProjectName: text('tool_project_name').notNull(),
    connectionId: text('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    jiraProjectId: text('jira_project_id').notNull(),
    jiraProjectKey: text('jira_project_key').notNull(),
    createDefects: flag('create_defects').notNull(),
    defectIssueTypeId: text('defect_issue_type_id'),
    defectIssueTypeName: text('defect_issue_type_name'),
    labels: text('labels').notNull(),
    components: text('components').notNull(),
    webhookMode: text('webhook_mode', { enum: WEBHOOK_MODES }).notNull(),
    /** The Jira project as its events last described it (`deleted`: Jira removed it). */
    jiraProjectStatus: text('jira_project_status', { enum: PROJECT_STATUSES })
      .notNull()
      .default('active'),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (table) => [index('project_mappings_connection_idx').on(table.connectionId)],
);
