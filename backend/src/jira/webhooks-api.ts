/**
 * Jira's webhook registration APIs: dynamic webhooks for OAuth 2.0 apps (Cloud, 30-day expiry,
 * refreshed) and admin webhooks (`/rest/webhooks/1.0/webhook`, ADMINISTER; Cloud and DC).
 * @see ../../../shared/reference/jira-protocols.md §8
 */
import { z } from 'zod';
import { JiraCallError } from './errors.ts';
import { callJira, type JiraDeps, type JiraEndpoint } from './http.ts';

const Registered = z.object({
  webhookRegistrationResult: z.array(
    z.object({
      createdWebhookId: z.union([z.number(), z.string()]).transform(String).optional(),
      errors: z.array(z.string()).optional(),
    }),
  ),
});

/**
 * `POST /rest/api/3/webhook`: one registration per entry, in order. Jira answers 200 even when an
 * entry failed, so each entry is checked.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-webhooks/#api-rest-api-3-webhook-post
 * @throws JiraCallError (jira_rejected_request when an entry has errors)
 */
export async function registerDynamicWebhooks(
  deps: JiraDeps,
  endpoint: JiraEndpoint,
  url: string,
  webhooks: readonly {
    events: readonly string[];
    jqlFilter: string;
    /** `issue_property_*` events only for these keys (absent: every property). */
    issuePropertyKeysFilter?: readonly string[];
  }[],
): Promise<string[]> {
  const answer = await callJira(
    deps,
    endpoint,
    { method: 'POST', path: '/rest/api/3/webhook', body: { url, webhooks } },
    Registered,
  );
  const errors = answer.webhookRegistrationResult.flatMap((entry) => entry.errors ?? []);
  const ids = answer.webhookRegistrationResult.flatMap((entry) =>
    entry.createdWebhookId ? [entry.createdWebhookId] : [],
  );
  if (errors.length > 0 || ids.length !== webhooks.length) {
    throw new JiraCallError(
      'jira_rejected_request',
      `Jira refused the webhook: ${errors.join('; ')}`,
      {
        status: 200,
        errorMessages: errors,
        errors: {},
      },
    );
  }
  return ids;
}

/**
 * `PUT /rest/api/3/webhook/refresh`: 30 more days for these ids (unknown ids are ignored).
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-webhooks/#api-rest-api-3-webhook-refresh-put
 */
export async function refreshDynamicWebhooks(
  deps: JiraDeps,
  endpoint: JiraEndpoint,
  webhookIds: readonly string[],
): Promise<Date> {
  const answer = await callJira(
    deps,
    endpoint,
    {
      method: 'PUT',
      path: '/rest/api/3/webhook/refresh',
      body: { webhookIds: webhookIds.map(Number) },
      idempotent: true,
    },
    z.object({ expirationDate: z.union([z.string(), z.number()]) }),
  );
  return new Date(answer.expirationDate);
}

/**
 * `DELETE /rest/api/3/webhook` with `{webhookIds}` (202).
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-webhooks/#api-rest-api-3-webhook-delete
 */
export async function deleteDynamicWebhooks(
  deps: JiraDeps,
  endpoint: JiraEndpoint,
  webhookIds: readonly string[],
): Promise<void> {
  await callJira(
    deps,
    endpoint,
    {
      method: 'DELETE',
      path: '/rest/api/3/webhook',
      body: { webhookIds: webhookIds.map(Number) },
      idempotent: true,
    },
    z.unknown(),
  );
}

/** An admin webhook registration: issue-related events filtered by JQL. */
export interface AdminWebhookInput {
  name: string;
  url: string;
  events: readonly string[];
  jql: string;
  /** Cloud signs deliveries with it (`X-Hub-Signature`); absent: none sent. */
  secret?: string;
}

/**
 * `POST /rest/webhooks/1.0/webhook` (ADMINISTER): returns the new webhook's id (from `self`).
 * @see https://developer.atlassian.com/server/jira/platform/webhooks/
 * @throws JiraCallError (jira_forbidden without ADMINISTER)
 */
export async function registerAdminWebhook(
  deps: JiraDeps,
  endpoint: JiraEndpoint,
  input: AdminWebhookInput,
): Promise<string> {
  const answer = await callJira(
    deps,
    endpoint,
    {
      method: 'POST',
      path: '/rest/webhooks/1.0/webhook',
      body: {
        name: input.name,
        url: input.url,
        events: input.events,
        filters: { 'issue-related-events-section': input.jql },
        excludeBody: false,
        ...(input.secret ? { secret: input.secret } : {}),
      },
    },
    z.looseObject({ self: z.string() }),
  );
  const id = /\/webhook\/(\d+)$/.exec(answer.self)?.[1];
  if (!id) {
    throw new JiraCallError('jira_rejected', `Jira answered no webhook id (${answer.self})`);
  }
  return id;
}

/**
 * `DELETE /rest/webhooks/1.0/webhook/{id}`.
 * @see https://developer.atlassian.com/server/jira/platform/webhooks/
 */
export async function deleteAdminWebhook(
  deps: JiraDeps,
  endpoint: JiraEndpoint,
  id: string,
): Promise<void> {
  await callJira(
    deps,
    endpoint,
    { method: 'DELETE', path: `/rest/webhooks/1.0/webhook/${encodeURIComponent(id)}` },
    z.unknown(),
  );
}
