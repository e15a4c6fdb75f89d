import type {
  Connection,
  ConnectionDiagnostics,
  ConnectionEvent,
} from '@testbridge/shared/api/connections';
import { CsrfInput, ErrorBanner, Field, type FieldErrors, Page } from '../layout.tsx';
import type { AdminSession } from '../session.ts';
import { AUTH_LABELS, DEPLOYMENT_LABELS } from './wizard-steps.tsx';

const isOAuth = (connection: Connection) =>
  connection.auth.type === 'dc_oauth2' ||
  connection.auth.type === 'oauth1' ||
  connection.auth.type === 'cloud_oauth2';

/** Connected, needs re-authorization (with the reason), waiting for consent, failing checks. */
export function StatusCell({ connection }: { connection: Connection }) {
  const failing = connection.diagnostics?.checks.filter((check) => check.result === 'fail') ?? [];
  if (connection.status === 'needs_reauthorization')
    return (
      <>
        <span class="status bad">Needs re-authorization</span>
        <p class="hint">{connection.statusReason ?? ''}</p>
      </>
    );
  if (connection.status === 'pending_authorization')
    return <span class="status pending">Waiting for consent</span>;
  if (failing.length > 0)
    return (
      <>
        <span class="status fail">Connected, diagnostics failing</span>
        <p class="hint">{failing.map((check) => check.name).join(', ')}</p>
      </>
    );
  return <span class="status active">Connected</span>;
}

