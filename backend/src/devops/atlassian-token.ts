import type { PlainSecret } from '../crypto/secret.ts';
import type { Deps } from '../deps.ts';
import { requestTwoLeggedToken, type SoftwareApiResult } from '../jira/software-api.ts';
import { createDevopsSiteRepo, type DevopsSiteRow } from './repo.ts';

export type TokenDeps = Pick<Deps, 'store' | 'sealer' | 'clock' | 'fetch' | 'config' | 'logger'>;

/** A token is used until this long before it expires. */
const REFRESH_MARGIN_MS = 5 * 60_000;

export const bindSite = (siteId: string, column: 'client_secret' | 'access_token') => ({
  table: 'devops_sites',
  column,
  rowId: siteId,
});

interface Cached {
  token: PlainSecret;
  expiresAt: Date;
  /** The sealed client secret the token was fetched with: new credentials invalidate it. */
  secret: string;
}

interface TokenCache {
  tokens: Map<string, Cached>;
  inflight: Map<string, Promise<SoftwareApiResult<PlainSecret>>>;
}

/** One cache per store (per app in tests): tokens in memory, sealed copies in the site row. */
const caches = new WeakMap<object, TokenCache>();

function cacheOf(deps: TokenDeps): TokenCache {
  let cache = caches.get(deps.store);
  if (!cache) {
    cache = { tokens: new Map(), inflight: new Map() };
    caches.set(deps.store, cache);
  }
  return cache;
}

/**
 * The site's 2LO access token: from memory or the sealed copy in its row while it has more than
 * five minutes left, else fetched from Atlassian, once per site however many callers ask at once.
 * Pass `rejected` (a token Jira refused) to get a fresh one unless someone already replaced it.
 */
export async function getSiteAccessToken(
  deps: TokenDeps,
  site: DevopsSiteRow,
  rejected?: PlainSecret,
): Promise<SoftwareApiResult<PlainSecret>> {
  const cache = cacheOf(deps);
  const usable = (entry: Cached | undefined) =>
    entry &&
    entry.secret === site.clientSecret &&
    entry.expiresAt.getTime() - REFRESH_MARGIN_MS > deps.clock.now().getTime() &&
    !(rejected && entry.token.equals(rejected));
  const cached = cache.tokens.get(site.id);
  if (usable(cached) && cached) return { ok: true, value: cached.token };
  if (!rejected && site.accessToken && site.accessTokenExpiresAt) {
    const stored: Cached = {
      token: deps.sealer.open(site.accessToken, bindSite(site.id, 'access_token')),
      expiresAt: site.accessTokenExpiresAt,
      secret: site.clientSecret,
    };
    if (usable(stored)) {
      cache.tokens.set(site.id, stored);
      return { ok: true, value: stored.token };
    }
  }
  const running = cache.inflight.get(site.id);
  if (running) return running;
  const fetching = fetchAndStore(deps, site, cache).finally(() => cache.inflight.delete(site.id));
  cache.inflight.set(site.id, fetching);
  return fetching;
}

async function fetchAndStore(
  deps: TokenDeps,
  site: DevopsSiteRow,
  cache: TokenCache,
): Promise<SoftwareApiResult<PlainSecret>> {
  const result = await requestTwoLeggedToken(deps, {
    apiUrl: deps.config.atlassian.apiUrl,
    clientId: site.clientId,
    clientSecret: deps.sealer.open(site.clientSecret, bindSite(site.id, 'client_secret')),
  });
  if (!result.ok) return result;
  const { accessToken, expiresAt } = result.value;
  cache.tokens.set(site.id, { token: accessToken, expiresAt, secret: site.clientSecret });
  const sealed = deps.sealer.seal(accessToken, bindSite(site.id, 'access_token'));
  await deps.store.transaction((tx) =>
    createDevopsSiteRepo(deps.store.tables).update(tx, site.id, {
      accessToken: sealed,
      accessTokenExpiresAt: expiresAt,
    }),
  );
  deps.logger.info({ siteId: site.id, expiresAt }, 'devops site token fetched');
  return { ok: true, value: accessToken };
}

/** Forget the cached token of a site (its credentials changed or it was deleted). */
export function forgetSiteAccessToken(deps: TokenDeps, siteId: string): void {
  cacheOf(deps).tokens.delete(siteId);
}
