/** Retry timing for the outbox forwarder. */

const BASE_MS = 1_000;
const CAP_MS = 15 * 60_000;

/**
 * Exponential backoff with "equal jitter" after `failures` consecutive failures of a target:
 * between half and all of min(15 min, 1 s × 2^(failures−1)), never below `atLeastMs`.
 */
export function outboxBackoffMs(failures: number, random: () => number, atLeastMs = 0): number {
  const ceiling = Math.min(CAP_MS, BASE_MS * 2 ** Math.max(0, failures - 1));
  const jittered = ceiling / 2 + random() * (ceiling / 2);
  return Math.max(atLeastMs, Math.round(jittered));
}
