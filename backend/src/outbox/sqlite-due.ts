import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/store.ts';
import { sqliteConnectionOf } from '../db/store.ts';

type Due = { target: string; kind: string };

/** Prepared per connection and number of kinds (the forwarder always asks with the same ones). */
const statements = new WeakMap<object, Map<number, Statement<unknown[], Due>>>();

const nextDueSql = (kinds: number) =>
  `SELECT target, kind FROM outbox_items
  WHERE status = 'pending' AND next_attempt_at <= ? AND kind IN (${Array(kinds).fill('?').join(', ')})
  ORDER BY next_attempt_at, id LIMIT 1`;

/**
 * The oldest due (target, kind) on SQLite with a statement prepared once: every forwarder pass
 * asks (4 passes every 250 ms when idle), and the query builder built and SQLite compiled the
 * query each time, most of an idle process's CPU. Undefined result: nothing due; `null`: not a
 * SQLite connection (use the query builder). `repo.test.ts` runs the same contract on both stores.
 */
export function nextDueGroupOnSqlite(db: Db, now: Date, kinds: string[]): Due | undefined | null {
  const connection = sqliteConnectionOf(db);
  if (!connection) return null;
  let byCount = statements.get(connection);
  if (!byCount) {
    byCount = new Map();
    statements.set(connection, byCount);
  }
  let statement = byCount.get(kinds.length);
  if (!statement) {
    statement = connection.prepare<unknown[], Due>(nextDueSql(kinds.length));
    byCount.set(kinds.length, statement);
  }
  return statement.get(now.getTime(), ...kinds);
}
