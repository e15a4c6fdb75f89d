/** DC consent decisions: a one-minute authorization code, or `error=access_denied`. */
import type { PendingAuthorization } from '../../auth/token-store.ts';
import { buildRedirect, denyConsent } from '../../cloud-oauth/consent.ts';
import type { SimDeps } from '../../deps.ts';

export { denyConsent };

export function acceptDcConsent(
  deps: SimDeps,
  pending: PendingAuthorization,
): { code: string; redirectUrl: string } {
  deps.tokens.pending.delete(pending.id);
  const code = deps.tokens.newSecret('sim_dccode');
  deps.tokens.codes.set(code, {
    code,
    kind: 'dc-oauth2',
    clientId: pending.clientId,
    redirectUri: pending.redirectUri,
    userId: pending.userId,
    scopes: pending.scopes,
    grantId: null,
    codeChallenge: pending.codeChallenge,
    expiresAt: deps.clock.now() + deps.settings.dcAuthCodeTtlMs,
    used: false,
    issuedTokens: [],
  });
  return { code, redirectUrl: buildRedirect(pending.redirectUri, { code, state: pending.state }) };
}
