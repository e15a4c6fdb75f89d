import type { Mapping } from '@testbridge/shared/api/mappings';
import type {
  KnownWebhook,
  WebhookCheck,
  WebhookEndpoint,
  WebhookEndpointSecrets,
  WebhookSetup,
} from '@testbridge/shared/api/webhooks';
import type { ForgeWebhookStatus } from '@testbridge/shared/forge/remote';
import type { AutomaticRegistration } from '../../webhooks/status.ts';
import { CopyValue, CsrfInput, Page } from '../layout.tsx';
import type { AdminSession } from '../session.ts';

/** What the mapping page shows of the mapping's webhook. */
export interface WebhookView {
  /** The manual-mode endpoint (never its secret); null: none issued. */
  endpoint: WebhookEndpoint | null;
  /** Only in the answer that issued or rotated the endpoint: shown once. */
  secrets?: WebhookEndpointSecrets | undefined;
  /** Only in the answer to a save (or retry) in automatic mode: what happened in Jira. */
  setup?: WebhookSetup | undefined;
  registration: AutomaticRegistration | null;
  health: ForgeWebhookStatus;
}

const HEALTH: Record<ForgeWebhookStatus['state'], { label: string; css: string }> = {
  registered: { label: 'Registered', css: 'pass' },
  failing: { label: 'Failing', css: 'fail' },
  not_registered: { label: 'Not registered', css: 'warn' },
  unknown: { label: 'Unknown', css: 'warn' },
};

/** The URL, the secret (once) and the events to enter in Jira's webhook screen. */
function ManualInstructions({
  endpoint,
  secrets,
}: {
  endpoint: WebhookEndpoint;
  secrets?: WebhookEndpointSecrets | undefined;
}) {
  return (
    <>
      {secrets ? (
        <p class="banner info" role="status" data-testid="secret-warning">
          Copy the secret now: it is shown only this once. If it is lost, issue a new one (the old
          secret stops working at once).
        </p>
      ) : null}
      <p>
        In Jira, open System → WebHooks, create a webhook and enter these (Jira Cloud: URL and
        secret; Data Center, which signs nothing: the URL with the token instead).
      </p>
      <dl class="fields">
        <CopyValue id="copy-webhook-url" label="URL" value={endpoint.url} />
        {secrets ? (
          <>
            <CopyValue id="copy-webhook-secret" label="Secret" value={secrets.secret} />
            <CopyValue
              id="copy-webhook-token-url"
              label="URL with token (Data Center)"
              value={secrets.urlWithToken}
            />
          </>
        ) : null}
        <CopyValue
          id="copy-webhook-jql"
          label="JQL filter for issue events"
          value={endpoint.jqlFilter}
        />
        <CopyValue
          id="copy-webhook-events"
          label="Events to tick"
          value={endpoint.events.join('\n')}
          block
        />
      </dl>
      {secrets ? null : (
        <p class="hint">
          The secret and the URL with the token are not shown again; issue a new secret to see new
          ones.
        </p>
      )}
    </>
  );
}

