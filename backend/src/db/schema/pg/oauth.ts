import { OAUTH_FLOW_STATUSES } from '@testbridge/shared/api/oauth';
import {
  boolean,
  foreignKey,
  index,
  integer,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import type { SealedSecret } from '../../../crypto/secret.ts';
import { connections } from './connections.ts';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const sealed = (name: string) => text(name).$type<SealedSecret>();

/**
 * One consent flow: its hashed `state` (single-use, expiring), PKCE verifier, the tokens the
 * callback obtained (sealed) until the verification code is pasted, and who started it.
 */
export const oauthFlows = pgTable(
  'oauth_flows',
  {
    id: text('id').primaryKey(),
    connectionId: text('connection_id').notNull(),
    subject: text('subject').notNull().default(''),
    startedBy: text('started_by').notNull(),
    stateHash: text('state_hash').notNull(),
    codeVerifier: sealed('code_verifier'),
    requestToken: text('request_token'),
    oob: boolean('oob').notNull().default(false),
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
    browserVerified: boolean('browser_verified').notNull().default(false),
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

/**
 * A test-tool user's link to Testbridge's authorize page (`/authorize/<token>`): single-use,
 * short-lived; only the token's SHA-256 is stored. Bound to a connection, a user and the key
 * that asked for it (whose flow the page starts).
 */
export const oauthUserLinks = pgTable(
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
