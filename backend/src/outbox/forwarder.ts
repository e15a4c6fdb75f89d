import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import {
  addPassReport,
  type DeliveryContext,
  type DeliveryDeps,
  deliverOutboxRows,
  emptyPassReport,
  type LeaseTimers,
  type PassReport,
  realLeaseTimers,
} from './delivery.ts';
import { createOutboxRepo } from './repo.ts';
import type { OutboxSender } from './sender.ts';
import { UNTIL_RELEASED } from './service.ts';

export type { PassReport } from './delivery.ts';

export type ForwarderDeps = DeliveryDeps;

export interface ForwarderOptions {
  /** Lease owner name; unique per forwarder (default host:pid:random). */
  owner?: string;
  /**
   * How long a claim is ours before another forwarder may take the items over (default 30 s); it
   * is renewed every third of it while the delivery is in progress.
   */
  leaseMs?: number;
  /** Randomness for backoff jitter (tests pass a fixed one). */
  random?: () => number;
  /** Timers for lease renewal (tests pass ones they fire by hand, or never: a dead process). */
  timers?: LeaseTimers;
}

/** Who delivers and how, for a forwarder or any other caller of `deliverOutboxRows`. */
export function createDeliveryContext(
  deps: ForwarderDeps,
  options: ForwarderOptions = {},
): DeliveryContext {
  return {
    deps,
    owner: options.owner ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`,
    leaseMs: options.leaseMs ?? 30_000,
    random: options.random ?? Math.random,
    timers: options.timers ?? realLeaseTimers,
  };
}

/**
 * Delivers due outbox items through the registered senders: one group (target and kind) per pass,
 * at most `maxBatch` items, with the retry, hold and dead-letter rules of outbox/README.md.
 * @see ../../README.md "Architecture"
 */
export function createForwarder(
  deps: ForwarderDeps,
  senders: readonly OutboxSender[],
  options: ForwarderOptions = {},
) {
  const repo = createOutboxRepo(deps.store);
  const byKind = new Map(senders.map((sender) => [sender.kind, sender]));
  const kinds = [...byKind.keys()];
  const ctx = createDeliveryContext(deps, options);
  const { owner, leaseMs } = ctx;
  const { maxAgeMs, retentionMs } = deps.config.outbox;

  /**
   * The oldest due group whose target is not on hold. Items that arrived for a held target are
   * moved past the hold when met, so each is looked at once, not on every pass.
   */
  async function nextGroup(now: Date): Promise<{ target: string; kind: string } | undefined> {
    for (let tries = 0; tries < 20; tries++) {
      const group = await repo.nextDueGroup(deps.store.db, now, kinds);
      if (!group) return undefined;
      const hold = await repo.getHold(deps.store.db, group.target);
      if (!hold || (hold.until !== null && hold.until <= now)) return group;
      const until = hold.until ?? UNTIL_RELEASED;
      await deps.store.transaction((tx) => repo.deferDue(tx, group.target, now, until));
    }
    return undefined;
  }

  /** One pass: claim one due group's batch and deliver it. */
  async function runOnce(): Promise<PassReport> {
    const now = deps.clock.now();
    const group = await nextGroup(now);
    const sender = group ? byKind.get(group.kind) : undefined;
    if (!group || !sender) return emptyPassReport();
    const rows = await deps.store.transaction((tx) =>
      repo.claim(tx, {
        ...group,
        limit: Math.min(100, sender.maxBatch),
        owner,
        now,
        leaseUntil: new Date(now.getTime() + leaseMs),
      }),
    );
    if (rows.length === 0) return emptyPassReport();
    const report = await deliverOutboxRows(ctx, sender, group.target, rows);
    report.claimed = rows.length;
    return report;
  }

  /** Items whose forwarder died (lease ran out) become pending again. */
  async function releaseLeases(): Promise<number> {
    const now = deps.clock.now();
    return deps.store.transaction((tx) => repo.releaseExpiredLeases(tx, now));
  }

  /**
   * At process start: on SQLite (one process) every item left `delivering` was this store's dead
   * process's, so all are taken back at once; on PostgreSQL other replicas may be delivering, so
   * only expired leases are (the short, renewed lease bounds the wait).
   */
  async function resume(): Promise<number> {
    const now = deps.clock.now();
    const expiredBy = deps.store.dialect === 'sqlite' ? UNTIL_RELEASED : now;
    return deps.store.transaction((tx) => repo.releaseExpiredLeases(tx, now, expiredBy));
  }

  /** Too-old pending items become dead letters; settled items past retention are pruned. */
  async function sweep(): Promise<{ released: number; expired: number; pruned: number }> {
    const released = await releaseLeases();
    const now = deps.clock.now();
    return deps.store.transaction(async (tx) => {
      const expired = await repo.expirePending(
        tx,
        new Date(now.getTime() - maxAgeMs),
        {
          status: 'dead',
          verdict: 'gave_up',
          explanation: `Not delivered within ${Math.round(maxAgeMs / 3_600_000)} hours (its destination was on hold or failing). An admin can retry it.`,
          detail: null,
        },
        now,
      );
      const pruned = await repo.prune(tx, new Date(now.getTime() - retentionMs));
      return { released, expired, pruned };
    });
  }

  /** Sweeps, then runs passes until nothing is due now (tests drive time with a fixed clock). */
  async function drain(maxPasses = 100_000): Promise<PassReport> {
    await sweep();
    const total = emptyPassReport();
    for (let pass = 0; pass < maxPasses; pass++) {
      const report = await runOnce();
      if (report.claimed === 0) break;
      addPassReport(total, report);
    }
    return total;
  }

  return { owner, ctx, runOnce, releaseLeases, resume, sweep, drain };
}

export type Forwarder = ReturnType<typeof createForwarder>;

/** One pass of a fresh forwarder. */
export function runForwarderOnce(
  deps: ForwarderDeps,
  senders: readonly OutboxSender[],
  options?: ForwarderOptions,
): Promise<PassReport> {
  return createForwarder(deps, senders, options).runOnce();
}

/** Items a dead process left `delivering`, taken back as a fresh process starts (see `resume`). */
export function resumeOutboxDeliveries(deps: ForwarderDeps): Promise<number> {
  return createForwarder(deps, []).resume();
}

/** Everything due now, delivered (or rescheduled) by a fresh forwarder. */
export function drainOutbox(
  deps: ForwarderDeps,
  senders: readonly OutboxSender[],
  options?: ForwarderOptions & { maxPasses?: number },
): Promise<PassReport> {
  return createForwarder(deps, senders, options).drain(options?.maxPasses);
}
