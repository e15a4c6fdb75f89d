import * as client from 'openid-client';
import { dispatcherFor } from '../connections/endpoint.ts';
import { PlainSecret } from '../crypto/secret.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../http/errors.ts';
import { createOAuthRepo, type OAuthConnectionRow } from './repo.ts';
import { bindConnectionSecret } from './seal.ts';

type ClientDeps = Pick<Deps, 'config' | 'sealer' | 'fetch'>;

/** The scopes Testbridge asks Jira Cloud for (read and write issues, users, refresh). */
export const CLOUD_SCOPES = [
  'read:jira-work',
  'read:jira-user',
  'write:jira-work',
  'offline_access',
];
/** Data Center scopes are hierarchical: WRITE includes READ. @see jira-protocols.md §3 */
export const DC_SCOPES = ['WRITE'];

/** Where and how to run OAuth 2.0 for one connection. */
export interface OAuth2Server {
  config: client.Configuration;
  scope: string;
  /** Data Center requires PKCE S256; Cloud 3LO does not document it (a confidential client). */
  pkce: boolean;
  authorizeParams: Record<string, string>;
  /** Data Center validates redirect_uri on refresh too (a bare invalid_grant otherwise). */
  refreshParams: Record<string, string>;
}

export const redirectUriOf = (deps: Pick<Deps, 'config'>) =>
  `${deps.config.publicUrl.replace(/\/+$/, '')}/oauth/callback`;

/**
 * A static openid-client Configuration (no discovery) for the connection's authorization server:
 * Atlassian's for Cloud 3LO, Jira's own for Data Center.
 * @see https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/
 * @see https://confluence.atlassian.com/adminjiraserver/jira-oauth-2-0-provider-api-1115659070.html
 */
export function oauth2ServerFor(deps: ClientDeps, row: OAuthConnectionRow): OAuth2Server {
  const cloud = row.authType === 'cloud_oauth2';
  if (!cloud && row.authType !== 'dc_oauth2')
    throw new AppError('internal_error', `${row.authType} is not an OAuth 2.0 connection`);
  const { clientId, clientSecret } = clientCredentialsOf(deps, row);
  const base = cloud
    ? deps.config.atlassian.authUrl.replace(/\/+$/, '')
    : `${row.jiraUrl}/rest/oauth2/latest`;
  const metadata: client.ServerMetadata = {
    issuer: base,
    authorization_endpoint: `${base}/authorize`,
    token_endpoint: cloud ? `${base}/oauth/token` : `${base}/token`,
  };
  const config = new client.Configuration(
    metadata,
    clientId,
    { client_secret: clientSecret.reveal() },
    client.ClientSecretPost(clientSecret.reveal()),
  );
  const dispatcher = dispatcherFor(deps, row);
  // undici's fetch reads `dispatcher` (the connection's proxy or the SSRF-guarded agent).
  config[client.customFetch] = (url, options) => {
    const init: RequestInit = {
      method: options.method,
      headers: options.headers,
      body: options.body ?? null,
      redirect: options.redirect,
      signal: options.signal ?? null,
    };
    Object.assign(init, { dispatcher });
    return deps.fetch(url, init);
  };
  if (deps.config.allowPrivateJiraUrls && base.startsWith('http:'))
    client.allowInsecureRequests(config);
  const redirectUri = redirectUriOf(deps);
  return cloud
    ? {
        config,
        scope: CLOUD_SCOPES.join(' '),
        pkce: false,
        authorizeParams: { audience: 'api.atlassian.com', prompt: 'consent' },
        refreshParams: {},
      }
    : {
        config,
        scope: DC_SCOPES.join(' '),
        pkce: true,
        authorizeParams: {},
        refreshParams: { redirect_uri: redirectUri },
      };
}

function clientCredentialsOf(
  deps: ClientDeps,
  row: OAuthConnectionRow,
): { clientId: string; clientSecret: PlainSecret } {
  if (row.authType === 'cloud_oauth2' && row.oauthApp === 'testbridge') {
    const { clientId, clientSecret } = deps.config.atlassian;
    if (!clientId || !clientSecret)
      throw new AppError(
        'validation_failed',
        "Testbridge's own Atlassian app is not configured (ATLASSIAN_CLIENT_ID/SECRET)",
        {
          invalidFields: [{ field: 'body.auth.app', message: 'is not configured on this server' }],
        },
      );
    return { clientId, clientSecret: new PlainSecret(clientSecret) };
  }
  if (!row.clientId || !row.clientSecret)
    throw new AppError('internal_error', `Connection ${row.id} has no OAuth client`);
  return {
    clientId: row.clientId,
    clientSecret: deps.sealer.open(row.clientSecret, bindConnectionSecret(row.id, 'client_secret')),
  };
}

/** The text of an OAuth error response (Jira's own words), or the error's message. */
export function describeOAuthError(error: unknown): { text: string; invalidGrant: boolean } {
  if (error instanceof client.ResponseBodyError) {
    const text = error.error_description
      ? `${error.error}: ${error.error_description}`
      : error.error;
    return { text, invalidGrant: error.error === 'invalid_grant' };
  }
  if (error instanceof Error) return { text: error.message, invalidGrant: false };
  return { text: String(error), invalidGrant: false };
}

/**
 * The client secret that signs a Cloud OAuth 2.0 connection's dynamic-webhook JWTs (Testbridge's
 * own Atlassian app or the connection's own); undefined for any other kind of connection.
 */
export async function webhookSigningSecretOf(
  deps: ClientDeps & Pick<Deps, 'store'>,
  connectionId: string,
): Promise<PlainSecret | undefined> {
  const row = await createOAuthRepo(deps.store).findConnection(deps.store.db, connectionId);
  if (row?.authType !== 'cloud_oauth2') return undefined;
  try {
    return clientCredentialsOf(deps, row).clientSecret;
  } catch (error) {
    if (error instanceof AppError) return undefined;
    throw error;
  }
}
