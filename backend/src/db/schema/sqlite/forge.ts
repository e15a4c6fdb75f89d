import { foreignKey, index, integer, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { connections } from './connections.ts';

const at = (name: string) => integer(name, { mode: 'timestamp_ms' });

/** See schema/pg/forge.ts. */
export const forgeInstallations = sqliteTable(
  'forge_installations',
  {
    id: text('id').primaryKey(),
    installationId: text('installation_id').notNull().unique(),
    appId: text('app_id').notNull(),
    environment: text('environment'),
    cloudId: text('cloud_id').notNull(),
    siteUrl: text('site_url'),
    apiBaseUrl: text('api_base_url').notNull(),
    connectionId: text('connection_id'),
    installedAt: at('installed_at').notNull(),
    updatedAt: at('updated_at').notNull(),
    uninstalledAt: at('uninstalled_at'),
  },
  (table) => [
    foreignKey({ columns: [table.connectionId], foreignColumns: [connections.id] }).onDelete(
      'set null',
    ),
    index('forge_installations_cloud_idx').on(table.cloudId),
  ],
);
