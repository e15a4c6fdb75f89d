import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Store } from '../db/store.ts';
import { createDeliverNowRepo } from './deliver-now-repo.ts';
import { deliverOutboxRows } from './delivery.ts';
import { createDeliveryContext, type ForwarderDeps } from './forwarder.ts';
import type { OutboxRow } from './repo.ts';
import type { OutboxSender } from './sender.ts';

/**
 * "Deliver these committed items now": for a caller that wants the receiver's verdict while its
 * own client still waits (DevOps ingestion's verdict wait). The items go through the outbox's own
 * claim, lease and settle (`deliverOutboxRows`: the same lease renewal, retry, hold, split,
 * partial-settle and dead-letter rules), so nothing is sent twice: an item a forwarder claimed first, or one whose
 * target is on hold or backing off (not due), is left to the forwarder. Items handed in during
 * one turn of the event loop are claimed in one transaction and sent together, per target and
 * kind, in batches of the sender's `maxBatch`.
 */
export interface OutboxDeliverNow {
  /** Resolves, once what could be sent is settled, with every id's row as it then is. */
  deliver(ids: readonly string[]): Promise<Map<string, OutboxRow>>;
}

interface Waiting {
  ids: readonly string[];
  resolve: (rows: Map<string, OutboxRow>) => void;
  reject: (error: unknown) => void;
}

const instances = new WeakMap<Store, Map<string, OutboxDeliverNow>>();

/**
 * The deliverer of this store for these kinds (one per store and set of kinds, so DevOps'
 * deliverer and the defects' one never take each other's items; the senders of the first call
 * for a set of kinds are kept).
 */
export function outboxDeliverNowFor(
  deps: ForwarderDeps,
  senders: readonly OutboxSender[],
  options: { leaseMs?: number } = {},
): OutboxDeliverNow {
  const kinds = [...new Set(senders.map((sender) => sender.kind))].sort().join('\u001f');
  const ofStore = instances.get(deps.store) ?? new Map<string, OutboxDeliverNow>();
  instances.set(deps.store, ofStore);
  const existing = ofStore.get(kinds);
  if (existing) return existing;
  const owner = `${hostname()}:${process.pid}:now:${randomBytes(4).toString('hex')}`;
  // The forwarder's own lease (renewed while a delivery is in progress) unless told otherwise.
  const ctx = createDeliveryContext(deps, {
    owner,
    ...(options.leaseMs ? { leaseMs: options.leaseMs } : {}),
  });
  const repo = createDeliverNowRepo(deps.store);
  const byKind = new Map(senders.map((sender) => [sender.kind, sender]));
  const leaseMs = ctx.leaseMs;
  let queue: Waiting[] = [];
  let scheduled = false;

  async function send(rows: OutboxRow[]): Promise<void> {
    const groups = new Map<string, OutboxRow[]>();
    for (const row of rows) {
      const key = `${row.kind}\u001f${row.target}`;
      groups.set(key, [...(groups.get(key) ?? []), row]);
    }
    const deliveries: Promise<unknown>[] = [];
    for (const group of groups.values()) {
      const first = group[0];
      const sender = first ? byKind.get(first.kind) : undefined;
      if (!first || !sender) continue;
      const size = Math.max(1, Math.min(100, sender.maxBatch));
      for (let from = 0; from < group.length; from += size) {
        deliveries.push(
          deliverOutboxRows(ctx, sender, first.target, group.slice(from, from + size)),
        );
      }
    }
    await Promise.all(deliveries);
  }

  async function flush(): Promise<void> {
    scheduled = false;
    const batch = queue;
    queue = [];
    try {
      const ids = [...new Set(batch.flatMap((waiting) => waiting.ids))];
      const now = deps.clock.now();
      const claimed = await deps.store.transaction((tx) =>
        repo.claimIds(tx, { ids, owner, now, leaseUntil: new Date(now.getTime() + leaseMs) }),
      );
      const unsendable = claimed.filter((row) => !byKind.has(row.kind));
      if (unsendable.length > 0) {
        // No sender here: leave them to the forwarder once the lease runs out (never expected).
        deps.logger.warn({ count: unsendable.length }, 'outbox deliver-now: no sender for kind');
      }
      await send(claimed.filter((row) => byKind.has(row.kind)));
      const rows = new Map((await repo.findByIds(deps.store.db, ids)).map((row) => [row.id, row]));
      for (const waiting of batch) {
        waiting.resolve(
          new Map(
            waiting.ids.flatMap((id) => {
              const row = rows.get(id);
              return row ? [[id, row] as const] : [];
            }),
          ),
        );
      }
    } catch (error) {
      deps.logger.warn({ err: error }, 'outbox deliver-now failed; the forwarder will deliver');
      for (const waiting of batch) waiting.reject(error);
    }
  }

  const deliverer: OutboxDeliverNow = {
    deliver(ids) {
      return new Promise((resolve, reject) => {
        queue.push({ ids, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(() => void flush());
        }
      });
    },
  };
  ofStore.set(kinds, deliverer);
  return deliverer;
}
