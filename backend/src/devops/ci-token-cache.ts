import type { Store } from '../db/store.ts';
import type { CiPrincipal } from './credential-service.ts';

/**
 * How long a verified CI token is trusted without asking the store again. Revocation and site
 * changes in this process forget cached tokens at once; another replica's revocation (several
 * backends on one PostgreSQL) takes effect here within this time.
 */
export const CI_TOKEN_CACHE_MS = 10_000;
/** Bounded, so a flood of fresh tokens cannot grow memory: the oldest entry goes first. */
const MAX_ENTRIES = 10_000;

export interface CiTokenEntry {
  principal: CiPrincipal;
  /** The token's own expiry: never trusted past it, whatever the cache time. */
  tokenExpiresAt: number;
  /** Until when the store need not be asked again. */
  checkedUntil: number;
  /** When the credential's `lastUsedAt` was last written (touch at most once a minute). */
  lastUsedAt: number | null;
}

/** Token hash → what the store said about it, per store (one per process, one per test app). */
export interface CiTokenCache {
  get(tokenHash: string, now: number): CiTokenEntry | undefined;
  /**
   * Caches what the store said, unless `clear` ran since `generation` was read before asking it
   * (a revocation racing the look-up must not be undone by a stale answer).
   */
  put(tokenHash: string, entry: CiTokenEntry, generation: number): void;
  readonly generation: number;
  /** Forgets every cached token (after a revocation or a site change: rare admin actions). */
  clear(): void;
}

const caches = new WeakMap<Store, CiTokenCache>();

export function ciTokenCacheFor(store: Store): CiTokenCache {
  const existing = caches.get(store);
  if (existing) return existing;
  const entries = new Map<string, CiTokenEntry>();
  let generation = 0;
  const cache: CiTokenCache = {
    get generation() {
      return generation;
    },
    get(tokenHash, now) {
      const entry = entries.get(tokenHash);
      if (!entry) return undefined;
      if (entry.checkedUntil > now && entry.tokenExpiresAt > now) return entry;
      entries.delete(tokenHash);
      return undefined;
    },
    put(tokenHash, entry, seen) {
      if (seen !== generation) return;
      if (entries.size >= MAX_ENTRIES && !entries.has(tokenHash)) {
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
      entries.set(tokenHash, entry);
    },
    clear() {
      generation += 1;
      entries.clear();
    },
  };
  caches.set(store, cache);
  return cache;
}
