import type { Store } from '../db/store.ts';
import type { Deps } from '../deps.ts';
import { enqueueOutboxItems, type NewOutboxItem } from './service.ts';

/**
 * Group commit: items handed in by concurrent requests during one turn of the event loop are
 * committed in one transaction. Each caller's promise settles only after that transaction
 * committed, so "accepted" still means "durable"; what is saved is the per-transaction cost
 * (SQLite's WAL commit, PostgreSQL's fsync) for every request but one. If the shared transaction
 * fails, each request is committed again on its own, so one request never fails the others.
 */
export interface OutboxCommitter {
  /** One id per item, in order (an earlier item's id for a duplicate dedupe key). */
  commit(items: readonly NewOutboxItem[]): Promise<string[]>;
}

interface Waiting {
  items: readonly NewOutboxItem[];
  resolve: (ids: string[]) => void;
  reject: (error: unknown) => void;
}

const committers = new WeakMap<Store, OutboxCommitter>();

/** The committer of this store (one per store, so every request of the process shares it). */
export function outboxCommitterFor(deps: Pick<Deps, 'store' | 'clock'>): OutboxCommitter {
  const existing = committers.get(deps.store);
  if (existing) return existing;
  let queue: Waiting[] = [];
  let scheduled = false;

  const write = (items: readonly NewOutboxItem[]) => {
    const now = deps.clock.now();
    return deps.store.transaction((tx) => enqueueOutboxItems(deps.store, tx, items, now));
  };

  async function flush(): Promise<void> {
    scheduled = false;
    const batch = queue;
    queue = [];
    try {
      const ids = await write(batch.flatMap((waiting) => waiting.items));
      let offset = 0;
      for (const waiting of batch) {
        waiting.resolve(ids.slice(offset, offset + waiting.items.length));
        offset += waiting.items.length;
      }
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return;
      }
      // One request's items must not fail the others: each request commits on its own.
      await Promise.all(
        batch.map((waiting) => write(waiting.items).then(waiting.resolve, waiting.reject)),
      );
    }
  }

  const committer: OutboxCommitter = {
    commit(items) {
      return new Promise<string[]>((resolve, reject) => {
        queue.push({ items, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          setImmediate(() => void flush());
        }
      });
    },
  };
  committers.set(deps.store, committer);
  return committer;
}
