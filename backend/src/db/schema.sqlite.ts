/**
 * Every SQLite table, one file per area under schema/sqlite/. Mirrors schema.pg.ts (see there).
 */
import * as admin from './schema/sqlite/admin.ts';
import * as apiKeys from './schema/sqlite/api-keys.ts';
import * as connections from './schema/sqlite/connections.ts';
import * as defects from './schema/sqlite/defects.ts';
import * as devops from './schema/sqlite/devops.ts';
import * as forge from './schema/sqlite/forge.ts';
import * as jiraSyncs from './schema/sqlite/jira-syncs.ts';
import * as mappings from './schema/sqlite/mappings.ts';
import * as oauth from './schema/sqlite/oauth.ts';
import * as outbox from './schema/sqlite/outbox.ts';
import * as results from './schema/sqlite/results.ts';
import * as webhooks from './schema/sqlite/webhooks.ts';

export const sqliteSchema = {
  ...admin,
  ...apiKeys,
  ...connections,
  ...defects,
  ...devops,
  ...forge,
  ...mappings,
  ...oauth,
  ...outbox,
  ...jiraSyncs,
  ...results,
  ...webhooks,
};
