import type { Deps } from '../deps.ts';
import { isOutboxBackoffAtCap, outboxBackoffMs } from './backoff.ts';
import type { OutboxHoldCause } from './hold-repo.ts';
import { outboxMetrics } from './metrics.ts';
import { createOutboxRepo, type OutboxRow, type Settlement } from './repo.ts';
import type { ItemVerdict, OutboxItem, OutboxSender, SendOutcome } from './sender.ts';
import { UNTIL_RELEASED } from './service.ts';

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

const DEFAULT_VERDICT: ItemVerdict = {
  status: 'delivered',
  verdict: 'delivered',
  explanation: 'Delivered.',
};

const toItem = (row: OutboxRow): OutboxItem => ({
  id: row.id,
  kind: row.kind,
  target: row.target,
  subject: row.subject,
  payload: row.payload,
  attempts: row.attempts,
  createdAt: row.createdAt,
});

const settlementOf = (verdict: ItemVerdict): Settlement => ({
  status: verdict.status,
  verdict: verdict.verdict,
  explanation: verdict.explanation,
  detail: verdict.detail === undefined ? null : JSON.stringify(verdict.detail),
});

/** Records how leased items ended (only where `ctx.owner` still holds them), with metrics. */
export async function settleOutboxItems(
  ctx: DeliveryContext,
  kind: string,
  settlements: ReadonlyMap<string, Settlement>,
  rows: readonly OutboxRow[],
): Promise<void> {
  const { deps } = ctx;
  const repo = createOutboxRepo(deps.store);
  const metrics = outboxMetrics(deps);
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
      const settled = await repo.settle(tx, ids, ctx.owner, outcome, now);
      metrics.verdicts.inc({ kind, verdict: outcome.verdict }, settled.length);
      if (outcome.status === 'dead') continue;
      for (const id of settled) {
        const at = created.get(id);
        if (at) metrics.latency.observe({ kind }, (now.getTime() - at.getTime()) / 1000);
      }
    }
  });
}

/** Settles the items the receiver judged, counting them in `report`. */
async function settleJudged(
  ctx: DeliveryContext,
  kind: string,
  verdicts: ReadonlyMap<string, ItemVerdict>,
  rows: readonly OutboxRow[],
  report: PassReport,
): Promise<void> {
  const settlements = new Map<string, Settlement>();
  for (const row of rows) {
    const verdict = verdicts.get(row.id) ?? DEFAULT_VERDICT;
    settlements.set(row.id, settlementOf(verdict));
    if (verdict.status === 'delivered') report.delivered += 1;
    else report.rejected += 1;
  }
  await settleOutboxItems(ctx, kind, settlements, rows);
}

function gaveUp(ctx: DeliveryContext, row: OutboxRow, reason: string): Settlement {
  const { maxAgeMs } = ctx.deps.config.outbox;
  const tooOld = ctx.deps.clock.now().getTime() - row.createdAt.getTime() >= maxAgeMs;
  return {
    status: 'dead',
    verdict: 'gave_up',
    explanation: tooOld
      ? `Not delivered within ${Math.round(maxAgeMs / 3_600_000)} hours; the last attempt failed: ${reason}. An admin can retry it.`
      : `Not delivered after ${row.attempts} attempts; the last one failed: ${reason}. An admin can retry it.`,
    detail: null,
  };
}

/**
 * Puts leased items back until the target may be tried again. `hold`: the hold to set (wait null:
 * until released), or null to join the hold in force (a concurrent delivery set it while ours was
 * in flight, so ours does not make the backoff grow again). Items past their attempt budget or
 * age, when the attempt counts, become dead letters.
 */
