/**
 * The grants of `POST /oauth/token` on auth.atlassian.com: authorization_code (single use,
 * short-lived, exact redirect_uri, PKCE S256 if a challenge was sent), refresh_token (rotation
 * with reuse leeway, family revocation, 90-day inactivity and 365-day absolute expiry) and
 * client_credentials (2LO). Atlassian answers invalid_grant with 403.
 * @see https://developer.atlassian.com/cloud/oauth/getting-started/refresh-tokens/
 */
import type { DevopsClient, OAuthApp } from '../auth/credentials.ts';
import { oauthError } from '../auth/jira-errors.ts';
import { matchesChallenge } from '../auth/pkce.ts';
import { revokeFamily } from '../auth/token-store.ts';
import type { SimDeps } from '../deps.ts';
import { issueCloudTokenPair, issueTwoLeggedToken } from './issue-tokens.ts';

/** Atlassian's documented refresh failure: 403 `Unknown or invalid refresh token.` */
export function invalidRefreshToken(): Response {
  return oauthError(403, 'invalid_grant', 'Unknown or invalid refresh token.');
}

/** Same status for bad codes (Atlassian's exact description UNCONFIRMED). */
function invalidGrant(description: string): Response {
  return oauthError(403, 'invalid_grant', description);
}

export function exchangeAuthorizationCode(
  deps: SimDeps,
  app: OAuthApp,
  params: Map<string, string>,
): Response {
  const codeValue = params.get('code');
  const redirectUri = params.get('redirect_uri');
  if (!codeValue) return oauthError(400, 'invalid_request', 'code is required.');
  if (!redirectUri) return oauthError(400, 'invalid_request', 'redirect_uri is required.');
  const code = deps.tokens.codes.get(codeValue);
  if (code?.kind !== 'cloud-3lo' || code.clientId !== app.clientId)
    return invalidGrant('Invalid authorization code');
  if (code.used) {
    // RFC 6749 §4.1.2: a replayed code revokes what it produced.
    for (const token of code.issuedTokens) {
      const refresh = deps.tokens.refreshTokens.get(token);
      if (refresh) revokeFamily(deps.tokens, refresh.familyId, true);
      const access = deps.tokens.accessTokens.get(token);
      if (access) access.revoked = true;
    }
    return invalidGrant('Invalid authorization code');
  }
  if (code.expiresAt <= deps.clock.now()) return invalidGrant('Invalid authorization code');
  if (code.redirectUri !== redirectUri) return invalidGrant('Invalid redirect_uri');
  if (code.codeChallenge !== null) {
    const verifier = params.get('code_verifier');
    if (!verifier || !matchesChallenge(verifier, code.codeChallenge))
      return invalidGrant('Invalid code_verifier');
  }
  code.used = true;
  const grant = code.grantId === null ? undefined : deps.tokens.grants.get(code.grantId);
  if (!grant || grant.revoked) return invalidGrant('Invalid authorization code');
  const body = issueCloudTokenPair(deps, grant, code.scopes, null, code.redirectUri);
  code.issuedTokens.push(body.access_token, ...(body.refresh_token ? [body.refresh_token] : []));
  return Response.json(body, { headers: { 'Cache-Control': 'no-store' } });
}

export function refreshCloudToken(
  deps: SimDeps,
  app: OAuthApp,
  params: Map<string, string>,
): Response {
  const value = params.get('refresh_token');
  if (!value) return oauthError(400, 'invalid_request', 'refresh_token is required.');
  const now = deps.clock.now();
  const token = deps.tokens.refreshTokens.get(value);
  const family = token ? deps.tokens.families.get(token.familyId) : undefined;
  if (!token || !family || family.kind !== 'cloud-3lo' || family.clientId !== app.clientId)
    return invalidRefreshToken();
  const grant = family.grantId === null ? undefined : deps.tokens.grants.get(family.grantId);
  if (token.revoked || family.revoked || !grant || grant.revoked) return invalidRefreshToken();
  if (now - family.createdAt > deps.settings.refreshAbsoluteMs) return invalidRefreshToken();
  if (now - token.issuedAt > deps.settings.refreshInactivityMs) return invalidRefreshToken();
  if (token.rotatedAt !== null && now - token.rotatedAt > deps.settings.refreshReuseLeewayMs) {
    // Reuse of a rotated token outside the leeway: breach detection kills the whole family.
    revokeFamily(deps.tokens, family.id, false);
    return invalidRefreshToken();
  }
  token.rotatedAt ??= now;
  const body = issueCloudTokenPair(deps, grant, token.scopes, family.id, token.redirectUri);
  return Response.json(body, { headers: { 'Cache-Control': 'no-store' } });
}

export function issueClientCredentials(
  deps: SimDeps,
  client: DevopsClient,
  params: Map<string, string>,
): Response {
  const audience = params.get('audience');
  // `audience` is optional (Atlassian's Jenkins plugin never sent it); if sent it must be the API host.
  if (audience !== undefined && audience !== 'api.atlassian.com')
    return oauthError(403, 'access_denied', 'Unknown audience.');
  return Response.json(issueTwoLeggedToken(deps, client), {
    headers: { 'Cache-Control': 'no-store' },
  });
}
