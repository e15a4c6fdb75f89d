import { index, integer, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import type { SealedSecret } from '../../../crypto/secret.ts';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const sealed = (name: string) => text(name).$type<SealedSecret>();
const ENVIRONMENT_TYPES = ['unmapped', 'development', 'testing', 'staging', 'production'] as const;

/** A Jira Cloud site's "OAuth credentials" (2LO) for its Builds and Deployments APIs. */
export const devopsSites = pgTable('devops_sites', {
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

/** Client credentials Testbridge issued to a CI tool for one DevOps site; the secret is hashed. */
export const devopsCiCredentials = pgTable(
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

/** Short-lived bearer tokens from `POST /oauth/token`, stored by hash. */
export const devopsCiTokens = pgTable(
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

/** Ordered rules turning a CI environment name into Jira's environment type. */
export const devopsEnvironmentRules = pgTable(
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
