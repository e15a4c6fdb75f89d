import type { Deps } from '../deps.ts';

export type DeliveryDeps = Pick<Deps, 'store' | 'clock' | 'logger' | 'metrics' | 'config'>;

/** Repeats `fn` every `ms` until stopped (lease renewal); tests pass timers they fire by hand. */
export interface LeaseTimers {
  every(ms: number, fn: () => Promise<void>): () => void;
}

export const realLeaseTimers: LeaseTimers = {
  every(ms, fn) {
    const timer = setInterval(() => void fn(), ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};

/** Who delivers (the lease owner) and how: what the forwarder and any other caller share. */
export interface DeliveryContext {
  deps: DeliveryDeps;
  owner: string;
  /** A claim's lease; renewed every third of it while a delivery is in progress. */
  leaseMs: number;
  random: () => number;
  timers: LeaseTimers;
}

/** What one delivery (or pass, or drain) did. */
export interface PassReport {
  claimed: number;
  /** Batches sent (requests, counting each part of a split batch). */
  requests: number;
  delivered: number;
  rejected: number;
  retried: number;
  dead: number;
}

export const emptyPassReport = (): PassReport => ({
  claimed: 0,
  requests: 0,
  delivered: 0,
  rejected: 0,
  retried: 0,
  dead: 0,
});

export function addPassReport(into: PassReport, from: PassReport): PassReport {
  for (const key of Object.keys(into) as (keyof PassReport)[]) into[key] += from[key];
  return into;
}
