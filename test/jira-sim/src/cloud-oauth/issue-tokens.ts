/**
 * Issuing Cloud tokens: 3LO grants and token pairs (with a rotating refresh-token family when
 * `offline_access` was granted) and 2LO access tokens.
 * @see https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/
 */
import type { DevopsClient } from '../auth/credentials.ts';
import type { AccessToken, Grant, RefreshToken } from '../auth/token-store.ts';
import type { SimDeps } from '../deps.ts';

/** Atlassian's token response (`refresh_token` only with `offline_access`). */
export interface CloudTokenResponse {
  access_token: string;
  expires_in: number;
  token_type: 'Bearer';
  scope: string;
  refresh_token?: string;
}

/** Record a consent: one grant per app and account; a new consent adds the site and replaces the scopes. */
export function upsertGrant(
  deps: SimDeps,
  input: { clientId: string; accountId: string; cloudId: string; scopes: string[] },
): Grant {
  const existing = [...deps.tokens.grants.values()].find(
    (g) => g.clientId === input.clientId && g.accountId === input.accountId && !g.revoked,
  );
  if (existing) {
    if (!existing.cloudIds.includes(input.cloudId)) existing.cloudIds.push(input.cloudId);
    existing.scopes = [...input.scopes];
    return existing;
  }
  const grant: Grant = {
    id: deps.tokens.newSecret('grant'),
    clientId: input.clientId,
    accountId: input.accountId,
    cloudIds: [input.cloudId],
    scopes: [...input.scopes],
    createdAt: deps.clock.now(),
    revoked: false,
  };
  deps.tokens.grants.set(grant.id, grant);
  return grant;
}

/** Store and return a new access token. */
export function issueAccessToken(
  deps: SimDeps,
  fields: Pick<
    AccessToken,
    'kind' | 'clientId' | 'userId' | 'grantId' | 'familyId' | 'scopes' | 'cloudId'
  >,
  ttlSeconds: number,
): AccessToken {
  const now = deps.clock.now();
  const token: AccessToken = {
    ...fields,
    token: deps.tokens.newSecret('sim_at'),
    issuedAt: now,
    expiresAt: now + ttlSeconds * 1000,
    revoked: false,
  };
  deps.tokens.accessTokens.set(token.token, token);
  return token;
}

/** A new refresh token in a family (the family is created when `familyId` is null). */
export function issueRefreshToken(
  deps: SimDeps,
  input: {
    familyId: string | null;
    kind: 'cloud-3lo' | 'dc-oauth2';
    clientId: string;
    userId: string;
    grantId: string | null;
    scopes: string[];
    redirectUri: string;
  },
): RefreshToken {
  const now = deps.clock.now();
  let familyId = input.familyId;
  if (familyId === null) {
    familyId = deps.tokens.newSecret('family');
    deps.tokens.families.set(familyId, {
      id: familyId,
      kind: input.kind,
      clientId: input.clientId,
      userId: input.userId,
      grantId: input.grantId,
      createdAt: now,
      revoked: false,
    });
  }
  const token: RefreshToken = {
    token: deps.tokens.newSecret('sim_rt'),
    familyId,
    scopes: [...input.scopes],
    redirectUri: input.redirectUri,
    issuedAt: now,
    rotatedAt: null,
    revoked: false,
  };
  deps.tokens.refreshTokens.set(token.token, token);
  return token;
}

/** Access token (+ refresh token when the grant includes `offline_access`) for a 3LO grant. */
export function issueCloudTokenPair(
  deps: SimDeps,
  grant: Grant,
  scopes: string[],
  familyId: string | null,
  redirectUri: string,
): CloudTokenResponse {
  const refresh = scopes.includes('offline_access')
    ? issueRefreshToken(deps, {
        familyId,
        kind: 'cloud-3lo',
        clientId: grant.clientId,
        userId: grant.accountId,
        grantId: grant.id,
        scopes,
        redirectUri,
      })
    : undefined;
  const ttl = deps.settings.cloudAccessTokenTtlSeconds;
  const access = issueAccessToken(
    deps,
    {
      kind: 'cloud-3lo',
      clientId: grant.clientId,
      userId: grant.accountId,
      grantId: grant.id,
      familyId: refresh?.familyId ?? familyId,
      scopes,
      cloudId: null,
    },
    ttl,
  );
  const response: CloudTokenResponse = {
    access_token: access.token,
    expires_in: ttl,
    token_type: 'Bearer',
    scope: scopes.join(' '),
  };
  if (refresh) response.refresh_token = refresh.token;
  return response;
}

/** A 2LO access token for one site's DevOps APIs (lifetime 60 min per the Jenkins plugin). */
export function issueTwoLeggedToken(
  deps: SimDeps,
  client: DevopsClient,
): { access_token: string; expires_in: number; token_type: 'Bearer' } {
  const ttl = deps.settings.cloudAccessTokenTtlSeconds;
  const access = issueAccessToken(
    deps,
    {
      kind: 'cloud-2lo',
      clientId: client.clientId,
      userId: null,
      grantId: null,
      familyId: null,
      scopes: [],
      cloudId: client.cloudId,
    },
    ttl,
  );
  return { access_token: access.token, expires_in: ttl, token_type: 'Bearer' };
}
