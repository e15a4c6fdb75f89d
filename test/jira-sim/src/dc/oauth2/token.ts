/**
 * `POST /rest/oauth2/latest/token` on Jira DC: parameters on the query string (Atlassian's
 * examples) or a form body; authorization_code needs the PKCE verifier; refresh_token needs
 * `redirect_uri` and rotates strictly (the old access and refresh tokens die). Errors are RFC 6749
 * §5.2 with 400 (a missing/wrong redirect_uri on refresh is a bare `{"error":"invalid_grant"}`).
 * @see https://confluence.atlassian.com/adminjiraserver/jira-oauth-2-0-provider-api-1115659070.html
 */
import { Hono } from 'hono';
import type { DcOAuthClient } from '../../auth/credentials.ts';
import { oauthError } from '../../auth/jira-errors.ts';
import { matchesChallenge } from '../../auth/pkce.ts';
import { revokeFamilyTokens } from '../../auth/token-store.ts';
import { invalidClient, readTokenRequest } from '../../cloud-oauth/client-auth.ts';
import { issueAccessToken, issueRefreshToken } from '../../cloud-oauth/issue-tokens.ts';
import type { SimDeps } from '../../deps.ts';

function issueDcPair(
  deps: SimDeps,
  client: DcOAuthClient,
  userId: string,
  scopes: string[],
  familyId: string | null,
): Response {
  const ttl = deps.settings.dcAccessTokenTtlSeconds;
  const refresh = issueRefreshToken(deps, {
    familyId,
    kind: 'dc-oauth2',
    clientId: client.clientId,
    userId,
    grantId: null,
    scopes,
    redirectUri: client.redirectUri,
  });
  const access = issueAccessToken(
    deps,
    {
      kind: 'dc-oauth2',
      clientId: client.clientId,
      userId,
      grantId: null,
      familyId: refresh.familyId,
      scopes,
      cloudId: null,
    },
    ttl,
  );
  return Response.json(
    {
      access_token: access.token,
      token_type: 'bearer',
      expires_in: ttl,
      refresh_token: refresh.token,
      created_at: Math.floor(deps.clock.now() / 1000),
    },
    { headers: { 'Cache-Control': 'no-store' } },
  );
}

function exchangeCode(deps: SimDeps, client: DcOAuthClient, params: Map<string, string>): Response {
  const value = params.get('code');
  const redirectUri = params.get('redirect_uri');
  const verifier = params.get('code_verifier');
  if (!value || !redirectUri)
    return oauthError(400, 'invalid_request', 'code and redirect_uri are required.');
  const code = deps.tokens.codes.get(value);
  if (
    code?.kind !== 'dc-oauth2' ||
    code.clientId !== client.clientId ||
    code.used ||
    code.expiresAt <= deps.clock.now()
  ) {
    return oauthError(400, 'invalid_grant', 'Invalid authorization code.');
  }
  if (code.redirectUri !== redirectUri)
    return oauthError(400, 'invalid_grant', 'redirect_uri does not match.');
  if (!verifier || code.codeChallenge === null || !matchesChallenge(verifier, code.codeChallenge))
    return oauthError(400, 'invalid_grant', 'Invalid code_verifier.');
  code.used = true;
  return issueDcPair(deps, client, code.userId, code.scopes, null);
}

function refresh(deps: SimDeps, client: DcOAuthClient, params: Map<string, string>): Response {
  const token = deps.tokens.refreshTokens.get(params.get('refresh_token') ?? '');
  const family = token ? deps.tokens.families.get(token.familyId) : undefined;
  if (params.get('redirect_uri') !== client.redirectUri) return oauthError(400, 'invalid_grant');
  if (!token || !family || family.kind !== 'dc-oauth2' || family.clientId !== client.clientId)
    return oauthError(400, 'invalid_grant', 'Invalid refresh token.');
  const user = deps.world.dc.users.get(family.userId);
  const expired = deps.clock.now() - token.issuedAt > deps.settings.dcRefreshTtlMs;
  if (token.revoked || token.rotatedAt !== null || family.revoked || expired || !user?.active)
    return oauthError(400, 'invalid_grant', 'Invalid refresh token.');
  token.rotatedAt = deps.clock.now();
  // Rotation on DC invalidates the existing access and refresh tokens.
  revokeFamilyTokens(deps.tokens, family.id, true);
  return issueDcPair(deps, client, family.userId, token.scopes, family.id);
}

export function createDcTokenRoutes(deps: SimDeps): Hono {
  const app = new Hono();
  app.post('/rest/oauth2/latest/token', async (c) => {
    const request = await readTokenRequest(c, { allowQuery: true });
    if (request instanceof Response) return request;
    const grantType = request.params.get('grant_type');
    if (!grantType) return oauthError(400, 'invalid_request', 'grant_type is required.');
    if (grantType !== 'authorization_code' && grantType !== 'refresh_token')
      return oauthError(400, 'unsupported_grant_type');
    const client = deps.credentials.dcOAuthClients.get(request.clientId);
    if (!client || client.clientSecret !== request.clientSecret)
      return invalidClient(request, deps.world.dc.baseUrl);
    return grantType === 'authorization_code'
      ? exchangeCode(deps, client, request.params)
      : refresh(deps, client, request.params);
  });
  return app;
}
