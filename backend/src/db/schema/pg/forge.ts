import { foreignKey, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';
import { connections } from './connections.ts';

const at = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/**
 * One Forge app installation on a Jira Cloud site, recorded from the lifecycle calls (values from
 * the verified Forge Invocation Token). Linked to the connection of the same cloudId, if any.
 */
export const forgeInstallations = pgTable(
  'forge_installations',
  {
    id: text('id').primaryKey(),
    /** Forge's installation ARI; a reinstall gets a new one. */
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
