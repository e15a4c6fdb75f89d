/**
 * Issued OAuth 2.0 artefacts (Cloud 3LO/2LO and DC): grants, authorization codes, access tokens
 * and rotating refresh-token families. Secrets come from a seeded generator, so runs repeat.
 */
import type { Rng } from '../core/rng.ts';

/**
 * `forge-user` / `forge-system`: the OAuth tokens Forge forwards to a remote
 * (`x-forge-oauth-user`, `x-forge-oauth-system`), good only on the site's `app.apiBaseUrl`.
 */
export type BearerKind = 'cloud-3lo' | 'cloud-2lo' | 'dc-oauth2' | 'forge-user' | 'forge-system';

/** A Cloud 3LO consent: one per app per Atlassian account, covering the sites chosen so far. */
export interface Grant {
  id: string;
  clientId: string;
  accountId: string;
  cloudIds: string[];
  /** Scopes of the latest consent ("scopes in the new grant override the existing grant"). */
  scopes: string[];
  createdAt: number;
  revoked: boolean;
}

/** An authorization request waiting for the user's decision on a consent page. */
export interface PendingAuthorization {
  id: string;
  kind: 'cloud-3lo' | 'dc-oauth2';
  clientId: string;
  redirectUri: string;
  scopes: string[];
  state: string;
  codeChallenge: string | null;
  /** The user the consent page is shown to. */
  userId: string;
  expiresAt: number;
}

export interface AuthorizationCode {
  code: string;
  kind: 'cloud-3lo' | 'dc-oauth2';
  clientId: string;
  redirectUri: string;
  userId: string;
  scopes: string[];
  grantId: string | null;
  /** S256 challenge, or null when none was sent. */
  codeChallenge: string | null;
  expiresAt: number;
  used: boolean;
  /** Tokens issued from this code (revoked if the code is replayed, RFC 6749 §4.1.2). */
  issuedTokens: string[];
}

export interface AccessToken {
  token: string;
  kind: BearerKind;
  clientId: string;
  /** Null for 2LO. */
  userId: string | null;
  grantId: string | null;
  familyId: string | null;
  scopes: string[];
  /** 2LO and Forge tokens: the one site the token may call. */
  cloudId: string | null;
  issuedAt: number;
  expiresAt: number;
  revoked: boolean;
}

/** All refresh tokens descending from one authorization share a family (for breach detection). */
export interface TokenFamily {
  id: string;
  kind: 'cloud-3lo' | 'dc-oauth2';
  clientId: string;
  userId: string;
  grantId: string | null;
  createdAt: number;
  revoked: boolean;
}

export interface RefreshToken {
  token: string;
  familyId: string;
  scopes: string[];
  /** DC checks the redirect URI again on refresh. */
  redirectUri: string;
  issuedAt: number;
  /** When it was exchanged for a new pair; null while unused. */
  rotatedAt: number | null;
  revoked: boolean;
}

export interface TokenStore {
  grants: Map<string, Grant>;
  codes: Map<string, AuthorizationCode>;
  pending: Map<string, PendingAuthorization>;
  accessTokens: Map<string, AccessToken>;
  families: Map<string, TokenFamily>;
  refreshTokens: Map<string, RefreshToken>;
  /** A fresh opaque secret, e.g. `newSecret('at')`. */
  newSecret(prefix: string): string;
}

export function createTokenStore(rng: Rng): TokenStore {
  return {
    grants: new Map(),
    codes: new Map(),
    pending: new Map(),
    accessTokens: new Map(),
    families: new Map(),
    refreshTokens: new Map(),
    newSecret: (prefix) => `${prefix}_${rng.hex(24)}`,
  };
}

/** The access token if it exists, is unexpired and unrevoked, and (3LO) its grant still stands. */
export function findLiveAccessToken(
  store: TokenStore,
  token: string,
  now: number,
  kinds: readonly BearerKind[],
): AccessToken | undefined {
  const record = store.accessTokens.get(token);
  if (!record || record.revoked || record.expiresAt <= now || !kinds.includes(record.kind))
    return undefined;
  if (record.grantId !== null && store.grants.get(record.grantId)?.revoked !== false)
    return undefined;
  return record;
}

export interface RevokeFilter {
  /** An access or refresh token. */
  token?: string;
  userId?: string;
  clientId?: string;
}

/**
 * Revoke everything matching the filter (all given fields must match): grants, families,
 * access and refresh tokens. Returns how many access/refresh tokens were revoked.
 */
export function revokeTokens(store: TokenStore, filter: RevokeFilter): number {
  let count = 0;
  const familyIds = new Set<string>();
  if (filter.token !== undefined) {
    const access = store.accessTokens.get(filter.token);
    const refresh = store.refreshTokens.get(filter.token);
    if (access?.familyId) familyIds.add(access.familyId);
    if (refresh) familyIds.add(refresh.familyId);
    if (access && !access.familyId && !access.revoked) {
      access.revoked = true;
      count += 1;
    }
  } else {
    for (const family of store.families.values()) {
      if (
        (filter.userId === undefined || family.userId === filter.userId) &&
        (filter.clientId === undefined || family.clientId === filter.clientId)
      )
        familyIds.add(family.id);
    }
    for (const grant of store.grants.values()) {
      if (
        (filter.userId === undefined || grant.accountId === filter.userId) &&
        (filter.clientId === undefined || grant.clientId === filter.clientId)
      )
        grant.revoked = true;
    }
    for (const access of store.accessTokens.values()) {
      const matches =
        (filter.userId === undefined || access.userId === filter.userId) &&
        (filter.clientId === undefined || access.clientId === filter.clientId);
      if (matches && !access.familyId && !access.revoked) {
        access.revoked = true;
        count += 1;
      }
    }
  }
  for (const familyId of familyIds) count += revokeFamily(store, familyId, true);
  return count;
}

/** Revoke a family (no refresh token of it works again) and its tokens. Returns the number revoked. */
export function revokeFamily(
  store: TokenStore,
  familyId: string,
  includeAccessTokens: boolean,
): number {
  const family = store.families.get(familyId);
  if (family) family.revoked = true;
  return revokeFamilyTokens(store, familyId, includeAccessTokens);
}

/** Revoke the tokens issued so far in a family, leaving the family usable for new ones (DC rotation). */
export function revokeFamilyTokens(
  store: TokenStore,
  familyId: string,
  includeAccessTokens: boolean,
): number {
  let count = 0;
  for (const refresh of store.refreshTokens.values()) {
    if (refresh.familyId === familyId && !refresh.revoked) {
      refresh.revoked = true;
      count += 1;
    }
  }
  if (includeAccessTokens) {
    for (const access of store.accessTokens.values()) {
      if (access.familyId === familyId && !access.revoked) {
        access.revoked = true;
        count += 1;
      }
    }
  }
  return count;
}
