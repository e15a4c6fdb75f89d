import { randomBytes } from 'node:crypto';
import type { Db, Store } from '../db/store.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../http/errors.ts';
import {
  createOutboxRepo,
  type OutboxHoldRow,
  type OutboxListFilter,
  type OutboxRow,
} from './repo.ts';

/** One thing that must reach an outside system, as a feature hands it to the outbox. */
export interface NewOutboxItem {
  kind: string;
  /** Partition key: items of one target and kind are batched together. */
  target: string;
  /** What callers list by (e.g. a pipeline id). */
  subject?: string | null;
  /** Same key ⇒ same item: enqueuing it again returns the first item's id. */
  dedupeKey?: string | null;
  /** JSON text. */
  payload: string;
}

/** Far enough in the future to mean "not until someone releases the hold". */
export const UNTIL_RELEASED = new Date('9999-12-31T00:00:00.000Z');

const processTag = randomBytes(6).toString('hex');
/** Five base-36 digits. */
const COUNTER_SPAN = 36 ** 5;
let counter = 0;

/**
 * Event ids sort by creation time (ms, base 36), then a counter, then a random tag of this
 * process: unique without a random draw per id (ingestion makes thousands). The counter never
 * restarts (it wraps after 60 million ids): concurrent group commits may make their ids in
 * another order than they read the clock, or the clock may step back, and an id restarted per
 * millisecond was then made twice (a primary-key violation that failed a whole group commit).
 */
export function newOutboxId(now: Date): string {
  counter = (counter + 1) % COUNTER_SPAN;
  return `evt_${now.getTime().toString(36).padStart(10, '0')}${counter.toString(36).padStart(5, '0')}${processTag}`;
}

/**
 * Adds items inside the caller's transaction, so they are committed with whatever produced them.
 * Returns one id per item, in order; a duplicate (by dedupe key) gets the existing item's id.
 * Items for a target on hold are due when the hold ends, so the forwarder need not move each one
 * past the hold afterwards (a second write per item while Jira is away).
 */
export async function enqueueOutboxItems(
  store: Pick<Store, 'dialect' | 'tables'>,
  tx: Db,
  items: readonly NewOutboxItem[],
  now: Date,
): Promise<string[]> {
  const repo = createOutboxRepo(store);
  const targets = [...new Set(items.map((item) => item.target))];
  const holds =
    targets.length > 0 ? await repo.holdsInForce(tx, targets, now, UNTIL_RELEASED) : new Map();
  const ids: string[] = [];
  const firstByKey = new Map<string, string>();
  const rows = [];
  for (const item of items) {
    const key = item.dedupeKey ?? null;
    const seen = key === null ? undefined : firstByKey.get(key);
    if (seen) {
      ids.push(seen);
      continue;
    }
    const id = newOutboxId(now);
    if (key !== null) firstByKey.set(key, id);
    ids.push(id);
    rows.push({
      id,
      kind: item.kind,
      target: item.target,
      subject: item.subject ?? null,
      dedupeKey: key,
      payload: item.payload,
      status: 'pending' as const,
      attempts: 0,
      nextAttemptAt: holds.get(item.target) ?? now,
      createdAt: now,
      updatedAt: now,
    });
  }
  const replaced = new Map<string, string>();
  let pendingRows = rows;
  for (let round = 0; pendingRows.length > 0; round++) {
    const inserted = await repo.insertMany(tx, pendingRows);
    if (inserted.length === pendingRows.length) break;
    // Some dedupe keys existed already: answer with the ids committed earlier.
    const insertedIds = new Set(inserted.map((row) => row.id));
    const skipped = pendingRows.filter((row) => !insertedIds.has(row.id));
    const keys = skipped.flatMap((row) => (row.dedupeKey === null ? [] : [row.dedupeKey]));
    const existing = new Map(
      (keys.length > 0 ? await repo.findByDedupeKeys(tx, keys) : []).map((row) => [
        row.dedupeKey,
        row.id,
      ]),
    );
    // A row skipped with no earlier item of its key met an id taken already: give it a new one.
    const retry = [];
    for (const row of skipped) {
      const earlier = row.dedupeKey === null ? undefined : existing.get(row.dedupeKey);
      if (earlier) {
        replaced.set(row.id, earlier);
        continue;
      }
      if (round >= 2) throw new Error(`outbox id ${row.id} could not be inserted`);
      const id = newOutboxId(now);
      replaced.set(row.id, id);
      retry.push({ ...row, id });
    }
    pendingRows = retry;
  }
  if (replaced.size === 0) return ids;
  const resolve = (id: string): string => {
    const next = replaced.get(id);
    return next === undefined ? id : resolve(next);
  };
  return ids.map(resolve);
}

type ReadDeps = Pick<Deps, 'store'>;

export async function getOutboxItem(deps: ReadDeps, id: string): Promise<OutboxRow> {
  const row = await createOutboxRepo(deps.store).findById(deps.store.db, id);
  if (!row) throw new AppError('not_found', `No outbox item ${id}`);
  return row;
}

export async function listOutboxItems(
  deps: ReadDeps,
  filter: OutboxListFilter,
): Promise<OutboxRow[]> {
  return createOutboxRepo(deps.store).list(deps.store.db, filter);
}

/** The hold on a target, if one is in force now. */
export async function findActiveHold(
  deps: Pick<Deps, 'store' | 'clock'>,
  target: string,
): Promise<OutboxHoldRow | undefined> {
  const hold = await createOutboxRepo(deps.store).getHold(deps.store.db, target);
  const now = deps.clock.now();
  return hold && (hold.until === null || hold.until > now) ? hold : undefined;
}

/**
 * Dead letters back to pending with a fresh attempt budget: the listed ids, or every dead letter
 * (of one target). Returns the ids that were dead.
 */
export async function retryDeadLetters(
  deps: Pick<Deps, 'store' | 'clock' | 'logger'>,
  input: { ids?: string[]; target?: string },
): Promise<string[]> {
  const repo = createOutboxRepo(deps.store);
  const now = deps.clock.now();
  const ids = await deps.store.transaction((tx) => repo.retryDead(tx, { ...input, now }));
  deps.logger.info({ count: ids.length, target: input.target }, 'outbox dead letters retried');
  return ids;
}

/** Lifts a hold on a target (e.g. after its credentials were fixed); its items are due now. */
export async function releaseOutboxHold(
  deps: Pick<Deps, 'store' | 'clock'>,
  target: string,
  tx?: Db,
): Promise<boolean> {
  const repo = createOutboxRepo(deps.store);
  const now = deps.clock.now();
  return tx
    ? repo.releaseHold(tx, target, now)
    : deps.store.transaction((work) => repo.releaseHold(work, target, now));
}
