import { index, integer, pgTable, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Where an outbox item is in its life (see outbox/README.md). */
const OUTBOX_STATUSES = ['pending', 'delivering', 'delivered', 'rejected', 'dead'] as const;

/** Things that must reach an outside system, committed with the request that produced them. */
export const outboxItems = pgTable(
  'outbox_items',
  {
    id: text('id').primaryKey(),
    kind: text('kind').notNull(),
    /** Partition key: items of one target and kind travel together (e.g. a DevOps site id). */
    target: text('target').notNull(),
    /** What a caller lists by, e.g. a pipeline id. */
    subject: text('subject'),
    dedupeKey: text('dedupe_key'),
    payload: text('payload').notNull(),
    status: text('status', { enum: OUTBOX_STATUSES }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: at('next_attempt_at').notNull(),
    leaseOwner: text('lease_owner'),
    leaseExpiresAt: at('lease_expires_at'),
    verdict: text('verdict'),
    explanation: text('explanation'),
    /** JSON: what the receiver said about this item (messages, unknown keys …). */
    detail: text('detail'),
    lastError: text('last_error'),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
    settledAt: at('settled_at'),
  },
  (table) => [
    uniqueIndex('outbox_items_dedupe_idx').on(table.dedupeKey),
    index('outbox_items_due_idx').on(table.status, table.nextAttemptAt, table.id),
    index('outbox_items_subject_idx').on(table.target, table.subject, table.createdAt),
  ],
);

/** Why a target is held (see outbox/README.md). */
const HOLD_CAUSES = ['rate_limited', 'unavailable', 'unauthorized'] as const;

/** A target nobody may send to until `until` (null: until released), e.g. after a 429 or a 401. */
export const outboxHolds = pgTable('outbox_holds', {
  target: text('target').primaryKey(),
  until: at('until'),
  reason: text('reason').notNull(),
  /** Consecutive failed deliveries, for the backoff. */
  failures: integer('failures').notNull().default(0),
  /** Why: a success lifts an `unavailable` hold at once, never a `rate_limited` one early. */
  cause: text('cause', { enum: HOLD_CAUSES }).notNull().default('unavailable'),
  updatedAt: at('updated_at').notNull(),
});
