/**
 * Delivering queued webhooks through `deps.outgoingFetch`: headers as Jira sends them, a bearer JWT
 * (HS256, the OAuth app's client secret) on dynamic webhooks, `X-Hub-Signature: sha256=…` on admin
 * webhooks with a secret, and retries with backoff on the simulator clock.
 * @see https://developer.atlassian.com/cloud/jira/platform/webhooks/#retry-policy
 */
import { createHmac } from 'node:crypto';
import { SignJWT } from 'jose';
import type { SimDeps } from '../deps.ts';
import type { Delivery, DeliverySigning } from './store.ts';

/** Retried statuses (Atlassian): 408, 409, 425, 429 and every 5xx; connection failures too. */
function isRetryable(status: number | null): boolean {
  return status === null || [408, 409, 425, 429].includes(status) || status >= 500;
}

/** `sha256=<hex HMAC-SHA256 of the raw body>` (WebSub style, as Jira's admin webhooks send it). */
export function hubSignature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/**
 * The bearer JWT of a dynamic-webhook delivery. Documented: HS256 signed with the app's client
 * secret. UNCONFIRMED (claim set not documented): `iss` = `jira:{cloudId}`, `aud` = client id,
 * `sub` = the registering account, `exp` = `iat` + ~15 min. Receivers should verify signature and expiry only.
 */
async function deliveryJwt(deps: SimDeps, signing: Extract<DeliverySigning, { kind: 'jwt' }>) {
  const app = deps.credentials.oauthApps.get(signing.clientId);
  if (!app) return null;
  const iat = Math.floor(deps.clock.now() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(`jira:${signing.cloudId}`)
    .setAudience(signing.clientId)
    .setSubject(signing.accountId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + deps.settings.webhookJwtTtlSeconds)
    .sign(new TextEncoder().encode(app.clientSecret));
}

async function headersFor(deps: SimDeps, delivery: Delivery): Promise<Headers> {
  const headers = new Headers({
    'Content-Type': 'application/json; charset=UTF-8',
    'User-Agent': 'Atlassian Webhook HTTP Client',
    'X-Atlassian-Webhook-Identifier': delivery.id,
    'X-Atlassian-Webhook-Flow': 'Primary',
  });
  if (delivery.attempts > 0) headers.set('X-Atlassian-Webhook-Retry', String(delivery.attempts));
  if (delivery.signing.kind === 'jwt') {
    const jwt = await deliveryJwt(deps, delivery.signing);
    if (jwt) headers.set('Authorization', `Bearer ${jwt}`);
  } else if (delivery.signing.kind === 'hmac') {
    headers.set('X-Hub-Signature', hubSignature(delivery.signing.secret, delivery.body));
  }
  return headers;
}

async function post(
  deps: SimDeps,
  delivery: Delivery,
): Promise<{ status: number | null; error: string | null }> {
  try {
    const response = await deps.outgoingFetch(delivery.url, {
      method: 'POST',
      headers: await headersFor(deps, delivery),
      body: delivery.body,
      redirect: 'manual',
    });
    await response.arrayBuffer().catch(() => undefined);
    return { status: response.status, error: null };
  } catch (error) {
    return { status: null, error: error instanceof Error ? error.message : String(error) };
  }
}

function settle(deps: SimDeps, delivery: Delivery, state: 'delivered' | 'failed'): void {
  const store = deps.webhooks;
  delivery.state = state;
  store.queue = store.queue.filter((d) => d !== delivery);
  if (state === 'failed')
    store.failed.push({
      id: delivery.id,
      body: delivery.body,
      url: delivery.url,
      failureTime: deps.clock.now(),
      clientId: delivery.clientId,
      instanceId: delivery.instanceId,
    });
}

async function attempt(deps: SimDeps, delivery: Delivery): Promise<void> {
  const { status, error } = await post(deps, delivery);
  const at = deps.clock.now();
  deps.webhooks.attempts.push({
    deliveryId: delivery.id,
    url: delivery.url,
    webhookEvent: delivery.webhookEvent,
    retry: delivery.attempts,
    at,
    status,
    error,
  });
  if (status !== null && status >= 200 && status < 300) return settle(deps, delivery, 'delivered');
  const delays = deps.settings.webhookRetryDelaysMs;
  const delay = delays[delivery.attempts];
  if (!isRetryable(status) || delay === undefined) return settle(deps, delivery, 'failed');
  delivery.attempts += 1;
  delivery.dueAt = at + delay;
  delivery.state = 'pending';
  // Wake up when the retry is due on a real clock; with a fixed clock tests advance it and flush.
  void deps.sleep(delay).then(() => startDueDeliveries(deps));
}

/** Start every pending delivery whose time has come (never awaited by world listeners). */
export function startDueDeliveries(deps: SimDeps): void {
  const store = deps.webhooks;
  const now = deps.clock.now();
  for (const delivery of store.queue) {
    if (delivery.state !== 'pending' || delivery.dueAt > now) continue;
    delivery.state = 'in-flight';
    const task: Promise<void> = attempt(deps, delivery).finally(() => store.inFlight.delete(task));
    store.inFlight.add(task);
  }
}

/**
 * Wait until no delivery is due or in flight. Retries due later stay queued, unless
 * `advanceClock` moves the simulator clock to each next retry (tests with a fixed clock).
 */
export async function flushDeliveries(
  deps: SimDeps,
  options: { advanceClock?: boolean } = {},
): Promise<void> {
  const store = deps.webhooks;
  for (let round = 0; round < 10_000; round++) {
    startDueDeliveries(deps);
    if (store.inFlight.size > 0) {
      await Promise.allSettled([...store.inFlight]);
      continue;
    }
    const pending = store.queue.filter((d) => d.state === 'pending');
    if (pending.length === 0 || !options.advanceClock) return;
    const next = Math.min(...pending.map((d) => d.dueAt));
    if (next > deps.clock.now()) deps.clock.set(next);
  }
}
