import { Param, sql } from 'drizzle-orm';
import type { Db, Tables } from '../db/store.ts';

type NewRow = Tables['outboxItems']['$inferInsert'];

const text = (rows: NewRow[], pick: (row: NewRow) => string | null | undefined) =>
  new Param(rows.map((row) => pick(row) ?? null));
const times = (rows: NewRow[], pick: (row: NewRow) => Date | null | undefined) =>
  new Param(rows.map((row) => pick(row) ?? null));

/**
 * Inserts outbox rows on PostgreSQL as one statement with one array per column (`unnest`),
 * skipping existing dedupe keys (and, defensively, ids taken already): 18 parameters however many rows a group commit brings, instead of
 * building and binding 18 per row (and chunking under the 65,535-parameter limit). Returns the
 * rows inserted. `repo.test.ts` round-trips every column through it.
 */
export async function insertRowsOnPostgres(
  db: Db,
  rows: NewRow[],
): Promise<{ id: string; dedupeKey: string | null }[]> {
  const result = await db.execute<{ id: string; dedupe_key: string | null }>(
    sql`INSERT INTO outbox_items (id, kind, target, subject, dedupe_key, payload, status,
      attempts, next_attempt_at, lease_owner, lease_expires_at, verdict, explanation, detail,
      last_error, created_at, updated_at, settled_at)
    SELECT * FROM unnest(
      ${text(rows, (r) => r.id)}::text[], ${text(rows, (r) => r.kind)}::text[],
      ${text(rows, (r) => r.target)}::text[], ${text(rows, (r) => r.subject)}::text[],
      ${text(rows, (r) => r.dedupeKey)}::text[], ${text(rows, (r) => r.payload)}::text[],
      ${text(rows, (r) => r.status)}::text[], ${new Param(rows.map((r) => r.attempts ?? 0))}::integer[],
      ${times(rows, (r) => r.nextAttemptAt)}::timestamptz[], ${text(rows, (r) => r.leaseOwner)}::text[],
      ${times(rows, (r) => r.leaseExpiresAt)}::timestamptz[], ${text(rows, (r) => r.verdict)}::text[],
      ${text(rows, (r) => r.explanation)}::text[], ${text(rows, (r) => r.detail)}::text[],
      ${text(rows, (r) => r.lastError)}::text[], ${times(rows, (r) => r.createdAt)}::timestamptz[],
      ${times(rows, (r) => r.updatedAt)}::timestamptz[], ${times(rows, (r) => r.settledAt)}::timestamptz[])
    ON CONFLICT DO NOTHING
    RETURNING id, dedupe_key`,
  );
  return result.rows.map((row) => ({ id: row.id, dedupeKey: row.dedupe_key }));
}
