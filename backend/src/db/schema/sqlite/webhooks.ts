import {
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core';
import type { SealedSecret } from '../../../crypto/secret.ts';
import { connections } from './connections.ts';
import { projectMappings } from './mappings.ts';

const at = (name: string) => integer(name, { mode: 'timestamp_ms' });
const sealed = (name: string) => text(name).$type<SealedSecret>();
const flag = (name: string) => integer(name, { mode: 'boolean' });
const SOURCES = ['dynamic', 'admin', 'token', 'forge', 'reconcile'] as const;
const EVENT_STATES = ['pending', 'done', 'dead'] as const;

/** Mirrors schema/pg/webhooks.ts. */
export const webhookEndpoints = sqliteTable('webhook_endpoints', {
  id: text('id').primaryKey(),
  mappingId: text('mapping_id')
    .notNull()
    .unique()
    .references(() => projectMappings.id, { onDelete: 'cascade' }),
  connectionId: text('connection_id')
    .notNull()
    .references(() => connections.id, { onDelete: 'cascade' }),
  secret: sealed('secret').notNull(),
  tokenHash: text('token_hash').notNull(),
  createdAt: at('created_at').notNull(),
  updatedAt: at('updated_at').notNull(),
});

export const jiraEvents = sqliteTable(
  'jira_events',
  {
    id: text('id').primaryKey(),
    connectionId: text('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    source: text('source', { enum: SOURCES }).notNull(),
    deliveryId: text('delivery_id').notNull(),
    eventType: text('event_type').notNull(),
    orderKey: text('order_key').notNull(),
    payload: text('payload').notNull(),
    state: text('state', { enum: EVENT_STATES }).notNull(),
    attempts: integer('attempts').notNull(),
    nextAttemptAt: at('next_attempt_at').notNull(),
    leasedUntil: at('leased_until'),
    lastError: text('last_error'),
    receivedAt: at('received_at').notNull(),
    processedAt: at('processed_at'),
  },
  (table) => [
    uniqueIndex('jira_events_delivery_idx').on(table.connectionId, table.deliveryId),
    index('jira_events_due_idx').on(table.state, table.nextAttemptAt),
    // With the id: "an earlier pending event of this key?" is one index seek.
    index('jira_events_order_idx').on(table.connectionId, table.orderKey, table.state, table.id),
  ],
);

export const jiraIssueStates = sqliteTable(
  'jira_issue_states',
  {
    connectionId: text('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    issueId: text('issue_id').notNull(),
    issueKey: text('issue_key').notNull(),
    projectId: text('project_id'),
    projectKey: text('project_key'),
    summary: text('summary'),
    status: text('status'),
    deletedAt: at('deleted_at'),
    eventAt: at('event_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.connectionId, table.issueId] })],
);

/** Jira versions as their events describe them; a mapping's versions are its project's. */
export const jiraVersions = sqliteTable(
  'jira_versions',
  {
    connectionId: text('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    versionId: text('version_id').notNull(),
    projectId: text('project_id').notNull(),
    name: text('name').notNull(),
    released: flag('released').notNull(),
    archived: flag('archived').notNull(),
    releaseDate: text('release_date'),
    deletedAt: at('deleted_at'),
    eventAt: at('event_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.connectionId, table.versionId] }),
    index('jira_versions_project_idx').on(table.connectionId, table.projectId),
  ],
);

/** "Send test event": a property Testbridge set on an issue, and when Jira's event about it came back. */
export const webhookChecks = sqliteTable('webhook_checks', {
  id: text('id').primaryKey(),
  mappingId: text('mapping_id')
    .notNull()
    .references(() => projectMappings.id, { onDelete: 'cascade' }),
  connectionId: text('connection_id').notNull(),
  nonce: text('nonce').notNull().unique(),
  issueKey: text('issue_key').notNull(),
  sentAt: at('sent_at').notNull(),
  receivedAt: at('received_at'),
  source: text('source'),
});

/**
 * Webhooks Testbridge registered in Jira itself (automatic mode): one dynamic registration per
 * Cloud OAuth 2.0 connection (`dyn:<connection>`, expiring), one admin webhook per mapping
 * (`adm:<mapping>`). `jiraWebhookIds` is a JSON array.
 */
export const jiraWebhooks = sqliteTable('jira_webhooks', {
  id: text('id').primaryKey(),
  connectionId: text('connection_id')
    .notNull()
    .references(() => connections.id, { onDelete: 'cascade' }),
  mappingId: text('mapping_id').references(() => projectMappings.id, { onDelete: 'cascade' }),
  kind: text('kind', { enum: ['dynamic', 'admin'] }).notNull(),
  jiraWebhookIds: text('jira_webhook_ids').notNull(),
  url: text('url').notNull(),
  jql: text('jql').notNull(),
  expiresAt: at('expires_at'),
  refreshedAt: at('refreshed_at'),
  createdAt: at('created_at').notNull(),
  updatedAt: at('updated_at').notNull(),
});

/** A job that must run on one replica at a time holds its lease row until `leasedUntil`. */
export const jobLeases = sqliteTable('job_leases', {
  name: text('name').primaryKey(),
  owner: text('owner').notNull(),
  leasedUntil: at('leased_until').notNull(),
});

/** Where the periodic reconciliation of a connection got to (JQL `updated >= …` from here). */
export const jiraSyncCursors = sqliteTable('jira_sync_cursors', {
  connectionId: text('connection_id')
    .primaryKey()
    .references(() => connections.id, { onDelete: 'cascade' }),
  lastSyncAt: at('last_sync_at').notNull(),
});

/**
 * The change feed (`GET /api/v1/events`): what Jira's events changed in Testbridge, one row per
 * change, ids sortable by time (the cursor). `mappingIds` and `data` are JSON.
 */
export const changeEvents = sqliteTable(
  'change_events',
  {
    id: text('id').primaryKey(),
    kind: text('kind').notNull(),
    connectionId: text('connection_id').notNull(),
    mappingIds: text('mapping_ids').notNull(),
    subject: text('subject').notNull(),
    data: text('data').notNull(),
    createdAt: at('created_at').notNull(),
  },
  (table) => [index('change_events_created_idx').on(table.createdAt)],
);

/** A mapping's signed outgoing callback: every change of the mapping is POSTed there. */
export const eventCallbacks = sqliteTable('event_callbacks', {
  mappingId: text('mapping_id')
    .primaryKey()
    .references(() => projectMappings.id, { onDelete: 'cascade' }),
  url: text('url').notNull(),
  secret: sealed('secret').notNull(),
  createdAt: at('created_at').notNull(),
  updatedAt: at('updated_at').notNull(),
});