async function retryLater(
  ctx: DeliveryContext,
  target: string,
  rows: readonly OutboxRow[],
  input: {
    hold: { wait: number | null; failures: number; cause: OutboxHoldCause } | { joinUntil: Date };
    reason: string;
    refund: boolean;
  },
): Promise<PassReport> {
  const { deps } = ctx;
  const repo = createOutboxRepo(deps.store);
  const { maxAttempts, maxAgeMs } = deps.config.outbox;
  const report = emptyPassReport();
  const now = deps.clock.now();
  const until =
    'joinUntil' in input.hold
      ? input.hold.joinUntil
      : input.hold.wait === null
        ? UNTIL_RELEASED
        : new Date(now.getTime() + input.hold.wait);
  const expired = input.refund
    ? []
    : rows.filter(
        (row) => row.attempts >= maxAttempts || now.getTime() - row.createdAt.getTime() >= maxAgeMs,
      );
  const dead = new Set(expired.map((row) => row.id));
  const waiting = rows.filter((row) => !dead.has(row.id)).map((row) => row.id);
  await deps.store.transaction(async (tx) => {
    if (!('joinUntil' in input.hold)) {
      const held = until === UNTIL_RELEASED ? null : until;
      await repo.hold(
        tx,
        {
          target,
          until: held,
          reason: input.reason,
          failures: input.hold.failures,
          cause: input.hold.cause,
          updatedAt: now,
        },
        until,
      );
    }
    report.retried = await repo.reschedule(tx, waiting, ctx.owner, {
      nextAttemptAt: until,
      lastError: input.reason,
      refundAttempt: input.refund,
      now,
    });
  });
  if (expired.length > 0) {
    const kind = expired[0]?.kind ?? '';
    await settleOutboxItems(
      ctx,
      kind,
      new Map(expired.map((row) => [row.id, gaveUp(ctx, row, input.reason)])),
      expired,
    );
    report.dead = expired.length;
  }
  return report;
}

/** Sends leased rows once and settles the outcome (no lease renewal: see deliverOutboxRows). */
async function sendAndSettle(
  ctx: DeliveryContext,
  sender: OutboxSender,
  target: string,
  rows: readonly OutboxRow[],
): Promise<PassReport> {
  const startedAt = ctx.deps.clock.now();
  let outcome: SendOutcome;
  try {
    outcome = await sender.send(target, rows.map(toItem));
  } catch (error) {
    ctx.deps.logger.error({ err: error, kind: sender.kind, target }, 'outbox sender failed');
    outcome = { type: 'unavailable', message: 'the sender failed unexpectedly' };
  }
  const report = await settleSendOutcome(ctx, sender, target, rows, outcome, startedAt);
  report.requests += 1;
  return report;
}

/**
 * Applies a sender's outcome to the rows it was given, leased to `ctx.owner`: verdicts settled;
 * on a failure, the items the receiver judged first (`settled`) keep their verdict and only the
 * rest is retried, held or (400/413) split and sent again in halves. A success lifts the target's
 * timed hold (a 429's only if set before `startedAt`) and makes its waiting items due now.
 */
