/** Revoke what a user or admin could revoke in Jira: OAuth grants/tokens, OAuth 1.0a tokens, PATs, API tokens. */
import type { SimDeps } from '../deps.ts';
import type { RevokeFilter } from './token-store.ts';
import { revokeTokens } from './token-store.ts';

/**
 * Revoke everything matching all given fields (`token`: any token string; `userId`: accountId or
 * DC user key; `clientId`: OAuth client id or OAuth 1.0a consumer key). Returns the count revoked.
 */
export function revokeCredentials(deps: SimDeps, filter: RevokeFilter): number {
  let count = revokeTokens(deps.tokens, filter);
  const matches = (token: string, userId: string, clientId: string | null) =>
    (filter.token === undefined || token === filter.token) &&
    (filter.userId === undefined || userId === filter.userId) &&
    (filter.clientId === undefined || clientId === filter.clientId);
  for (const token of deps.oauth1.accessTokens.values()) {
    if (!token.revoked && matches(token.token, token.userId, token.consumerKey)) {
      token.revoked = true;
      count += 1;
    }
  }
  if (filter.clientId === undefined) {
    for (const pat of deps.credentials.pats.values()) {
      if (!pat.revoked && matches(pat.token, pat.userId, null)) {
        pat.revoked = true;
        count += 1;
      }
    }
    for (const apiToken of deps.credentials.apiTokens.values()) {
      if (!apiToken.revoked && matches(apiToken.token, apiToken.accountId, null)) {
        apiToken.revoked = true;
        count += 1;
      }
    }
  }
  return count;
}
