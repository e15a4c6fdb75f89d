import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import type { SealedSecret } from '../../../crypto/secret.ts';

const at = (name: string) => integer(name, { mode: 'timestamp_ms' });
const sealed = (name: string) => text(name).$type<SealedSecret>();
const ENVIRONMENT_TYPES = ['unmapped', 'development', 'testing', 'staging', 'production'] as const;

/** Mirrors schema/pg/devops.ts. */
export const devopsSites = sqliteTable('devops_sites', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  siteUrl: text('site_url').notNull(),
  cloudId: text('cloud_id').notNull().unique(),
  clientId: text('client_id').notNull(),
  clientSecret: sealed('client_secret').notNull(),
  serverBaseUrl: text('server_base_url'),
  logoUrl: text('logo_url'),
  status: text('status', { enum: ['active', 'needs_attention'] }).notNull(),
  attentionReason: text('attention_reason'),
  accessToken: sealed('access_token'),
  accessTokenExpiresAt: at('access_token_expires_at'),
  createdAt: at('created_at').notNull(),
  updatedAt: at('updated_at').notNull(),
  verifiedAt: at('verified_at'),
});

export const devopsCiCredentials = sqliteTable(
  'devops_ci_credentials',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id')
      .notNull()
      .references(() => devopsSites.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    clientId: text('client_id').notNull().unique(),
    secretHash: text('secret_hash').notNull(),
    createdAt: at('created_at').notNull(),
    lastUsedAt: at('last_used_at'),
    revokedAt: at('revoked_at'),
  },
  (table) => [index('devops_ci_credentials_site_idx').on(table.siteId)],
);

export const devopsCiTokens = sqliteTable(
  'devops_ci_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    credentialId: text('credential_id')
      .notNull()
      .references(() => devopsCiCredentials.id, { onDelete: 'cascade' }),
    expiresAt: at('expires_at').notNull(),
    createdAt: at('created_at').notNull(),
  },
  (table) => [index('devops_ci_tokens_expiry_idx').on(table.expiresAt)],
);

export const devopsEnvironmentRules = sqliteTable(
  'devops_environment_rules',
  {
    id: text('id').primaryKey(),
    siteId: text('site_id')
      .notNull()
      .references(() => devopsSites.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    pattern: text('pattern').notNull(),
    environmentType: text('environment_type', { enum: ENVIRONMENT_TYPES }).notNull(),
  },
  (table) => [index('devops_environment_rules_site_idx').on(table.siteId, table.position)],
);
