/** How leased outbox items end: settled with a verdict, or put back until the target may be tried. */

import type { DeliveryContext, PassReport } from './delivery-context.ts';
import { emptyPassReport } from './delivery-context.ts';
import type { OutboxHoldCause } from './hold-repo.ts';
import { outboxMetrics } from './metrics.ts';
import { createOutboxRepo, type OutboxRow, type Settlement } from './repo.ts';
import type { ItemVerdict } from './sender.ts';
import { UNTIL_RELEASED } from './service.ts';

const DEFAULT_VERDICT: ItemVerdict = {
  status: 'delivered',
  verdict: 'delivered',
  explanation: 'Delivered.',
};

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
export async function settleJudged(
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
export async function retryLater(
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

/** Rows not sent because the target is failing wait for its hold, their attempt given back. */
export async function waitWithHold(
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
