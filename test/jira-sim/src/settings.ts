/**
 * Tunable protocol timings, all read at request time from the simulator clock. Defaults are the
 * documented values (jira-protocols.md §1.3, §3, §4); tests may change them on `sim.settings`.
 */
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export interface SimSettings {
  /** Cloud 3LO/2LO access-token lifetime (`expires_in`), seconds. */
  cloudAccessTokenTtlSeconds: number;
  /** Cloud authorization-code lifetime (UNCONFIRMED; ~10 min per RFC 6749 §4.1.2). */
  cloudAuthCodeTtlMs: number;
  /** Reuse interval in which an already-rotated refresh token still works (Atlassian: 10 min). */
  refreshReuseLeewayMs: number;
  /** Refresh-token inactivity expiry, reset by each rotation (Atlassian: 90 days). */
  refreshInactivityMs: number;
  /** Absolute expiry of a refresh-token family (Atlassian: 365 days). */
  refreshAbsoluteMs: number;
  /** DC OAuth 2.0 access-token lifetime (provider library default 3600 s). */
  dcAccessTokenTtlSeconds: number;
  /** DC refresh-token lifetime (library default 90 days). */
  dcRefreshTtlMs: number;
  /** DC authorization-code lifetime (decompiled default 1 min). */
  dcAuthCodeTtlMs: number;
  /** OAuth 1.0a: accepted clock skew of `oauth_timestamp` (net.oauth default 5 min). */
  oauth1TimestampWindowMs: number;
  /** OAuth 1.0a access-token lifetime reported as `oauth_expires_in` (5 years seen on a default server). */
  oauth1AccessTokenTtlSeconds: number;
  /** Unapproved OAuth 1.0a request tokens expire after this (UNCONFIRMED; 10 min chosen). */
  oauth1RequestTokenTtlMs: number;
  /** Forge Invocation Token lifetime (25 s in Atlassian's example). */
  forgeTokenTtlSeconds: number;
  /** Forge-forwarded OAuth tokens (user and system): "at least 2 hours", user tokens "max 4 hours". */
  forgeOAuthTokenTtlSeconds: number;
  /** Lifetime of a REST-registered (dynamic) webhook, extended by refresh (Atlassian: 30 days). */
  dynamicWebhookTtlMs: number;
  /** Delays before each webhook retry; its length is the retry count (UNCONFIRMED: "up to five retries, 5–15 min apart"). */
  webhookRetryDelaysMs: number[];
  /** Lifetime of the JWT on dynamic-webhook deliveries (~15 min reported; UNCONFIRMED). */
  webhookJwtTtlSeconds: number;
}

export function createDefaultSettings(): SimSettings {
  return {
    cloudAccessTokenTtlSeconds: 3600,
    cloudAuthCodeTtlMs: 10 * MINUTE,
    refreshReuseLeewayMs: 10 * MINUTE,
    refreshInactivityMs: 90 * DAY,
    refreshAbsoluteMs: 365 * DAY,
    dcAccessTokenTtlSeconds: 3600,
    dcRefreshTtlMs: 90 * DAY,
    dcAuthCodeTtlMs: MINUTE,
    oauth1TimestampWindowMs: 5 * MINUTE,
    oauth1AccessTokenTtlSeconds: 157_680_000,
    oauth1RequestTokenTtlMs: 10 * MINUTE,
    forgeTokenTtlSeconds: 25,
    forgeOAuthTokenTtlSeconds: 7200,
    dynamicWebhookTtlMs: 30 * DAY,
    webhookRetryDelaysMs: [5, 10, 15, 15, 15].map((minutes) => minutes * MINUTE),
    webhookJwtTtlSeconds: 900,
  };
}
