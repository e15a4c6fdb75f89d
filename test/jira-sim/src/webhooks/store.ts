/**
 * Webhook state: dynamic (REST-registered, per OAuth app) and admin registrations, the delivery
 * queue, every attempt made, and the deliveries that failed after their retries.
 * @see https://developer.atlassian.com/cloud/jira/platform/webhooks/
 */

/** A webhook registered by an OAuth 2.0 app with `POST /rest/api/3/webhook` (expires). */
export interface DynamicWebhook {
  id: number;
  /** Site name (`acme`). */
  instanceId: string;
  clientId: string;
  /** The account that registered it (JQL is evaluated with its permissions). */
  accountId: string;
  url: string;
  events: string[];
  jqlFilter: string;
  fieldIdsFilter: string[] | null;
  issuePropertyKeysFilter: string[] | null;
  expiresAt: number;
}

/** An admin webhook (`/rest/webhooks/1.0/webhook`, Cloud site or DC), optionally with a secret. */
export interface AdminWebhook {
  id: number;
  /** Site name or `dc`. */
  instanceId: string;
  name: string;
  url: string;
  events: string[];
  /** `filters["issue-related-events-section"]`; null = every issue. */
  jqlFilter: string | null;
  excludeBody: boolean;
  /** Never shown again after saving (as in Jira). */
  secret: string | null;
  enabled: boolean;
  lastUpdatedUserId: string;
  lastUpdated: number;
}

/** How a delivery proves where it came from. */
export type DeliverySigning =
  | { kind: 'jwt'; clientId: string; cloudId: string; accountId: string }
  | { kind: 'hmac'; secret: string }
  | { kind: 'none' };

/** One webhook delivery (the same `X-Atlassian-Webhook-Identifier` across retries). */
export interface Delivery {
  /** `X-Atlassian-Webhook-Identifier`. */
  id: string;
  instanceId: string;
  /** The app for dynamic webhooks; null for admin webhooks. */
  clientId: string | null;
  webhookEvent: string;
  url: string;
  body: string;
  signing: DeliverySigning;
  /** Attempts made so far (the first attempt is 0 retries). */
  attempts: number;
  dueAt: number;
  state: 'pending' | 'in-flight' | 'delivered' | 'failed';
}

/** One HTTP attempt, for tests and the control API. */
export interface DeliveryAttempt {
  deliveryId: string;
  url: string;
  webhookEvent: string;
  /** 0 for the first try; `X-Atlassian-Webhook-Retry` otherwise. */
  retry: number;
  at: number;
  /** Receiver's status, or null for a network error. */
  status: number | null;
  error: string | null;
}

/** Jira's `FailedWebhook`: delivered to no one after the last retry. */
export interface FailedDelivery {
  id: string;
  body: string;
  url: string;
  failureTime: number;
  clientId: string | null;
  instanceId: string;
}

export interface WebhookStore {
  dynamic: Map<number, DynamicWebhook>;
  admin: Map<number, AdminWebhook>;
  /** Next registration id (dynamic and admin share the sequence). */
  nextId: number;
  /** Next delivery identifier and changelog id. */
  nextDeliveryId: number;
  queue: Delivery[];
  attempts: DeliveryAttempt[];
  failed: FailedDelivery[];
  inFlight: Set<Promise<void>>;
}

export function createWebhookStore(): WebhookStore {
  return {
    dynamic: new Map(),
    admin: new Map(),
    nextId: 10000,
    nextDeliveryId: 1,
    queue: [],
    attempts: [],
    failed: [],
    inFlight: new Set(),
  };
}

/** Jira keeps failed webhooks for about 72 hours. */
export const FAILED_RETENTION_MS = 72 * 3_600_000;
