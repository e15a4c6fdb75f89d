/**
 * Registered client credentials: what an admin would configure in Atlassian's developer console,
 * Jira Cloud's "OAuth credentials", DC application links, API tokens and PATs.
 * Control routes and `createSim` helpers register more at run time.
 */
import { z } from 'zod';

/** Jira DC OAuth 2.0 scopes, lowest to highest. @see https://confluence.atlassian.com/adminjiraserver/oauth-2-0-scopes-for-incoming-links-1115659068.html */
export const DC_SCOPES = ['READ', 'WRITE', 'ADMIN', 'SYSTEM_ADMIN'] as const;
export type DcScope = (typeof DC_SCOPES)[number];

export const oauthAppSchema = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  name: z.string().min(1),
  /** Exact callback URLs configured for the app. */
  redirectUris: z.array(z.url()).min(1),
  /** Scopes added to the app in the console (`offline_access` and `read:me` need not be listed). */
  scopes: z.array(z.string().min(1)).min(1),
});
/** A Cloud OAuth 2.0 (3LO) app from the developer console. */
export type OAuthApp = z.infer<typeof oauthAppSchema>;

export const devopsClientSchema = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  name: z.string().min(1),
  /** The one site that created these credentials. */
  cloudId: z.string().min(1),
  apis: z.array(z.enum(['builds', 'deployments'])).min(1),
});
/** Jira Cloud "OAuth credentials" (2LO) for the Builds/Deployments APIs of one site. */
export type DevopsClient = z.infer<typeof devopsClientSchema>;

export const dcOAuthClientSchema = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  name: z.string().min(1),
  redirectUri: z.url(),
  /** Highest scope the incoming link allows (scopes are hierarchical). */
  scope: z.enum(DC_SCOPES),
});
/** A DC incoming application link with OAuth 2.0. */
export type DcOAuthClient = z.infer<typeof dcOAuthClientSchema>;

export const oauth1ConsumerSchema = z.object({
  consumerKey: z.string().min(1),
  name: z.string().min(1),
  /** SPKI PEM of the consumer's RSA public key. */
  publicKeyPem: z.string().includes('BEGIN PUBLIC KEY'),
});
/** A DC application link with incoming OAuth 1.0a (RSA-SHA1). */
export type OAuth1Consumer = z.infer<typeof oauth1ConsumerSchema>;

export const apiTokenSchema = z.object({
  token: z.string().min(1),
  /** The owning Atlassian account. */
  accountId: z.string().min(1),
  label: z.string().default('sim token'),
  expiresAt: z.number().nullable().default(null),
});
/** A Cloud API token (used with the account e-mail in Basic auth). */
export type ApiToken = z.infer<typeof apiTokenSchema> & { revoked: boolean };

export const patSchema = z.object({
  token: z.string().min(1),
  /** DC user key. */
  userId: z.string().min(1),
  name: z.string().default('sim PAT'),
  expiresAt: z.number().nullable().default(null),
});
/** A DC personal access token (Bearer). */
export type PersonalAccessToken = z.infer<typeof patSchema> & { revoked: boolean };

export interface CredentialStore {
  oauthApps: Map<string, OAuthApp>;
  devopsClients: Map<string, DevopsClient>;
  dcOAuthClients: Map<string, DcOAuthClient>;
  oauth1Consumers: Map<string, OAuth1Consumer>;
  apiTokens: Map<string, ApiToken>;
  pats: Map<string, PersonalAccessToken>;
  /** DC passwords by user key. */
  dcPasswords: Map<string, string>;
}

export function createCredentialStore(): CredentialStore {
  return {
    oauthApps: new Map(),
    devopsClients: new Map(),
    dcOAuthClients: new Map(),
    oauth1Consumers: new Map(),
    apiTokens: new Map(),
    pats: new Map(),
    dcPasswords: new Map(),
  };
}

export function registerOAuthApp(
  store: CredentialStore,
  input: z.input<typeof oauthAppSchema>,
): OAuthApp {
  const app = oauthAppSchema.parse(input);
  store.oauthApps.set(app.clientId, app);
  return app;
}

export function registerDevopsClient(
  store: CredentialStore,
  input: z.input<typeof devopsClientSchema>,
): DevopsClient {
  const client = devopsClientSchema.parse(input);
  store.devopsClients.set(client.clientId, client);
  return client;
}

export function registerDcOAuthClient(
  store: CredentialStore,
  input: z.input<typeof dcOAuthClientSchema>,
): DcOAuthClient {
  const client = dcOAuthClientSchema.parse(input);
  store.dcOAuthClients.set(client.clientId, client);
  return client;
}

export function registerOAuth1Consumer(
  store: CredentialStore,
  input: z.input<typeof oauth1ConsumerSchema>,
): OAuth1Consumer {
  const consumer = oauth1ConsumerSchema.parse(input);
  store.oauth1Consumers.set(consumer.consumerKey, consumer);
  return consumer;
}

export function registerApiToken(
  store: CredentialStore,
  input: z.input<typeof apiTokenSchema>,
): ApiToken {
  const token = { ...apiTokenSchema.parse(input), revoked: false };
  store.apiTokens.set(token.token, token);
  return token;
}

export function registerPat(
  store: CredentialStore,
  input: z.input<typeof patSchema>,
): PersonalAccessToken {
  const pat = { ...patSchema.parse(input), revoked: false };
  store.pats.set(pat.token, pat);
  return pat;
}
