import type { Statement } from 'better-sqlite3';
import { type Db, sqliteConnectionOf, type Tables } from '../db/store.ts';

type NewRow = Tables['outboxItems']['$inferInsert'];

/** Every column, in the order of the values below (timestamps in ms, as the schema stores them). */
const INSERT = `INSERT INTO outbox_items (id, kind, target, subject, dedupe_key, payload, status,
  attempts, next_attempt_at, lease_owner, lease_expires_at, verdict, explanation, detail,
  last_error, created_at, updated_at, settled_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
  ON CONFLICT DO NOTHING`;

/** One prepared statement per connection (the SQLite writer is one connection for every write). */
const statements = new WeakMap<object, Statement>();

const ms = (at: Date | null | undefined) => (at ? at.getTime() : null);

/**
 * Inserts outbox rows on SQLite with one raw prepared statement per row, skipping existing dedupe
 * keys (and, defensively, an id taken already: see `enqueueOutboxItems`): SQLite runs it in microseconds, while the query builder's per-statement work (building or
 * filling a statement, mapping values) costs more than the insert itself. Returns the rows inserted.
 * `repo.test.ts` round-trips every column through it and reads them back with the query builder.
 */
export function insertRowsOnSqlite(
  db: Db,
  rows: NewRow[],
): { id: string; dedupeKey: string | null }[] {
  const connection = sqliteConnectionOf(db);
  if (!connection) throw new Error('insertRowsOnSqlite needs a SQLite connection');
  let insert = statements.get(connection);
  if (!insert) {
    insert = connection.prepare(INSERT);
    statements.set(connection, insert);
  }
  const inserted: { id: string; dedupeKey: string | null }[] = [];
  for (const row of rows) {
    const result = insert.run(
      row.id,
      row.kind,
      row.target,
      row.subject ?? null,
      row.dedupeKey ?? null,
      row.payload,
      row.status,
      row.attempts ?? 0,
      ms(row.nextAttemptAt),
      row.leaseOwner ?? null,
      ms(row.leaseExpiresAt),
      row.verdict ?? null,
      row.explanation ?? null,
      row.detail ?? null,
      row.lastError ?? null,
      ms(row.createdAt),
      ms(row.updatedAt),
      ms(row.settledAt),
    );
    if (result.changes === 1) inserted.push({ id: row.id, dedupeKey: row.dedupeKey ?? null });
  }
  return inserted;
}
