import type { Connection } from '@testbridge/shared/api/connections';
import type { AuthorizationFlow } from '@testbridge/shared/api/oauth';
import { type Context, Hono } from 'hono';
import { setCookie } from 'hono/cookie';
import { runDiagnostics } from '../../connections/run-diagnostics.ts';
import { getConnection } from '../../connections/service.ts';
import type { Deps } from '../../deps.ts';
import { completeAuthorization, getAuthorizationFlow } from '../../oauth/complete.ts';
import { BROWSER_COOKIE_PREFIX, STATE_TTL_MS } from '../../oauth/flow-view.ts';
import { CLOUD_SCOPES, redirectUriOf } from '../../oauth/oauth2-client.ts';
import { startAuthorization } from '../../oauth/start.ts';
import { formFailureOf, readForm } from '../form.ts';
import type { AdminEnv } from '../guard.ts';
import { CopyValue, CsrfInput, ErrorBanner, Field, type FieldErrors, Page } from '../layout.tsx';
import type { AdminSession } from '../session.ts';

const OAUTH_TYPES = new Set(['dc_oauth2', 'oauth1', 'cloud_oauth2']);

/** What to enter in Jira for this connection: the values its consent needs to exist there. */
function JiraFields({ connection, redirectUri }: { connection: Connection; redirectUri: string }) {
  const { auth } = connection;
  if (auth.type === 'oauth1')
    return (
      <section aria-labelledby="link-fields">
        <h2 id="link-fields">In Jira's application link (incoming authentication)</h2>
        <p>
          Administration → Applications → Application links: create or edit the link to Testbridge
          and enter these under Incoming Authentication.
        </p>
        <dl class="fields">
          <CopyValue id="copy-consumer-key" label="Consumer key" value={auth.consumerKey ?? ''} />
          <CopyValue
            id="copy-consumer-name"
            label="Consumer name"
            value={`Testbridge (${connection.name})`}
          />
          <CopyValue id="copy-public-key" label="Public key" value={auth.publicKey ?? ''} block />
          <CopyValue id="copy-callback" label="Consumer callback URL" value={redirectUri} />
        </dl>
      </section>
    );
  if (auth.type === 'dc_oauth2')
    return (
      <section aria-labelledby="link-fields">
        <h2 id="link-fields">In Jira's application link</h2>
        <dl class="fields">
          <CopyValue id="copy-redirect" label="Redirect URL" value={redirectUri} />
          <CopyValue
            id="copy-client-id"
            label="Client ID (as Jira shows it)"
            value={auth.clientId ?? ''}
          />
        </dl>
      </section>
    );
  return (
    <section aria-labelledby="link-fields">
      <h2 id="link-fields">The OAuth app</h2>
      <dl class="fields">
        <CopyValue id="copy-redirect" label="Callback URL" value={redirectUri} />
        <CopyValue id="copy-scopes" label="Scopes" value={CLOUD_SCOPES.join(' ')} />
      </dl>
    </section>
  );
}

function AuthorizePage({
  session,
  connection,
  redirectUri,
  message,
}: {
  session: AdminSession;
  connection: Connection;
  redirectUri: string;
  message?: string | undefined;
}) {
  return (
    <Page title={`Authorize ${connection.name}`} session={session}>
      <ErrorBanner message={message} />
      {connection.status === 'needs_reauthorization' ? (
        <p class="banner bad" data-testid="needs-reauthorization">
          {`Needs re-authorization: ${connection.statusReason ?? 'the grant no longer works'}`}
        </p>
      ) : null}
      <JiraFields connection={connection} redirectUri={redirectUri} />
      <form method="post" action={`/admin/connections/${connection.id}/authorize`}>
        <CsrfInput session={session} />
        <p>When Jira has these values, get the authorization link.</p>
        <button type="submit">Next: authorize in Jira</button>
      </form>
    </Page>
  );
}

