/** Retry timing for the outbox forwarder. */

const BASE_MS = 1_000;

/** The wait before the try after `failures` consecutive failures, before jitter. */
function ceilingMs(failures: number, capMs: number): number {
  return Math.min(capMs, BASE_MS * 2 ** Math.max(0, failures - 1));
}

/**
 * Exponential backoff with "equal jitter" after `failures` consecutive failures of a target:
 * between half and all of min(cap, 1 s × 2^(failures−1)), never below `atLeastMs`. The cap is
 * short (OUTBOX_BACKOFF_CAP_SECONDS, 10 s by default) so delivery resumes seconds after an outage.
 */
export function outboxBackoffMs(
  failures: number,
  random: () => number,
  atLeastMs = 0,
  capMs = 10_000,
): number {
  const ceiling = ceilingMs(failures, capMs);
  const jittered = ceiling / 2 + random() * (ceiling / 2);
  return Math.max(atLeastMs, Math.round(jittered));
}

/**
 * Whether the backoff had already reached its cap after `failures` failures: from then on a
 * target is simply down, and further failed tries do not spend the items' attempt budget (their
 * age bounds the wait instead), or a long outage would use it up with a try every few seconds.
 */
export function isOutboxBackoffAtCap(failures: number, capMs = 10_000): boolean {
  return failures >= 1 && BASE_MS * 2 ** (failures - 1) >= capMs;
}