export function ConnectionsPage({
  session,
  connections,
  notice,
}: {
  session: AdminSession;
  connections: Connection[];
  notice?: string | undefined;
}) {
  return (
    <Page title="Jira connections" session={session}>
      {notice ? (
        <p class="banner ok" role="status">
          {notice}
        </p>
      ) : null}
      <a class="button" href="/admin/connections/new">
        Add connection
      </a>
      {connections.length === 0 ? (
        <p>No Jira site is connected yet.</p>
      ) : (
        <table>
          <caption>Every Jira site Testbridge can call</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Jira</th>
              <th scope="col">Status</th>
              <th scope="col">Last diagnostics</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {connections.map((connection) => (
              <tr data-testid={`connection-${connection.name}`}>
                <th scope="row">
                  <a href={`/admin/connections/${connection.id}`}>{connection.name}</a>
                </th>
                <td>
                  {connection.jiraUrl}
                  <p class="hint">{`${DEPLOYMENT_LABELS[connection.deployment]}, ${AUTH_LABELS[connection.auth.type]}`}</p>
                </td>
                <td>
                  <StatusCell connection={connection} />
                </td>
                <td>{connection.diagnostics?.ranAt ?? 'never'}</td>
                <td>
                  {isOAuth(connection) && connection.status !== 'active' ? (
                    <a href={`/admin/connections/${connection.id}/authorize`}>
                      {connection.status === 'needs_reauthorization' ? 'Re-authorize' : 'Authorize'}
                      <span class="sr-only">{` ${connection.name}`}</span>
                    </a>
                  ) : (
                    <a href={`/admin/connections/${connection.id}/diagnostics`}>
                      Diagnostics<span class="sr-only">{` of ${connection.name}`}</span>
                    </a>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Page>
  );
}

export function DiagnosticsPage({
  session,
  connection,
  diagnostics,
}: {
  session: AdminSession;
  connection: Connection;
  diagnostics: ConnectionDiagnostics | null;
}) {
  const failing = diagnostics?.checks.filter((check) => check.result === 'fail').length ?? 0;
  return (
    <Page title={`Diagnostics: ${connection.name}`} session={session}>
      {connection.status === 'active' ? (
        <p class={`banner ${failing ? 'bad' : 'ok'}`} role="status" data-testid="connected">
          {failing
            ? `Connected, but ${failing} check${failing > 1 ? 's' : ''} failed: see the fixes below.`
            : `Done: ${connection.name} is connected.`}
        </p>
      ) : (
        <p class="banner bad" role="status">
          <StatusCell connection={connection} />
        </p>
      )}
      {diagnostics ? (
        <table>
          <caption>{`Checks run at ${diagnostics.ranAt}`}</caption>
          <thead>
            <tr>
              <th scope="col">Check</th>
              <th scope="col">Result</th>
              <th scope="col">Detail</th>
              <th scope="col">Fix</th>
            </tr>
          </thead>
          <tbody>
            {diagnostics.checks.map((check) => (
              <tr>
                <th scope="row">{check.name}</th>
                <td>
                  <span class={`status ${check.result}`}>{check.result}</span>
                </td>
                <td>{check.detail}</td>
                <td>{check.hint ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>No diagnostics have run yet.</p>
      )}
      <form method="post" action={`/admin/connections/${connection.id}/diagnostics`}>
        <CsrfInput session={session} />
        <button type="submit" class="secondary">
          Run the diagnostics again
        </button>
        <a class="button" href="/admin/connections">
          Done
        </a>
      </form>
    </Page>
  );
}

export function ConnectionPage({
  session,
  connection,
  history,
  errors,
  message,
  notice,
}: {
  session: AdminSession;
  connection: Connection;
  history: ConnectionEvent[];
  errors?: FieldErrors | undefined;
  message?: string | undefined;
  notice?: string | undefined;
}) {
  const { auth } = connection;
  return (
    <Page title={connection.name} session={session}>
      <ErrorBanner message={message} />
      {notice ? (
        <p class="banner ok" role="status">
          {notice}
        </p>
      ) : null}
      <dl class="fields">
        <dt>Status</dt>
        <dd>
          <StatusCell connection={connection} />
        </dd>
        <dt>Jira URL</dt>
        <dd>{connection.jiraUrl}</dd>
        <dt>Deployment</dt>
        <dd>{`${DEPLOYMENT_LABELS[connection.deployment]} ${connection.serverVersion ?? ''}`}</dd>
        <dt>Authentication</dt>
        <dd>{AUTH_LABELS[auth.type]}</dd>
        {connection.proxy ? (
          <>
            <dt>Proxy</dt>
            <dd>{connection.proxy.url}</dd>
          </>
        ) : null}
      </dl>
      <p>
        <a class="button secondary" href={`/admin/connections/${connection.id}/diagnostics`}>
          Diagnostics
        </a>
        <a class="button secondary" href={`/admin/connections/${connection.id}/users`}>
          Jira users
        </a>
        {isOAuth(connection) ? (
          <a class="button" href={`/admin/connections/${connection.id}/authorize`}>
            {connection.status === 'active' ? 'Authorize again' : 'Re-authorize'}
          </a>
        ) : null}
      </p>
      {isOAuth(connection) ? (
        <section aria-labelledby="wrench">
          <h2 id="wrench">Update the OAuth configuration</h2>
          <p class="hint">
            A new client secret alone keeps the grants; a new client ID or consumer key drops them
            and the connection needs a new consent. Mappings and results stay.
          </p>
          <form method="post" action={`/admin/connections/${connection.id}/oauth`}>
            <CsrfInput session={session} />
            {auth.type === 'oauth1' ? (
              <>
                <Field
                  name="consumerKey"
                  label="Consumer key"
                  value={auth.consumerKey ?? ''}
                  errors={errors}
                />
                <fieldset>
                  <legend>Key pair</legend>
                  <label>
                    <input type="checkbox" name="generateKeyPair" value="true" /> Generate a new key
                    pair (copy its public key into Jira)
                  </label>
                </fieldset>
              </>
            ) : (
              <>
                <Field
                  name="clientId"
                  label="Client ID"
                  value={auth.clientId ?? ''}
                  errors={errors}
                />
                <Field
                  name="clientSecret"
                  label="New client secret"
                  type="password"
                  errors={errors}
                />
              </>
            )}
            <button type="submit">Save the OAuth configuration</button>
          </form>
        </section>
      ) : null}
      <section aria-labelledby="history">
        <h2 id="history">OAuth history</h2>
        <table>
          <caption>Newest first</caption>
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">What</th>
              <th scope="col">Who</th>
              <th scope="col">Detail</th>
            </tr>
          </thead>
          <tbody>
            {history.map((event) => (
              <tr>
                <td>{event.at}</td>
                <td>{event.type.replaceAll('_', ' ')}</td>
                <td>{event.actor}</td>
                <td>
                  {event.detail
                    ? Object.entries(event.detail)
                        .map(([key, value]) => `${key}: ${String(value)}`)
                        .join(', ')
                    : ''}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
      <form method="post" action={`/admin/connections/${connection.id}/delete`}>
        <CsrfInput session={session} />
        <fieldset>
          <legend>Delete</legend>
          <label>
            <input type="checkbox" name="confirm" value="yes" required /> Delete the connection, its
            credentials and its history (mappings to it stop working)
          </label>
        </fieldset>
        <button type="submit" class="danger">
          Delete this connection
        </button>
      </form>
    </Page>
  );
}
