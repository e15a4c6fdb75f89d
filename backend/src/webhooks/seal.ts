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

/** A mapping's callback secret is sealed bound to its row (the mapping id). */
export const bindCallbackSecret = (mappingId: string): SealBinding => ({
  table: 'event_callbacks',
  column: 'secret',
  rowId: mappingId,
});

export const openCallbackSecret = (
  deps: Pick<Deps, 'sealer'>,
  callback: { mappingId: string; secret: EndpointRow['secret'] },
): PlainSecret => deps.sealer.open(callback.secret, bindCallbackSecret(callback.mappingId));
