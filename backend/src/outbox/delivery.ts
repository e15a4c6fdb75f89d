import { isOutboxBackoffAtCap, outboxBackoffMs } from './backoff.ts';
import {
  addPassReport,
  type DeliveryContext,
  emptyPassReport,
  type PassReport,
} from './delivery-context.ts';
import { outboxMetrics } from './metrics.ts';
import { createOutboxRepo, type OutboxRow, type Settlement } from './repo.ts';
import type { OutboxItem, OutboxSender, SendOutcome } from './sender.ts';
import { UNTIL_RELEASED } from './service.ts';
import { retryLater, settleJudged, settleOutboxItems, waitWithHold } from './settle.ts';

export {
  addPassReport,
  type DeliveryContext,
  type DeliveryDeps,
  emptyPassReport,
  type LeaseTimers,
  type PassReport,
  realLeaseTimers,
} from './delivery-context.ts';
export { settleOutboxItems } from './settle.ts';

const toItem = (row: OutboxRow): OutboxItem => ({
  id: row.id,
  kind: row.kind,
  target: row.target,
  subject: row.subject,
  payload: row.payload,
  attempts: row.attempts,
  createdAt: row.createdAt,
});

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
