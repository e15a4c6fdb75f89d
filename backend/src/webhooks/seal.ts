import type { PlainSecret, SealBinding } from '../crypto/secret.ts';
import type { Deps } from '../deps.ts';
import type { EndpointRow } from './repo.ts';

/** A webhook endpoint's secret is sealed bound to its row (see db/sealed-columns.ts). */
export const bindEndpointSecret = (rowId: string): SealBinding => ({
  table: 'webhook_endpoints',
  column: 'secret',
  rowId,
});

export const openEndpointSecret = (
  deps: Pick<Deps, 'sealer'>,
  endpoint: Pick<EndpointRow, 'id' | 'secret'>,
): PlainSecret => deps.sealer.open(endpoint.secret, bindEndpointSecret(endpoint.id));
