import { createForwarder, type ForwarderDeps, type ForwarderOptions } from './forwarder.ts';
import type { OutboxSender } from './sender.ts';

export interface ForwarderLoopOptions extends ForwarderOptions {
  /** Passes running at once in this process (each claims its own batch). */
  concurrency?: number;
  /** Pause after a pass that found nothing due. */
  idleMs?: number;
  /** How often items of dead forwarders (expired leases) are taken back. */
  leaseCheckEveryMs?: number;
  /** How often too-old items become dead letters and old settled items are pruned. */
  sweepEveryMs?: number;
}

/** A running forwarder; `stop` waits for the batches in flight to be recorded. */
export interface ForwarderLoop {
  stop(): Promise<void>;
}

/**
 * Starts the forwarder in the background (main.ts does, and stops it on shutdown), first taking
 * back what a stopped process left `delivering` (`resume`). Uses real timers for its pauses;
 * tests drive a forwarder step by step with `drainOutbox` and `resumeOutboxDeliveries` instead.
 */
export function startForwarder(
  deps: ForwarderDeps,
  senders: readonly OutboxSender[],
  options: ForwarderLoopOptions = {},
): ForwarderLoop {
  const forwarder = createForwarder(deps, senders, options);
  const idleMs = options.idleMs ?? 250;
  const leaseCheckEveryMs = options.leaseCheckEveryMs ?? 5_000;
  // Expiry scans the pending backlog, which is large only during long outages: every 10 minutes.
  const sweepEveryMs = options.sweepEveryMs ?? 600_000;
  let stopping = false;
  const sleepers = new Set<() => void>();
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      sleepers.add(done);
    });

  // Items a killed process left `delivering` are taken back before any pass claims.
  const resumed = forwarder.resume().then(
    (released) => {
      if (released > 0)
        deps.logger.info({ released }, 'outbox deliveries of a stopped process resumed');
    },
    (error: unknown) => deps.logger.error({ err: error }, 'outbox resume failed'),
  );

  async function worker(index: number): Promise<void> {
    await resumed;
    let lastSweep = 0;
    let lastLeaseCheck = 0;
    while (!stopping) {
      try {
        if (index === 0 && Date.now() - lastSweep >= sweepEveryMs) {
          lastSweep = Date.now();
          lastLeaseCheck = lastSweep;
          const swept = await forwarder.sweep();
          if (swept.released + swept.expired + swept.pruned > 0) {
            deps.logger.info(swept, 'outbox swept');
          }
        } else if (index === 0 && Date.now() - lastLeaseCheck >= leaseCheckEveryMs) {
          lastLeaseCheck = Date.now();
          const released = await forwarder.releaseLeases();
          if (released > 0) deps.logger.info({ released }, 'outbox leases taken back');
        }
        const report = await forwarder.runOnce();
        if (report.claimed === 0 && !stopping) await pause(idleMs);
      } catch (error) {
        deps.logger.error({ err: error }, 'outbox forwarder pass failed');
        if (!stopping) await pause(idleMs * 4);
      }
    }
  }

  const workers = Array.from({ length: Math.max(1, options.concurrency ?? 4) }, (_, i) =>
    worker(i),
  );
  deps.logger.info(
    { owner: forwarder.owner, kinds: senders.map((s) => s.kind) },
    'outbox forwarder started',
  );
  return {
    async stop() {
      stopping = true;
      for (const done of [...sleepers]) done();
      await Promise.all(workers);
      deps.logger.info({ owner: forwarder.owner }, 'outbox forwarder stopped');
    },
  };
}
