/**
 * Every SQLite table, one file per area under schema/sqlite/. Mirrors schema.pg.ts (see there).
 */
import * as apiKeys from './schema/sqlite/api-keys.ts';
import * as connections from './schema/sqlite/connections.ts';
import * as devops from './schema/sqlite/devops.ts';
import * as forge from './schema/sqlite/forge.ts';
import * as oauth from './schema/sqlite/oauth.ts';
import * as outbox from './schema/sqlite/outbox.ts';

export const sqliteSchema = {
  ...apiKeys,
  ...connections,
  ...devops,
  ...forge,
  ...oauth,
  ...outbox,
};