/** The webhook section of a mapping's page: mode, state, health, and the manual-mode actions. */
export function WebhookSection({
  session,
  mapping,
  view,
}: {
  session: AdminSession;
  mapping: Mapping;
  view: WebhookView;
}) {
  const base = `/admin/mappings/${mapping.id}/webhook`;
  const { endpoint, secrets, setup, registration, health } = view;
  const shown = secrets ?? setup?.manual ?? endpoint;
  const badge = HEALTH[health.state];
  return (
    <section aria-labelledby="webhook">
      <h2 id="webhook">Jira webhook</h2>
      <p data-testid="webhook-mode">
        {`Mode: ${mapping.webhookMode}. `}
        {mapping.webhookMode === 'automatic'
          ? registration
            ? `Registered in Jira by Testbridge (${registration.kind === 'dynamic' ? 'dynamic webhook of the OAuth 2.0 app' : 'admin webhook'}${registration.expiresAt ? `, expires ${registration.expiresAt}` : ''}).`
            : 'Not registered in Jira yet: save the mapping in automatic mode again to retry.'
          : mapping.webhookMode === 'manual'
            ? 'A Jira admin enters the URL, secret and events below in Jira.'
            : 'Jira changes reach Testbridge only through the periodic reconciliation, if at all.'}
      </p>
      {setup?.mode === 'manual' && setup.reason ? (
        <p class="banner bad" role="alert" data-testid="webhook-fallback">
          {`Automatic mode was not possible: ${setup.reason}`}
        </p>
      ) : null}
      <p data-testid="webhook-health">
        <span class={`status ${badge.css}`}>{badge.label}</span>{' '}
        {`Webhooks of this connection: ${health.detail ?? ''}`}
      </p>
      {/* Automatic mode's endpoint carries the secret registered in Jira: rotating or forgetting
      it here would break that webhook, so both are manual-mode actions. */}
      {mapping.webhookMode === 'manual' ? (
        <>
          {shown ? (
            <ManualInstructions endpoint={shown} secrets={secrets ?? setup?.manual ?? undefined} />
          ) : (
            <p>No webhook endpoint issued yet.</p>
          )}
          <form method="post" action={base}>
            <CsrfInput session={session} />
            <button type="submit" class={endpoint ? 'secondary' : undefined}>
              {endpoint
                ? 'Issue a new secret (the old one stops working)'
                : 'Issue the webhook URL and secret'}
            </button>
          </form>
        </>
      ) : null}
      {mapping.webhookMode !== 'off' ? (
        <form method="post" action={`${base}/test`}>
          <CsrfInput session={session} />
          <p class="hint">
            Sets an issue property on the newest issue of {mapping.jiraProject.key} and waits for
            Jira's event to come back through the webhook.
          </p>
          <button type="submit" class="secondary">
            Send test event
          </button>
        </form>
      ) : null}
      {endpoint && mapping.webhookMode !== 'automatic' ? (
        <form method="post" action={`${base}/revoke`}>
          <CsrfInput session={session} />
          <fieldset>
            <legend>Forget</legend>
            <label>
              <input type="checkbox" name="confirm" value="yes" required /> Forget this webhook: its
              URL, secret and token stop working at once (delete it in Jira too)
            </label>
          </fieldset>
          <button type="submit" class="danger">
            Forget this webhook
          </button>
        </form>
      ) : null}
    </section>
  );
}

/** A "send test event" check: waiting until Jira's event came back, then received. */
export function WebhookCheckPage({
  session,
  mapping,
  check,
}: {
  session: AdminSession;
  mapping: Mapping;
  check: WebhookCheck;
}) {
  const page = `/admin/mappings/${mapping.id}/webhook/test/${check.id}`;
  const waiting = check.status === 'waiting';
  return (
    <Page
      title={`Test event for ${mapping.toolProject.key} → ${mapping.jiraProject.key}`}
      session={session}
    >
      <div data-poll={waiting ? `${page}/status` : undefined}>
        {waiting ? (
          <p class="banner info" role="status" data-testid="check-status">
            {`Waiting: the property was set on ${check.issueKey} at ${check.sentAt}; Jira's event has not come back yet. This page refreshes itself.`}
          </p>
        ) : (
          <p class="banner ok" role="status" data-testid="check-status">
            {`Received: Jira's event for ${check.issueKey} came back at ${check.receivedAt ?? ''} (${check.source ?? 'unknown source'}). The webhook works.`}
          </p>
        )}
        {waiting ? (
          <p>
            <a href={page}>Refresh the status</a>. If it stays waiting, check the URL, the secret,
            the events and the JQL filter in Jira.
          </p>
        ) : null}
      </div>
      <p>
        <a href={`/admin/mappings/${mapping.id}`}>Back to the mapping</a>
      </p>
    </Page>
  );
}

/** The webhook endpoints Testbridge issued (never a secret), for the mappings list. */
export function KnownWebhooks({
  webhooks,
  mappings,
}: {
  webhooks: KnownWebhook[];
  mappings: Mapping[];
}) {
  const keys = new Map(mappings.map((m) => [m.id, m.toolProject.key]));
  return (
    <section aria-labelledby="known-webhooks">
      <h2 id="known-webhooks">Webhook endpoints</h2>
      {webhooks.length ? (
        <table data-testid="known-webhooks">
          <caption>Endpoints issued for manual mode (secrets are never shown again)</caption>
          <thead>
            <tr>
              <th scope="col">Mapping</th>
              <th scope="col">Mode</th>
              <th scope="col">URL</th>
              <th scope="col">Issued</th>
            </tr>
          </thead>
          <tbody>
            {webhooks.map((hook) => (
              <tr>
                <th scope="row">
                  <a href={`/admin/mappings/${hook.mappingId}#webhook`}>
                    {`${keys.get(hook.mappingId) ?? hook.mappingId} → ${hook.jiraProjectKey}`}
                  </a>
                </th>
                <td>{hook.webhookMode}</td>
                <td>
                  <code>{hook.url}</code>
                </td>
                <td>{hook.updatedAt}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>No webhook endpoint issued yet.</p>
      )}
    </section>
  );
}
