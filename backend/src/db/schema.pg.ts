/**
 * Every PostgreSQL table, one file per area under schema/pg/. Mirrors schema.sqlite.ts table for
 * table and column for column: repositories are written once against these types and
 * schema.test.ts fails the type check when the two drift.
 */
import * as admin from './schema/pg/admin.ts';
import * as apiKeys from './schema/pg/api-keys.ts';
import * as connections from './schema/pg/connections.ts';
import * as defects from './schema/pg/defects.ts';
import * as devops from './schema/pg/devops.ts';
import * as forge from './schema/pg/forge.ts';
import * as jiraSyncs from './schema/pg/jira-syncs.ts';
import * as mappings from './schema/pg/mappings.ts';
import * as oauth from './schema/pg/oauth.ts';
import * as outbox from './schema/pg/outbox.ts';
import * as results from './schema/pg/results.ts';
import * as webhooks from './schema/pg/webhooks.ts';

export const pgSchema = {
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