function FlowPage({
  session,
  connection,
  flow,
  errors,
  message,
}: {
  session: AdminSession;
  connection: Connection;
  flow: AuthorizationFlow;
  errors?: FieldErrors | undefined;
  message?: string | undefined;
}) {
  const base = `/admin/connections/${connection.id}/authorize/${flow.flowId}`;
  if (flow.status === 'completed')
    return (
      <Page title={`Authorize ${connection.name}`} session={session}>
        <p class="banner ok" role="status" data-testid="authorized">
          Jira approved the connection in this browser.
        </p>
        <form method="post" action={`/admin/connections/${connection.id}/diagnostics`}>
          <CsrfInput session={session} />
          <button type="submit">Next: run the diagnostics</button>
        </form>
      </Page>
    );
  if (flow.status === 'failed')
    return (
      <Page title={`Authorize ${connection.name}`} session={session}>
        <p class="banner bad" role="alert">{`The authorization failed: ${flow.failure ?? ''}`}</p>
        <form method="post" action={`/admin/connections/${connection.id}/authorize`}>
          <CsrfInput session={session} />
          <button type="submit">Start again</button>
        </form>
      </Page>
    );
  const needsCode = !flow.browserVerified;
  const choosing = flow.status === 'site_choice_required';
  return (
    <Page title={`Authorize ${connection.name}`} session={session}>
      <ErrorBanner message={message} />
      <div data-poll={choosing ? undefined : `${base}/status`}>
        {choosing ? null : (
          <section aria-labelledby="step-1">
            <h2 id="step-1">Step 1: approve in Jira</h2>
            {flow.authorizationUrl ? (
              <p>
                <a
                  href={flow.authorizationUrl}
                  target="_blank"
                  rel="noopener noreferrer"
                  data-testid="authorization-link"
                >
                  Open Jira's authorization page (new tab)
                </a>
              </p>
            ) : (
              <p class="hint">
                The authorization link is shown once, when the authorization starts. Approved
                already? Paste the code below; otherwise start again.
              </p>
            )}
            {flow.authorizationUrl ? null : (
              <form method="post" action={`/admin/connections/${connection.id}/authorize`}>
                <CsrfInput session={session} />
                <button type="submit" class="secondary">
                  Start again
                </button>
              </form>
            )}
            <p class="hint">
              Approve there. If it comes back to this browser, this page moves on by itself; else
              Jira's page ends with a verification code for step 2.
            </p>
          </section>
        )}
        <section aria-labelledby="step-2">
          <h2 id="step-2">
            {choosing ? 'Choose the site' : 'Step 2: paste the verification code'}
          </h2>
          <form method="post" action={base}>
            <CsrfInput session={session} />
            {choosing ? (
              <fieldset>
                <legend>The consent covers several sites: which one is this connection?</legend>
                {flow.sites.map((site, index) => (
                  <div>
                    <label>
                      <input
                        type="radio"
                        name="cloudId"
                        value={site.cloudId}
                        checked={index === 0}
                      />{' '}
                      {`${site.name} (${site.url})`}
                    </label>
                  </div>
                ))}
              </fieldset>
            ) : null}
            {needsCode ? (
              <Field
                name="code"
                label="Verification code"
                errors={errors}
                hint="As shown by Testbridge's page after the approval, e.g. ABCD-EFGH-JK"
                autocomplete="one-time-code"
              />
            ) : null}
            <button type="submit">{choosing ? 'Use this site' : 'Complete'}</button>
            <a class="button secondary" href={base}>
              Check again
            </a>
          </form>
        </section>
      </div>
    </Page>
  );
}

/** Sets the cookie that lets the callback finish a flow in the browser that started it. */
function bindBrowser(c: Context, deps: Deps, flowId: string, value: string) {
  const callback = new URL(redirectUriOf(deps));
  setCookie(c, `${BROWSER_COOKIE_PREFIX}${flowId}`, value, {
    path: callback.pathname,
    httpOnly: true,
    secure: callback.protocol === 'https:',
    sameSite: 'Lax',
    maxAge: STATE_TTL_MS / 1000,
  });
}

/** `/admin/connections/:id/authorize…`: the fields for Jira, the consent link, the code paste. */
export function authorizeRoutes(deps: Deps) {
  const router = new Hono<AdminEnv>();

  router.get('/:id/authorize', async (c) => {
    const connection = await getConnection(deps, c.req.param('id'));
    if (!OAUTH_TYPES.has(connection.auth.type))
      return c.redirect(`/admin/connections/${connection.id}`, 303);
    return c.html(
      <AuthorizePage
        session={c.get('session')}
        connection={connection}
        redirectUri={redirectUriOf(deps)}
      />,
    );
  });

  router.post('/:id/authorize', async (c) => {
    const session = c.get('session');
    const id = c.req.param('id');
    try {
      const { flow, browserBinding } = await startAuthorization(deps, id, session.caller, '', {
        callback: 'redirect',
      });
      bindBrowser(c, deps, flow.flowId, browserBinding);
      // Rendered here, not redirected: the link carries the one-time state, which is stored
      // only hashed, so this answer is the one place it can be shown.
      return c.html(
        <FlowPage session={session} connection={await getConnection(deps, id)} flow={flow} />,
      );
    } catch (error) {
      const failure = formFailureOf(error);
      const connection = await getConnection(deps, id);
      return c.html(
        <AuthorizePage
          session={session}
          connection={connection}
          redirectUri={redirectUriOf(deps)}
          message={failure.message}
        />,
        failure.status,
      );
    }
  });

  router.get('/:id/authorize/:flowId', async (c) => {
    const { id, flowId } = c.req.param();
    const connection = await getConnection(deps, id);
    const flow = await getAuthorizationFlow(deps, id, flowId);
    return c.html(<FlowPage session={c.get('session')} connection={connection} flow={flow} />);
  });

  // For the page's script: whether to reload (the consent came back, or a site must be chosen).
  router.get('/:id/authorize/:flowId/status', async (c) => {
    const { id, flowId } = c.req.param();
    const flow = await getAuthorizationFlow(deps, id, flowId);
    const moved = flow.status !== 'pending' && flow.status !== 'awaiting_verification';
    return c.json({
      status: flow.status,
      next: moved ? `/admin/connections/${id}/authorize/${flowId}` : null,
    });
  });

  router.post('/:id/authorize/:flowId', async (c) => {
    const session = c.get('session');
    const { id, flowId } = c.req.param();
    const form = await readForm(c);
    try {
      const flow = await completeAuthorization(deps, id, flowId, session.caller, '', {
        code: form.code,
        cloudId: form.cloudId,
      });
      if (flow.status !== 'completed')
        return c.html(
          <FlowPage session={session} connection={await getConnection(deps, id)} flow={flow} />,
        );
      await runDiagnostics(deps, id, session.caller);
      return c.redirect(`/admin/connections/${id}/diagnostics`, 303);
    } catch (error) {
      const failure = formFailureOf(error);
      const flow = await getAuthorizationFlow(deps, id, flowId);
      return c.html(
        <FlowPage
          session={session}
          connection={await getConnection(deps, id)}
          flow={flow}
          errors={{ code: failure.errors.code ?? failure.message }}
          message={failure.message}
        />,
        failure.status,
      );
    }
  });

  return router;
}
