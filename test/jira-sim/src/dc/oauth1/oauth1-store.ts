/** OAuth 1.0a state: request tokens, access tokens and seen nonces. */

export interface RequestToken {
  token: string;
  secret: string;
  consumerKey: string;
  /** `oob` or the callback URL given at request-token time. */
  callback: string;
  createdAt: number;
  /** Set when a user approves (or denies) the token. */
  userId: string | null;
  verifier: string | null;
  denied: boolean;
}

export interface OAuth1AccessToken {
  token: string;
  secret: string;
  consumerKey: string;
  userId: string;
  createdAt: number;
  expiresAt: number;
  revoked: boolean;
}

export interface OAuth1Store {
  requestTokens: Map<string, RequestToken>;
  accessTokens: Map<string, OAuth1AccessToken>;
  /** `consumerKey timestamp nonce` → when it may be forgotten (epoch ms). */
  nonces: Map<string, number>;
}

export function createOAuth1Store(): OAuth1Store {
  return { requestTokens: new Map(), accessTokens: new Map(), nonces: new Map() };
}

/** Remember a nonce; false if it was already used with this consumer and timestamp. */
export function useNonce(store: OAuth1Store, key: string, now: number, keepUntil: number): boolean {
  for (const [seen, until] of store.nonces) if (until < now) store.nonces.delete(seen);
  if (store.nonces.has(key)) return false;
  store.nonces.set(key, keepUntil);
  return true;
}
