/**
 * Turning a consent decision into a redirect: a single-use authorization code on Accept,
 * `error=access_denied` on Deny. Used by the consent form and by `sim.approveConsent` in tests.
 * @see https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/#1--direct-the-user-to-the-authorization-url-to-get-an-authorization-code
 */
import type { PendingAuthorization } from '../auth/token-store.ts';
import type { SimDeps } from '../deps.ts';
import { upsertGrant } from './issue-tokens.ts';

/** `redirect_uri` with query parameters appended (keeps any query it already has). */
export function buildRedirect(redirectUri: string, params: Record<string, string>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.toString();
}

/** Accept: record the grant for the chosen site, mint a code, and return the redirect URL. */
export function acceptCloudConsent(
  deps: SimDeps,
  pending: PendingAuthorization,
  cloudId: string,
): { code: string; redirectUrl: string } {
  deps.tokens.pending.delete(pending.id);
  const grant = upsertGrant(deps, {
    clientId: pending.clientId,
    accountId: pending.userId,
    cloudId,
    scopes: pending.scopes,
  });
  const code = deps.tokens.newSecret('sim_code');
  deps.tokens.codes.set(code, {
    code,
    kind: 'cloud-3lo',
    clientId: pending.clientId,
    redirectUri: pending.redirectUri,
    userId: pending.userId,
    scopes: pending.scopes,
    grantId: grant.id,
    codeChallenge: pending.codeChallenge,
    expiresAt: deps.clock.now() + deps.settings.cloudAuthCodeTtlMs,
    used: false,
    issuedTokens: [],
  });
  return { code, redirectUrl: buildRedirect(pending.redirectUri, { code, state: pending.state }) };
}

/** Deny: the RFC 6749 §4.1.2.1 error redirect (Atlassian's exact description UNCONFIRMED). */
export function denyConsent(deps: SimDeps, pending: PendingAuthorization): string {
  deps.tokens.pending.delete(pending.id);
  return buildRedirect(pending.redirectUri, {
    error: 'access_denied',
    error_description: 'The user denied the request.',
    state: pending.state,
  });
}
