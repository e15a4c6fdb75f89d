/**
 * Group commit of received events (as the outbox does for DevOps items): rows handed in by
 * concurrent deliveries during one turn of the event loop are inserted in one transaction, and
 * each delivery hears back only after it committed, so the 2xx still means "stored". If the
 * shared transaction fails, each row is committed on its own, so one delivery never fails others.
 */
import type { Store } from '../db/store.ts';
import type { Deps } from '../deps.ts';
import { createEventRepo, type JiraEventRow } from './repo.ts';

interface Waiting {
  row: JiraEventRow;
  resolve: (inserted: boolean) => void;
  reject: (error: unknown) => void;
}

export interface EventCommitter {
  /** True when stored now; false when its (connection, delivery id) was stored before. */
  commit(row: JiraEventRow): Promise<boolean>;
}

const committers = new WeakMap<Store, EventCommitter>();

/** The committer of this store (one per store, shared by every request of the process). */
export function eventCommitterFor(deps: Pick<Deps, 'store'>): EventCommitter {
  const existing = committers.get(deps.store);
  if (existing) return existing;
  const repo = createEventRepo(deps.store.tables);
  let queue: Waiting[] = [];
  let scheduled = false;

  async function flush(): Promise<void> {
    scheduled = false;
    const batch = queue;
    queue = [];
    try {
      const inserted = await deps.store.transaction((tx) =>
        repo.insertManyOnce(
          tx,
          batch.map((waiting) => waiting.row),
        ),
      );
      for (const waiting of batch) waiting.resolve(inserted.has(waiting.row.id));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return;
      }
      await Promise.all(
        batch.map((waiting) =>
          deps.store
            .transaction((tx) => repo.insertOnce(tx, waiting.row))
            .then(waiting.resolve, waiting.reject),
        ),
      );
    }
  }

  const committer: EventCommitter = {
    commit(row) {
      return new Promise<boolean>((resolve, reject) => {
        queue.push({ row, resolve, reject });
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
