/**
 * Every column that holds a SealedSecret, so re-sealing under a new master key can find them all.
 * A feature adding a sealed column adds it here; the binding a value is sealed under is
 * `{ table, column, rowId: row[idColumn] }`.
 */
export interface SealedColumn {
  table: string;
  idColumn: string;
  column: string;
}

export const SEALED_COLUMNS: readonly SealedColumn[] = [
  { table: 'devops_sites', idColumn: 'id', column: 'client_secret' },
  { table: 'devops_sites', idColumn: 'id', column: 'access_token' },
  { table: 'connections', idColumn: 'id', column: 'client_secret' },
  { table: 'connections', idColumn: 'id', column: 'private_key' },
  { table: 'connections', idColumn: 'id', column: 'proxy_password' },
  { table: 'grants', idColumn: 'id', column: 'access_token' },
  { table: 'grants', idColumn: 'id', column: 'token_secret' },
  { table: 'grants', idColumn: 'id', column: 'refresh_token' },
  { table: 'oauth_flows', idColumn: 'id', column: 'code_verifier' },
  { table: 'oauth_flows', idColumn: 'id', column: 'access_token' },
  { table: 'oauth_flows', idColumn: 'id', column: 'refresh_token' },
  { table: 'defects', idColumn: 'id', column: 'acting_token' },
  { table: 'webhook_endpoints', idColumn: 'id', column: 'secret' },
  { table: 'event_callbacks', idColumn: 'mapping_id', column: 'secret' },
];
