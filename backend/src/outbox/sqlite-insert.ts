import { sql } from 'drizzle-orm';
import type { Db, Tables } from '../db/store.ts';

type NewRow = Tables['outboxItems']['$inferInsert'];
type ItemsTable = Tables['outboxItems'];

/** The optional columns, for a prepared insert that names every column. */
const EMPTY_ROW = {
  subject: null,
  dedupeKey: null,
  attempts: 0,
  leaseOwner: null,
  verdict: null,
  explanation: null,
  detail: null,
  lastError: null,
} as const;

interface PreparedInsert {
  execute(
    row: Omit<NewRow, 'leaseExpiresAt' | 'settledAt'> & {
      leaseExpiresAt: number | null;
      settledAt: number | null;
    },
  ): PromiseLike<unknown>;
}

/** One prepared statement per connection object (the SQLite writer is one object for every write). */
const statements = new WeakMap<Db, PreparedInsert>();

function preparedInsert(db: Db, t: ItemsTable): PreparedInsert {
  let statement = statements.get(db);
  if (!statement) {
    statement = db
      .insert(t)
      .values({
        id: sql.placeholder('id'),
        kind: sql.placeholder('kind'),
        target: sql.placeholder('target'),
        subject: sql.placeholder('subject'),
        dedupeKey: sql.placeholder('dedupeKey'),
        payload: sql.placeholder('payload'),
        status: sql.placeholder('status'),
        attempts: sql.placeholder('attempts'),
        nextAttemptAt: sql.placeholder('nextAttemptAt'),
        leaseOwner: sql.placeholder('leaseOwner'),
        leaseExpiresAt: sql`${sql.placeholder('leaseExpiresAt')}`,
        verdict: sql.placeholder('verdict'),
        explanation: sql.placeholder('explanation'),
        detail: sql.placeholder('detail'),
        lastError: sql.placeholder('lastError'),
        createdAt: sql.placeholder('createdAt'),
        updatedAt: sql.placeholder('updatedAt'),
        settledAt: sql`${sql.placeholder('settledAt')}`,
      })
      .onConflictDoNothing({ target: t.dedupeKey })
      .prepare('outbox_insert_one');
    statements.set(db, statement);
  }
  return statement;
}

/** better-sqlite3's run result: `{ changes }`. */
function changedRows(result: unknown): number {
  return typeof result === 'object' && result !== null && 'changes' in result
    ? Number(result.changes)
    : 0;
}

/**
 * Inserts outbox rows on SQLite with one prepared statement per row, skipping existing dedupe
 * keys: SQLite runs it in microseconds, while building a multi-row statement for every request
 * costs more than the insert itself. Returns the rows inserted.
 */
export async function insertRowsOnSqlite(
  db: Db,
  t: ItemsTable,
  rows: NewRow[],
): Promise<{ id: string; dedupeKey: string | null }[]> {
  const insert = preparedInsert(db, t);
  const inserted: { id: string; dedupeKey: string | null }[] = [];
  for (const row of rows) {
    const result = await insert.execute({
      ...EMPTY_ROW,
      ...row,
      // Nullable timestamps go in raw (the column encoder does not take null), in ms.
      leaseExpiresAt: row.leaseExpiresAt?.getTime() ?? null,
      settledAt: row.settledAt?.getTime() ?? null,
    });
    if (changedRows(result) === 1) inserted.push({ id: row.id, dedupeKey: row.dedupeKey ?? null });
  }
  return inserted;
}
