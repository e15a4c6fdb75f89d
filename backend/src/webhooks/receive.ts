/**
 * Receiving a Jira event: verify who sent it (the caller did, per source), parse the envelope,
 * then store it once per delivery id before answering 2xx. Processing happens later (process.ts).
 */
import { createHash } from 'node:crypto';
import type { DeliveryReceipt } from '@testbridge/shared/api/webhooks';
import { JiraEventEnvelope } from '@testbridge/shared/jira/events';
import { findSiteConnection } from '../connections/service.ts';
import { newSortableId } from '../db/ids.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../http/errors.ts';
import { webhookSigningSecretOf } from '../oauth/oauth2-client.ts';
import { eventCommitterFor } from './committer.ts';
import { createEndpointRepo, createEventRepo, type JiraEventRow } from './repo.ts';
import { openEndpointSecret } from './seal.ts';
import { verifyDynamicJwt, verifyHubSignature, verifyUrlToken } from './verify.ts';

export type ReceiveDeps = Pick<Deps, 'store' | 'clock' | 'sealer' | 'config' | 'fetch' | 'logger'>;

/** The headers a delivery's verification and deduplication read. */
export interface DeliveryHeaders {
  authorization?: string | undefined;
  hubSignature?: string | undefined;
  /** `X-Atlassian-Webhook-Identifier`: unique per site, stable across retries. */
  identifier?: string | undefined;
}

const unauthenticated = () =>
  new AppError('unauthenticated', 'This delivery cannot be verified for this URL');

const sha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');

const badBody = (message: string, field = 'body') =>
  new AppError('validation_failed', message, { invalidFields: [{ field, message }] });

function parseEnvelope(rawBody: Uint8Array): {
  envelope: JiraEventEnvelope;
  eventType: string;
  orderKey: string;
} {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(rawBody));
  } catch {
    throw badBody('The body is not JSON (an admin webhook must not exclude the body)');
  }
  const parsed = JiraEventEnvelope.safeParse(json);
  if (!parsed.success) throw badBody('The body is not a Jira event');
  const envelope = parsed.data;
  const eventType = envelope.webhookEvent ?? envelope.eventType;
  if (!eventType) throw badBody('The event names no webhookEvent', 'body.webhookEvent');
  return { envelope, eventType, orderKey: orderKeyOf(envelope, eventType) };
}

/** Events of one issue (version, project) are processed one at a time, in arrival order. */
function orderKeyOf(envelope: JiraEventEnvelope, eventType: string): string {
  if (envelope.issue) return `issue:${envelope.issue.id}`;
  if (envelope.version) return `version:${envelope.version.id}`;
  if (envelope.project) return `project:${envelope.project.id}`;
  return `event:${eventType}`;
}

/** Stores one verified event once per (connection, delivery id); the receipt says which. */
export async function storeJiraEvent(
  deps: Pick<Deps, 'store' | 'clock'>,
  input: {
    connectionId: string;
    source: JiraEventRow['source'];
    deliveryId: string;
    eventType: string;
    orderKey: string;
    payload: string;
  },
): Promise<DeliveryReceipt> {
  const now = deps.clock.now();
  const repo = createEventRepo(deps.store.tables);
  const row: JiraEventRow = {
    id: newSortableId(now),
    ...input,
    state: 'pending',
    attempts: 0,
    nextAttemptAt: now,
    leasedUntil: null,
    lastError: null,
    receivedAt: now,
    processedAt: null,
  };
  const inserted = await eventCommitterFor(deps).commit(row);
  if (inserted) return { id: row.id, duplicate: false };
  const earlier = await repo.findByDelivery(deps.store.db, input.connectionId, input.deliveryId);
  return { id: earlier?.id ?? row.id, duplicate: true };
}

/** A delivery's own id, else (a Jira that sends none) the SHA-256 of its exact bytes. */
const deliveryIdOf = (headers: DeliveryHeaders, rawBody: Uint8Array) =>
  headers.identifier?.trim() ? `wh:${headers.identifier.trim()}` : `body:${sha256(rawBody)}`;

