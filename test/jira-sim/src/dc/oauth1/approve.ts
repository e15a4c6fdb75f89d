/** A user's decision on an OAuth 1.0a request token (approval page, or `sim.approveRequestToken`). */
import type { SimDeps } from '../../deps.ts';
import type { User } from '../../world/types.ts';
import type { RequestToken } from './oauth1-store.ts';

/**
 * Approve (a fresh verifier) or deny (verifier `denied`, as Jira does). For a callback URL the
 * result carries the redirect with `oauth_token` and `oauth_verifier`; for `oob` it is null.
 */
export function approveRequestToken(
  deps: SimDeps,
  token: RequestToken,
  user: User,
  approve: boolean,
): { verifier: string; redirectUrl: string | null } {
  token.userId = user.id;
  token.denied = !approve;
  token.verifier = approve ? deps.rng.hex(12) : 'denied';
  if (token.callback === 'oob') return { verifier: token.verifier, redirectUrl: null };
  const url = new URL(token.callback);
  url.searchParams.set('oauth_token', token.token);
  url.searchParams.set('oauth_verifier', token.verifier);
  return { verifier: token.verifier, redirectUrl: url.toString() };
}
