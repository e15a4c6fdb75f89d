/**
 * Jira events as the admin and the test tool see them: where a mapping's webhooks are received
 * (manual mode), the dead-letter list, and test links left orphaned by a deleted issue.
 */
import { z } from 'zod';

/** Events Testbridge subscribes to (Jira's webhook names). */
export const WEBHOOK_EVENTS = [
  'jira:issue_updated',
  'jira:issue_deleted',
  'jira:version_created',
  'jira:version_updated',
  'jira:version_released',
  'jira:version_unreleased',
  'jira:version_moved',
  'jira:version_deleted',
  'project_updated',
  'project_deleted',
  // The "send test event" check sets an issue property and waits for this event.
  'issue_property_set',
] as const;

export const MappingIdPathParam = z.object({ mappingId: z.string().min(1).max(100) });

/** Where a mapping's webhooks go, without anything secret. */
export const WebhookEndpoint = z.object({
  mappingId: z.string(),
  /** For Jira's webhook screen when a secret can be set (Cloud admin webhooks). */
  url: z.url(),
  events: z.array(z.string()),
  /** The JQL filter for issue-related events: the mapped project. */
  jqlFilter: z.string(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type WebhookEndpoint = z.infer<typeof WebhookEndpoint>;

/** Shown once, when the endpoint is created or its secret rotated. */
export const WebhookEndpointSecrets = WebhookEndpoint.extend({
  /** The secret for Jira's webhook screen: deliveries must carry `X-Hub-Signature`. */
  secret: z.string(),
  /** For Jira versions that sign nothing (Data Center): the URL carries a long random token. */
  urlWithToken: z.url(),
});
export type WebhookEndpointSecrets = z.infer<typeof WebhookEndpointSecrets>;

/** What Testbridge answers a delivery: stored (or stored before: `duplicate`). */
export const DeliveryReceipt = z.object({ id: z.string(), duplicate: z.boolean() });
export type DeliveryReceipt = z.infer<typeof DeliveryReceipt>;

export const JiraEventSource = z.enum(['dynamic', 'admin', 'token', 'forge', 'reconcile']);

/** A stored event that could not be processed (a poison delivery). */
export const DeadLetter = z.object({
  id: z.string(),
  connectionId: z.string(),
  source: JiraEventSource,
  deliveryId: z.string(),
  eventType: z.string(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  receivedAt: z.iso.datetime(),
});
export type DeadLetter = z.infer<typeof DeadLetter>;

export const DeadLetterList = z.object({ items: z.array(DeadLetter) });
export const DeadLetterIdParam = z.object({ id: z.string().min(1).max(100) });
export const DeadLetterRetried = z.object({ id: z.string(), state: z.literal('pending') });

/** A test's link to an issue Jira reported deleted. */
export const OrphanedLink = z.object({
  connectionId: z.string(),
  issueId: z.string(),
  /** The issue's last known key. */
  issueKey: z.string().nullable(),
  testId: z.string(),
  testName: z.string(),
  projectKey: z.string(),
  orphanedAt: z.iso.datetime(),
});
export type OrphanedLink = z.infer<typeof OrphanedLink>;
export const OrphanedLinkList = z.object({ items: z.array(OrphanedLink) });
export const OrphanedLinkQuery = z.object({ connectionId: z.string().min(1).max(100) });

/** A Jira version of a mapping's project, as Jira's version events describe it. */
export const MappingVersion = z.object({
  id: z.string(),
  name: z.string(),
  released: z.boolean(),
  archived: z.boolean(),
  releaseDate: z.string().nullable(),
});
export type MappingVersion = z.infer<typeof MappingVersion>;
export const MappingVersionList = z.object({ items: z.array(MappingVersion) });

/** The "send test event" check: Testbridge set a property on an issue; did Jira's event come back? */
export const WebhookCheck = z.object({
  id: z.string(),
  mappingId: z.string(),
  issueKey: z.string(),
  status: z.enum(['waiting', 'received']),
  sentAt: z.iso.datetime(),
  receivedAt: z.iso.datetime().nullable(),
  /** How the event came: `admin` (signed), `token` (URL token), `dynamic` or `forge`. */
  source: z.string().nullable(),
});
export type WebhookCheck = z.infer<typeof WebhookCheck>;
export const WebhookCheckParams = z.object({
  mappingId: z.string().min(1).max(100),
  checkId: z.string().min(1).max(100),
});

/** A webhook endpoint Testbridge knows of (manual mode), for the admin's list. */
export const KnownWebhook = WebhookEndpoint.extend({
  connectionId: z.string(),
  jiraProjectKey: z.string(),
  webhookMode: z.string(),
});
export type KnownWebhook = z.infer<typeof KnownWebhook>;
export const KnownWebhookList = z.object({ items: z.array(KnownWebhook) });

/**
 * What automatic mode did for a mapping: a webhook registered in Jira (`automatic`), or the plain
 * reason it could not be and the manual instructions (`manual`; the mapping is kept).
 */
export const WebhookSetup = z.object({
  mappingId: z.string(),
  mode: z.enum(['automatic', 'manual']),
  /** `admin`: `/rest/webhooks/1.0/webhook`; `dynamic`: an OAuth 2.0 app's, refreshed before expiry. */
  kind: z.enum(['admin', 'dynamic']).nullable(),
  jiraWebhookIds: z.array(z.string()),
  expiresAt: z.iso.datetime().nullable(),
  reason: z.string().nullable(),
  /** Manual mode: enter these in Jira's webhook screen (shown once). */
  manual: WebhookEndpointSecrets.nullable(),
});
export type WebhookSetup = z.infer<typeof WebhookSetup>;

/** One change Jira's events made in Testbridge, for the test tool. */
export const ChangeEvent = z.object({
  /** Unique; also the cursor to read on from. */
  id: z.string(),
  kind: z.enum(['issue.updated', 'issue.deleted', 'version.changed', 'project.status']),
  connectionId: z.string(),
  /** The mappings the change concerns (by the Jira project). */
  mappingIds: z.array(z.string()),
  /** The issue, version or project id. */
  subject: z.string(),
  at: z.iso.datetime(),
  data: z.record(z.string(), z.unknown()),
});
export type ChangeEvent = z.infer<typeof ChangeEvent>;

export const ChangeFeedQuery = z.object({
  /** The `nextCursor` of the previous page; none: from the start. */
  cursor: z.string().max(100).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
export const ChangeFeedPage = z.object({
  items: z.array(ChangeEvent),
  /** Pass back as `cursor`; the same when nothing new came (poll again later). */
  nextCursor: z.string().nullable(),
});

export const EventCallbackRequest = z.strictObject({ url: z.url().max(2000) });
/** The callback's secret, shown once: verify `X-Testbridge-Signature` with it. */
export const EventCallbackCreated = z.object({
  mappingId: z.string(),
  url: z.string(),
  secret: z.string(),
});
