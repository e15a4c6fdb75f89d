import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Deps } from '../deps.ts';
import { outboxBackoffMs } from './backoff.ts';
import { outboxMetrics } from './metrics.ts';
import { createOutboxRepo, type OutboxRow, type Settlement } from './repo.ts';
import type { ItemVerdict, OutboxItem, OutboxSender, SendOutcome } from './sender.ts';
import { UNTIL_RELEASED } from './service.ts';

export type ForwarderDeps = Pick<Deps, 'store' | 'clock' | 'logger' | 'metrics' | 'config'>;

export interface ForwarderOptions {
  /** Lease owner name; unique per forwarder (default host:pid:random). */
  owner?: string;
  /** How long a claim is ours before another forwarder may take the items over. */
  leaseMs?: number;
  /** Randomness for backoff jitter (tests pass a fixed one). */
  random?: () => number;
}

/** What one pass (or a whole drain) did. */
export interface PassReport {
  claimed: number;
  /** Batches sent (requests, counting each part of a split batch). */
  requests: number;
  delivered: number;
  rejected: number;
  retried: number;
  dead: number;
}

const emptyReport = (): PassReport => ({
  claimed: 0,
  requests: 0,
  delivered: 0,
  rejected: 0,
  retried: 0,
  dead: 0,
});

function add(into: PassReport, from: PassReport): PassReport {
  for (const key of Object.keys(into) as (keyof PassReport)[]) into[key] += from[key];
  return into;
}

