import { OAUTH_FLOW_STATUSES } from '@testbridge/shared/api/oauth';
import {
  foreignKey,
  index,
  integer,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core';
import type { SealedSecret } from '../../../crypto/secret.ts';
import { connections } from './connections.ts';

const at = (name: string) => integer(name, { mode: 'timestamp_ms' });
const sealed = (name: string) => text(name).$type<SealedSecret>();

/** Mirrors schema/pg/oauth.ts. */
export const oauthFlows = sqliteTable(
  'oauth_flows',
  {
    id: text('id').primaryKey(),
    connectionId: text('connection_id').notNull(),
    subject: text('subject').notNull().default(''),
    startedBy: text('started_by').notNull(),
    stateHash: text('state_hash').notNull(),
    codeVerifier: sealed('code_verifier'),
    requestToken: text('request_token'),
    oob: integer('oob', { mode: 'boolean' }).notNull().default(false),
    status: text('status', { enum: OAUTH_FLOW_STATUSES }).notNull(),
    failure: text('failure'),
    expiresAt: at('expires_at').notNull(),
    verificationHash: text('verification_hash'),
    verificationExpiresAt: at('verification_expires_at'),
    wrongCodes: integer('wrong_codes').notNull().default(0),
    accessToken: sealed('access_token'),
    refreshToken: sealed('refresh_token'),
    tokenExpiresAt: at('token_expires_at'),
    scopes: text('scopes'),
    sites: text('sites'),
    /** SHA-256 of the HttpOnly cookie the start call set: the browser that started the flow. */
    browserBindingHash: text('browser_binding_hash'),
    /** The consent came back in that browser, so the flow completes without the paste. */
    browserVerified: integer('browser_verified', { mode: 'boolean' }).notNull().default(false),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (table) => [
    foreignKey({ columns: [table.connectionId], foreignColumns: [connections.id] }).onDelete(
      'cascade',
    ),
    uniqueIndex('oauth_flows_state_idx').on(table.stateHash),
    index('oauth_flows_expires_idx').on(table.expiresAt),
  ],
);

/** Mirrors schema/pg/oauth.ts. */
export const oauthUserLinks = sqliteTable(
  'oauth_user_links',
  {
    tokenHash: text('token_hash').primaryKey(),
    connectionId: text('connection_id').notNull(),
    subject: text('subject').notNull(),
    keyId: text('key_id').notNull(),
    createdAt: at('created_at').notNull(),
    expiresAt: at('expires_at').notNull(),
    usedAt: at('used_at'),
  },
  (table) => [
    foreignKey({ columns: [table.connectionId], foreignColumns: [connections.id] }).onDelete(
      'cascade',
    ),
    index('oauth_user_links_expires_idx').on(table.expiresAt),
  ],
);