export async function settleSendOutcome(
  ctx: DeliveryContext,
  sender: OutboxSender,
  target: string,
  rows: readonly OutboxRow[],
  outcome: SendOutcome,
  startedAt: Date,
): Promise<PassReport> {
  const { deps } = ctx;
  const repo = createOutboxRepo(deps.store);
  const report = emptyPassReport();
  outboxMetrics(deps).deliveries.inc({ kind: sender.kind, outcome: outcome.type });
  const succeeded = async () => {
    const now = deps.clock.now();
    const released = await deps.store.transaction((tx) =>
      repo.releaseAfterSuccess(tx, target, startedAt, now),
    );
    if (released) deps.logger.info({ target, kind: sender.kind }, 'outbox target reachable again');
  };
  if (outcome.type === 'delivered') {
    await settleJudged(ctx, sender.kind, outcome.verdicts, rows, report);
    await succeeded();
    return report;
  }
  let rest = rows;
  const settled = outcome.type === 'target_gone' ? undefined : outcome.settled;
  if (settled && settled.size > 0) {
    const judged = rows.filter((row) => settled.has(row.id));
    rest = rows.filter((row) => !settled.has(row.id));
    await settleJudged(ctx, sender.kind, settled, judged, report);
    if (rest.length === 0) return report;
  }
  if (outcome.type === 'malformed' && rest.length > 1) {
    // Split to isolate the items the receiver refuses; each half is sent on its own, and the
    // second only if the first did not find the target failing.
    const middle = Math.ceil(rest.length / 2);
    const left = await sendAndSettle(ctx, sender, target, rest.slice(0, middle));
    addPassReport(report, left);
    const right = rest.slice(middle);
    if (left.retried + left.dead > 0) {
      return addPassReport(report, await waitWithHold(ctx, target, right, 'not sent yet'));
    }
    return addPassReport(report, await sendAndSettle(ctx, sender, target, right));
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
    await settleOutboxItems(
      ctx,
      sender.kind,
      new Map(rest.map((row) => [row.id, outcomeRow])),
      rest,
    );
    if (status === 'rejected') report.rejected += rest.length;
    else report.dead += rest.length;
    if (outcome.type === 'malformed') await succeeded();
    return report;
  }
  const hold = await repo.getHold(deps.store.db, target);
  const failures = hold?.failures ?? 0;
  if (outcome.type === 'rate_limited') {
    deps.logger.warn(
      { target, kind: sender.kind, wait: outcome.retryAfterMs },
      'outbox rate limited',
    );
    return addPassReport(
      report,
      await retryLater(ctx, target, rest, {
        hold: { wait: outcome.retryAfterMs, failures, cause: 'rate_limited' },
        reason: outcome.message,
        refund: true,
      }),
    );
  }
  if (outcome.type === 'unauthorized') {
    deps.logger.warn({ target, kind: sender.kind }, 'outbox target refused our credentials');
    return addPassReport(
      report,
      await retryLater(ctx, target, rest, {
        hold: { wait: null, failures, cause: 'unauthorized' },
        reason: outcome.message,
        refund: true,
      }),
    );
  }
  const now = deps.clock.now();
  if (hold && hold.updatedAt >= startedAt && (hold.until === null || hold.until > now)) {
    // Another delivery failed while ours was in flight and already set the backoff: join it.
    return addPassReport(
      report,
      await retryLater(ctx, target, rest, {
        hold: { joinUntil: hold.until ?? UNTIL_RELEASED },
        reason: outcome.message,
        refund: false,
      }),
    );
  }
  const { backoffCapMs } = deps.config.outbox;
  const wait = outboxBackoffMs(failures + 1, ctx.random, outcome.retryAfterMs ?? 0, backoffCapMs);
  deps.logger.warn(
    { target, kind: sender.kind, wait, reason: outcome.message },
    'outbox delivery failed',
  );
  return addPassReport(
    report,
    await retryLater(ctx, target, rest, {
      hold: { wait, failures: failures + 1, cause: 'unavailable' },
      reason: outcome.message,
      refund: isOutboxBackoffAtCap(failures, backoffCapMs),
    }),
  );
}

/** Rows not sent because the target is failing wait for its hold, their attempt given back. */
async function waitWithHold(
  ctx: DeliveryContext,
  target: string,
  rows: readonly OutboxRow[],
  reason: string,
): Promise<PassReport> {
  if (rows.length === 0) return emptyPassReport();
  const hold = await createOutboxRepo(ctx.deps.store).getHold(ctx.deps.store.db, target);
  const until = hold ? (hold.until ?? UNTIL_RELEASED) : ctx.deps.clock.now();
  return retryLater(ctx, target, rows, {
    hold: { joinUntil: until },
    reason: hold ? `${hold.reason} (${reason})` : reason,
    refund: true,
  });
}

/**
 * Keeps `ctx.owner`'s lease on `ids` alive while a delivery is in progress, so a live delivery is
 * never taken over however long the receiver takes, while a dead one's lease runs out soon.
 */
export function keepOutboxLeases(ctx: DeliveryContext, ids: readonly string[]): () => void {
  const repo = createOutboxRepo(ctx.deps.store);
  return ctx.timers.every(Math.max(1_000, Math.floor(ctx.leaseMs / 3)), async () => {
    const leaseUntil = new Date(ctx.deps.clock.now().getTime() + ctx.leaseMs);
    try {
      await ctx.deps.store.transaction((tx) =>
        repo.renewLeases(tx, [...ids], ctx.owner, leaseUntil),
      );
    } catch (error) {
      ctx.deps.logger.warn({ err: error, owner: ctx.owner }, 'outbox lease renewal failed');
    }
  });
}

/**
 * Delivers rows leased to `ctx.owner` through `sender` (one target and kind), renewing the lease
 * meanwhile, and settles them by the rules of outbox/README.md.
 */
export async function deliverOutboxRows(
  ctx: DeliveryContext,
  sender: OutboxSender,
  target: string,
  rows: readonly OutboxRow[],
): Promise<PassReport> {
  const stop = keepOutboxLeases(
    ctx,
    rows.map((row) => row.id),
  );
  try {
    return await sendAndSettle(ctx, sender, target, rows);
  } finally {
    stop();
  }
}
