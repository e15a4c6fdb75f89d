import {
  boolean,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { SealedSecret } from '../../../crypto/secret.ts';
import { connections } from './connections.ts';
import { projectMappings } from './mappings.ts';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const sealed = (name: string) => text(name).$type<SealedSecret>();
const SOURCES = ['dynamic', 'admin', 'token', 'forge', 'reconcile'] as const;
const EVENT_STATES = ['pending', 'done', 'dead'] as const;

/**
 * Where one mapping's Jira webhooks are received: the HMAC secret for `X-Hub-Signature` (sealed)
 * and the SHA-256 of the long random URL token for Data Center webhooks that carry no signature.
 */
export const webhookEndpoints = pgTable('webhook_endpoints', {
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

/**
 * Every verified Jira event (webhook delivery or Forge product event), stored before the 2xx and
 * processed later in order per `orderKey` (one issue, version or project); `deliveryId` dedupes.
 */
export const jiraEvents = pgTable(
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

/** What Testbridge knows of a Jira issue from its events: key, project, summary, status, deletion. */
export const jiraIssueStates = pgTable(
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
    /** Jira's event timestamp of the state stored: an older event never overwrites a newer one. */
    eventAt: at('event_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (table) => [primaryKey({ columns: [table.connectionId, table.issueId] })],
);

/** Jira versions as their events describe them; a mapping's versions are its project's. */
export const jiraVersions = pgTable(
  'jira_versions',
  {
    connectionId: text('connection_id')
      .notNull()
      .references(() => connections.id, { onDelete: 'cascade' }),
    versionId: text('version_id').notNull(),
    projectId: text('project_id').notNull(),
    name: text('name').notNull(),
    released: boolean('released').notNull(),
    archived: boolean('archived').notNull(),
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
export const webhookChecks = pgTable('webhook_checks', {
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
export const jiraWebhooks = pgTable('jira_webhooks', {
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
export const jobLeases = pgTable('job_leases', {
  name: text('name').primaryKey(),
  owner: text('owner').notNull(),
  leasedUntil: at('leased_until').notNull(),
});

/** Where the periodic reconciliation of a connection got to (JQL `updated >= …` from here). */
export const jiraSyncCursors = pgTable('jira_sync_cursors', {
  connectionId: text('connection_id')
    .primaryKey()
    .references(() => connections.id, { onDelete: 'cascade' }),
  lastSyncAt: at('last_sync_at').notNull(),
});

/**
 * The change feed (`GET /api/v1/events`): what Jira's events changed in Testbridge, one row per
 * change, ids sortable by time (the cursor). `mappingIds` and `data` are JSON.
 */
export const changeEvents = pgTable(
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
export const eventCallbacks = pgTable('event_callbacks', {
  mappingId: text('mapping_id')
    .primaryKey()
    .references(() => projectMappings.id, { onDelete: 'cascade' }),
  url: text('url').notNull(),
  secret: sealed('secret').notNull(),
  createdAt: at('created_at').notNull(),
  updatedAt: at('updated_at').notNull(),
});
