import {
  CONNECTION_EVENT_TYPES,
  type ConnectionDiagnostics,
} from '@testbridge/shared/api/connections';

import {
  boolean,
  foreignKey,
  index,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { SealedSecret } from '../../../crypto/secret.ts';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const sealed = (name: string) => text(name).$type<SealedSecret>();

export const connections = pgTable('connections', {
  id: text('id').primaryKey(),
  name: text('name').notNull().unique(),
  jiraUrl: text('jira_url').notNull(),
  linkBaseUrl: text('link_base_url'),
  deployment: text('deployment', { enum: ['cloud', 'data_center'] }).notNull(),
  serverVersion: text('server_version'),
  cloudId: text('cloud_id'),
  authType: text('auth_type', {
    enum: ['cloud_oauth2', 'dc_oauth2', 'oauth1', 'cloud_api_token', 'dc_pat', 'dc_basic'],
  }).notNull(),
  oauthApp: text('oauth_app', { enum: ['testbridge', 'own'] }),
  clientId: text('client_id'),
  clientSecret: sealed('client_secret'),
  consumerKey: text('consumer_key'),
  privateKey: sealed('private_key'),
  publicKey: text('public_key'),
  username: text('username'),
  status: text('status', {
    enum: ['pending_authorization', 'active', 'needs_reauthorization'],
  }).notNull(),
  statusReason: text('status_reason'),
  requireUserGrantForWrites: boolean('require_user_grant_for_writes').notNull().default(false),
  proxyUrl: text('proxy_url'),
  proxyUsername: text('proxy_username'),
  proxyPassword: sealed('proxy_password'),
  diagnostics: jsonb('diagnostics').$type<ConnectionDiagnostics>(),
  createdAt: at('created_at').notNull(),
  updatedAt: at('updated_at').notNull(),
});

/** The credential that lets us call a connection's Jira: shared (subject '') or one user's. */
export const grants = pgTable(
  'grants',
  {
    id: text('id').primaryKey(),
    connectionId: text('connection_id').notNull(),
    subject: text('subject').notNull().default(''),
    accessToken: sealed('access_token').notNull(),
    tokenSecret: sealed('token_secret'),
    refreshToken: sealed('refresh_token'),
    expiresAt: at('expires_at'),
    scopes: text('scopes'),
    accountId: text('account_id'),
    /** Jira's display name of the account the grant acts as (from myself at completion). */
    accountDisplayName: text('account_display_name'),
    /** When a call last used the grant (written at most once a minute). */
    lastUsedAt: at('last_used_at'),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (table) => [
    foreignKey({ columns: [table.connectionId], foreignColumns: [connections.id] }).onDelete(
      'cascade',
    ),
    uniqueIndex('grants_connection_subject_idx').on(table.connectionId, table.subject),
  ],
);

/** Append-only history of what happened to a connection's authorization. Never a secret. */
export const connectionEvents = pgTable(
  'connection_events',
  {
    id: text('id').primaryKey(),
    connectionId: text('connection_id').notNull(),
    at: at('at').notNull(),
    type: text('type', { enum: CONNECTION_EVENT_TYPES }).notNull(),
    actor: text('actor').notNull(),
    detail: jsonb('detail').$type<Record<string, string | number | boolean | null>>(),
  },
  (table) => [
    foreignKey({ columns: [table.connectionId], foreignColumns: [connections.id] }).onDelete(
      'cascade',
    ),
    index('connection_events_connection_at_idx').on(table.connectionId, table.at, table.id),
  ],
);
