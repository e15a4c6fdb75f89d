import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

const at = (name: string) => integer(name, { mode: 'timestamp_ms' });

/** Where an outbox item is in its life (see outbox/README.md). */
const OUTBOX_STATUSES = ['pending', 'delivering', 'delivered', 'rejected', 'dead'] as const;

/** Why a target is held (see outbox/README.md). */
const HOLD_CAUSES = ['rate_limited', 'unavailable', 'unauthorized'] as const;

/** Mirrors schema/pg/outbox.ts. */
export const outboxItems = sqliteTable(
  'outbox_items',
  {
    id: text('id').primaryKey(),
    kind: text('kind').notNull(),
    target: text('target').notNull(),
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

export const outboxHolds = sqliteTable('outbox_holds', {
  target: text('target').primaryKey(),
  until: at('until'),
  reason: text('reason').notNull(),
  failures: integer('failures').notNull().default(0),
  /** Why: a success lifts an `unavailable` hold at once, never a `rate_limited` one early. */
  cause: text('cause', { enum: HOLD_CAUSES }).notNull().default('unavailable'),
  updatedAt: at('updated_at').notNull(),
});