async function storeWebhook(
  deps: ReceiveDeps,
  connectionId: string,
  source: JiraEventRow['source'],
  headers: DeliveryHeaders,
  rawBody: Uint8Array,
): Promise<DeliveryReceipt> {
  const { eventType, orderKey } = parseEnvelope(rawBody);
  return storeJiraEvent(deps, {
    connectionId,
    source,
    deliveryId: deliveryIdOf(headers, rawBody),
    eventType,
    orderKey,
    payload: new TextDecoder().decode(rawBody),
  });
}

/**
 * A dynamic (OAuth 2.0) webhook for a Cloud connection: bearer JWT signed with the client secret.
 * @throws AppError unauthenticated | validation_failed
 */
export async function receiveDynamicDelivery(
  deps: ReceiveDeps,
  connectionId: string,
  headers: DeliveryHeaders,
  rawBody: Uint8Array,
): Promise<DeliveryReceipt> {
  const secret = await webhookSigningSecretOf(deps, connectionId);
  if (!secret) throw unauthenticated();
  await verifyDynamicJwt(headers.authorization, secret, deps.clock.now());
  return storeWebhook(deps, connectionId, 'dynamic', headers, rawBody);
}

/**
 * An admin webhook with a secret: `X-Hub-Signature` over the raw body with the mapping's secret.
 * @throws AppError unauthenticated | validation_failed
 */
export async function receiveSignedDelivery(
  deps: ReceiveDeps,
  endpointId: string,
  headers: DeliveryHeaders,
  rawBody: Uint8Array,
): Promise<DeliveryReceipt> {
  const endpoint = await createEndpointRepo(deps.store.tables).findById(deps.store.db, endpointId);
  if (!endpoint) throw unauthenticated();
  verifyHubSignature(headers.hubSignature, openEndpointSecret(deps, endpoint), rawBody);
  return storeWebhook(deps, endpoint.connectionId, 'admin', headers, rawBody);
}

/**
 * A Data Center webhook without a signature: the long random token in its URL.
 * @throws AppError unauthenticated | validation_failed
 */
export async function receiveTokenDelivery(
  deps: ReceiveDeps,
  endpointId: string,
  token: string,
  headers: DeliveryHeaders,
  rawBody: Uint8Array,
): Promise<DeliveryReceipt> {
  const endpoint = await createEndpointRepo(deps.store.tables).findById(deps.store.db, endpointId);
  if (!endpoint) throw unauthenticated();
  verifyUrlToken(token, endpoint.tokenHash);
  return storeWebhook(deps, endpoint.connectionId, 'token', headers, rawBody);
}

/**
 * A Forge product event, its FIT verified by the caller; the FIT's site picks the connection. The
 * event travels in `payload` (the documented envelope) or at the top. Forge documents no event
 * id, so the id is derived from what a retry repeats: type, subject and Jira's timestamp.
 * @throws AppError not_found (no connection to the site) | validation_failed
 */
export async function receiveForgeEvent(
  deps: ReceiveDeps,
  cloudId: string,
  body: unknown,
): Promise<DeliveryReceipt> {
  const inner =
    body !== null && typeof body === 'object' && 'payload' in body ? body.payload : body;
  const rawBody = new TextEncoder().encode(JSON.stringify(inner ?? null));
  const { envelope, eventType, orderKey } = parseEnvelope(rawBody);
  const connection = await findSiteConnection(deps, cloudId);
  if (!connection) {
    throw new AppError('not_found', 'No Testbridge connection for the site of this Forge event');
  }
  const explicitId = (inner as { id?: unknown }).id;
  const deliveryId =
    typeof explicitId === 'string' && explicitId.length > 0
      ? `forge:${explicitId}`
      : `forge:${sha256(`${eventType}\n${orderKey}\n${envelope.timestamp ?? ''}`)}`;
  const { retryContext: _retry, ...event } = inner as Record<string, unknown>;
  return storeJiraEvent(deps, {
    connectionId: connection.id,
    source: 'forge',
    deliveryId,
    eventType,
    orderKey,
    payload: JSON.stringify(event),
  });
}
