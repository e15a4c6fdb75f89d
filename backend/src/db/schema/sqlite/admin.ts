import { index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';

const at = (name: string) => integer(name, { mode: 'timestamp_ms' });

/** Signed-in admin UI sessions: the cookie's token is stored only as its SHA-256 hash. */
export const adminSessions = sqliteTable(
  'admin_sessions',
  {
    id: text('id').primaryKey(),
    keyId: text('key_id').notNull(),
    createdAt: at('created_at').notNull(),
    expiresAt: at('expires_at').notNull(),
  },
  (table) => [index('admin_sessions_expires_idx').on(table.expiresAt)],
);
