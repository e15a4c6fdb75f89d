import { and, eq } from 'drizzle-orm';
import type { Db, Store } from '../db/store.ts';

/** Which undelivered items to look at: one kind and subject, on one target or any. */
export interface PendingItemFilter {
  kind: string;
  subject: string;
  target?: string | undefined;
}

/**
 * Rewrites the payloads of items nobody is delivering yet (`pending`): `rewrite` answers the new
 * payload, or undefined to leave one as it is. Run inside the caller's transaction; on PostgreSQL
 * the rows are locked (`FOR UPDATE`), so a forwarder's claim (`SKIP LOCKED`) either took an item
 * before — it is then `delivering` and left alone — or waits for this commit.
 * Answers how many items were rewritten.
 */
export async function rewritePendingPayloads(
  store: Pick<Store, 'dialect' | 'tables'>,
  tx: Db,
  filter: PendingItemFilter,
  rewrite: (payload: string) => string | undefined,
  now: Date,
): Promise<{ rewritten: number; pending: number }> {
  const t = store.tables.outboxItems;
  const conditions = [
    eq(t.status, 'pending'),
    eq(t.kind, filter.kind),
    eq(t.subject, filter.subject),
  ];
  if (filter.target !== undefined) conditions.push(eq(t.target, filter.target));
  const query = tx
    .select({ id: t.id, payload: t.payload })
    .from(t)
    .where(and(...conditions));
  const rows = store.dialect === 'postgres' ? await query.for('update') : await query;
  let rewritten = 0;
  for (const row of rows) {
    const payload = rewrite(row.payload);
    if (payload === undefined) continue;
    await tx
      .update(t)
      .set({ payload, updatedAt: now })
      .where(and(eq(t.id, row.id), eq(t.status, 'pending')));
    rewritten++;
  }
  return { rewritten, pending: rows.length };
}