const DEFAULT_VERDICT: ItemVerdict = {
  status: 'delivered',
  verdict: 'delivered',
  explanation: 'Delivered.',
};

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
  const metrics = outboxMetrics(deps);
  const byKind = new Map(senders.map((sender) => [sender.kind, sender]));
  const kinds = [...byKind.keys()];
  const owner = options.owner ?? `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  const leaseMs = options.leaseMs ?? 120_000;
  const random = options.random ?? Math.random;
  const { maxAttempts, maxAgeMs, retentionMs } = deps.config.outbox;

  const toItem = (row: OutboxRow): OutboxItem => ({
    id: row.id,
    kind: row.kind,
    target: row.target,
    subject: row.subject,
    payload: row.payload,
    attempts: row.attempts,
    createdAt: row.createdAt,
  });

  async function settle(kind: string, settlements: Map<string, Settlement>, rows: OutboxRow[]) {
    const now = deps.clock.now();
    const groups = new Map<string, { outcome: Settlement; ids: string[] }>();
    for (const [id, outcome] of settlements) {
      const key = JSON.stringify(outcome);
      const group = groups.get(key) ?? { outcome, ids: [] };
      group.ids.push(id);
      groups.set(key, group);
    }
    const created = new Map(rows.map((row) => [row.id, row.createdAt]));
    await deps.store.transaction(async (tx) => {
      for (const { outcome, ids } of groups.values()) {
        const settled = await repo.settle(tx, ids, owner, outcome, now);
        metrics.verdicts.inc({ kind, verdict: outcome.verdict }, settled.length);
        if (outcome.status === 'dead') continue;
        for (const id of settled) {
          const at = created.get(id);
          if (at) metrics.latency.observe({ kind }, (now.getTime() - at.getTime()) / 1000);
        }
      }
    });
  }

  async function retryLater(
    target: string,
    rows: OutboxRow[],
    input: { wait: number | null; reason: string; failures: number; refund: boolean },
  ): Promise<PassReport> {
    const report = emptyReport();
    const now = deps.clock.now();
    const until = input.wait === null ? null : new Date(now.getTime() + input.wait);
    const expired = input.refund
      ? []
      : rows.filter(
          (row) =>
            row.attempts >= maxAttempts || now.getTime() - row.createdAt.getTime() >= maxAgeMs,
        );
    const dead = new Set(expired.map((row) => row.id));
    const waiting = rows.filter((row) => !dead.has(row.id)).map((row) => row.id);
    await deps.store.transaction(async (tx) => {
      await repo.hold(
        tx,
        { target, until, reason: input.reason, failures: input.failures, updatedAt: now },
        until ?? UNTIL_RELEASED,
      );
      report.retried = await repo.reschedule(tx, waiting, owner, {
        nextAttemptAt: until ?? UNTIL_RELEASED,
        lastError: input.reason,
        refundAttempt: input.refund,
        now,
      });
    });
    if (expired.length > 0) {
      const kind = expired[0]?.kind ?? '';
      await settle(
        kind,
        new Map(expired.map((row) => [row.id, gaveUp(row, input.reason)])),
        expired,
      );
      report.dead = expired.length;
    }
    return report;
  }

  function gaveUp(row: OutboxRow, reason: string): Settlement {
    const tooOld = deps.clock.now().getTime() - row.createdAt.getTime() >= maxAgeMs;
    return {
      status: 'dead',
      verdict: 'gave_up',
      explanation: tooOld
        ? `Not delivered within ${Math.round(maxAgeMs / 3_600_000)} hours; the last attempt failed: ${reason}. An admin can retry it.`
        : `Not delivered after ${row.attempts} attempts; the last one failed: ${reason}. An admin can retry it.`,
      detail: null,
    };
  }

  async function deliver(
    sender: OutboxSender,
    target: string,
    rows: OutboxRow[],
  ): Promise<PassReport> {
    const report = emptyReport();
    report.requests = 1;
    let outcome: SendOutcome;
    try {
      outcome = await sender.send(target, rows.map(toItem));
    } catch (error) {
      deps.logger.error({ err: error, kind: sender.kind, target }, 'outbox sender failed');
      outcome = { type: 'unavailable', message: 'the sender failed unexpectedly' };
    }
    metrics.deliveries.inc({ kind: sender.kind, outcome: outcome.type });
    if (outcome.type === 'delivered') {
      const settlements = new Map<string, Settlement>();
      for (const row of rows) {
        const verdict = outcome.verdicts.get(row.id) ?? DEFAULT_VERDICT;
        settlements.set(row.id, {
          status: verdict.status,
          verdict: verdict.verdict,
          explanation: verdict.explanation,
          detail: verdict.detail === undefined ? null : JSON.stringify(verdict.detail),
        });
        if (verdict.status === 'delivered') report.delivered += 1;
        else report.rejected += 1;
      }
      await settle(sender.kind, settlements, rows);
      await deps.store.transaction((tx) => repo.clearFailures(tx, target));
      return report;
    }
    if (outcome.type === 'malformed' && rows.length > 1) {
      // Split to isolate the items the receiver refuses; each half is sent on its own.
      const middle = Math.ceil(rows.length / 2);
      const left = await deliver(sender, target, rows.slice(0, middle));
      const right = await deliver(sender, target, rows.slice(middle));
      return add(add(report, left), right);
    }
    if (outcome.type === 'malformed' || outcome.type === 'target_gone') {
      const status = outcome.type === 'malformed' ? 'rejected' : 'dead';
      const outcomeRow: Settlement = {
        status,
        verdict: outcome.type === 'malformed' ? 'malformed' : 'target_gone',
        explanation:
          outcome.type === 'malformed'
            ? `The receiver refused it as malformed: ${outcome.message}`
            : outcome.message,
        detail:
          outcome.type === 'malformed' && outcome.detail !== undefined
            ? JSON.stringify(outcome.detail)
            : null,
      };
      await settle(sender.kind, new Map(rows.map((row) => [row.id, outcomeRow])), rows);
      if (status === 'rejected') report.rejected += rows.length;
      else report.dead += rows.length;
      return report;
    }
    const hold = await repo.getHold(deps.store.db, target);
    const failures = hold?.failures ?? 0;
    if (outcome.type === 'rate_limited') {
      deps.logger.warn(
        { target, kind: sender.kind, wait: outcome.retryAfterMs },
        'outbox rate limited',
      );
      return add(
        report,
        await retryLater(target, rows, {
          wait: outcome.retryAfterMs,
          reason: outcome.message,
          failures,
          refund: true,
        }),
      );
    }
    if (outcome.type === 'unauthorized') {
      deps.logger.warn({ target, kind: sender.kind }, 'outbox target refused our credentials');
      return add(
        report,
        await retryLater(target, rows, {
          wait: null,
          reason: outcome.message,
          failures,
          refund: true,
        }),
      );
    }
    const wait = outboxBackoffMs(failures + 1, random, outcome.retryAfterMs ?? 0);
    deps.logger.warn(
      { target, kind: sender.kind, wait, reason: outcome.message },
      'outbox delivery failed',
    );
    return add(
      report,
      await retryLater(target, rows, {
        wait,
        reason: outcome.message,
        failures: failures + 1,
        refund: false,
      }),
    );
  }

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
    if (!group || !sender) return emptyReport();
    const rows = await deps.store.transaction((tx) =>
      repo.claim(tx, {
        ...group,
        limit: Math.min(100, sender.maxBatch),
        owner,
        now,
        leaseUntil: new Date(now.getTime() + leaseMs),
      }),
    );
    if (rows.length === 0) return emptyReport();
    const report = await deliver(sender, group.target, rows);
    report.claimed = rows.length;
    return report;
  }

  /** Items whose forwarder died (lease ran out) become pending again. */
  async function releaseLeases(): Promise<number> {
    const now = deps.clock.now();
    return deps.store.transaction((tx) => repo.releaseExpiredLeases(tx, now));
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
    const total = emptyReport();
    for (let pass = 0; pass < maxPasses; pass++) {
      const report = await runOnce();
      if (report.claimed === 0) break;
      add(total, report);
    }
    return total;
  }

  /** `deliverClaimed`: sends and settles rows this forwarder's `owner` has claimed (deliver-now.ts). */
  return { owner, runOnce, releaseLeases, sweep, drain, deliverClaimed: deliver };
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

/** Everything due now, delivered (or rescheduled) by a fresh forwarder. */
export function drainOutbox(
  deps: ForwarderDeps,
  senders: readonly OutboxSender[],
  options?: ForwarderOptions & { maxPasses?: number },
): Promise<PassReport> {
  return createForwarder(deps, senders, options).drain(options?.maxPasses);
}
