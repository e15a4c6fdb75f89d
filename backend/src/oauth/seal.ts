import type { SealBinding } from '../crypto/secret.ts';

/** The bindings OAuth secrets are sealed under (row id as associated data). */
export const bindConnectionSecret = (rowId: string, column: string): SealBinding => ({
  table: 'connections',
  column,
  rowId,
});
export const bindGrantSecret = (rowId: string, column: string): SealBinding => ({
  table: 'grants',
  column,
  rowId,
});
export const bindFlowSecret = (rowId: string, column: string): SealBinding => ({
  table: 'oauth_flows',
  column,
  rowId,
});
