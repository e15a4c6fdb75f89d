/**
 * Click "Accept" without a browser: tests hand in the authorization URL the backend built and get
 * back the redirect (with `code` and `state`) the browser would have followed. The request is
 * validated exactly as `GET /authorize` validates it; a bad one throws with the reason.
 */
import { checkCloudAuthorizeRequest } from './cloud-oauth/authorize.ts';
import { acceptCloudConsent, denyConsent } from './cloud-oauth/consent.ts';
import { approveRequestToken } from './dc/oauth1/approve.ts';
import { checkDcAuthorizeRequest } from './dc/oauth2/authorize.ts';
import { acceptDcConsent } from './dc/oauth2/consent.ts';
import type { SimDeps } from './deps.ts';
import { findUserByUsername, listSitesOfAccount } from './world/read.ts';
import { DC_USERS } from './world/seed-users.ts';

function describeFailure(check: { page: Response } | { redirect: string }): string {
  return 'page' in check
    ? `error page (HTTP ${check.page.status})`
    : `error redirect ${check.redirect}`;
}

/** Cloud 3LO consent. `loginHint` picks the account (default alice), `cloudId` the site (default the first). */
export function approveCloudAuthorization(
  deps: SimDeps,
  authorizeUrl: string,
  options: { loginHint?: string; cloudId?: string; deny?: boolean } = {},
): { code: string | null; redirectUrl: string } {
  const query = new URL(authorizeUrl).searchParams;
  if (options.loginHint !== undefined) query.set('login_hint', options.loginHint);
  const check = checkCloudAuthorizeRequest(deps, query);
  if (!check.ok) throw new Error(`Authorization request rejected: ${describeFailure(check)}`);
  if (options.deny) return { code: null, redirectUrl: denyConsent(deps, check.pending) };
  const sites = listSitesOfAccount(deps.world, check.pending.userId);
  const cloudId = options.cloudId ?? sites[0]?.cloudId;
  if (!cloudId || !sites.some((site) => site.cloudId === cloudId))
    throw new Error(`The user cannot use the app on ${cloudId}`);
  return acceptCloudConsent(deps, check.pending, cloudId);
}

/** DC OAuth 2.0 consent. `loginHint` is a username (default admin). */
export function approveDcAuthorization(
  deps: SimDeps,
  authorizeUrl: string,
  options: { loginHint?: string; deny?: boolean } = {},
): { code: string | null; redirectUrl: string } {
  const query = new URL(authorizeUrl).searchParams;
  if (options.loginHint !== undefined) query.set('login_hint', options.loginHint);
  const check = checkDcAuthorizeRequest(deps, query);
  if (!check.ok) throw new Error(`Authorization request rejected: ${describeFailure(check)}`);
  if (options.deny) return { code: null, redirectUrl: denyConsent(deps, check.pending) };
  return acceptDcConsent(deps, check.pending);
}

/** OAuth 1.0a approval of a request token by a DC user (default admin). */
export function approveOAuth1RequestToken(
  deps: SimDeps,
  requestToken: string,
  options: { username?: string; deny?: boolean } = {},
): { verifier: string; redirectUrl: string | null } {
  const token = deps.oauth1.requestTokens.get(requestToken);
  const user = findUserByUsername(deps.world.dc, options.username ?? DC_USERS.admin.username);
  if (!token || token.userId !== null) throw new Error('Unknown or already decided request token');
  if (!user) throw new Error(`No DC user ${options.username}`);
  return approveRequestToken(deps, token, user, !options.deny);
}
