/**
 * Jira DC OAuth 2.0 authorization: `GET /rest/oauth2/latest/authorize` validates (PKCE S256 is
 * required here) and redirects to the consent screen `/plugins/servlet/oauth2/consent`.
 * The sim "session": `login_hint=<username>` picks the user, otherwise `admin`.
 * @see https://confluence.atlassian.com/adminjiraserver/jira-oauth-2-0-provider-api-1115659070.html
 */
import { Hono } from 'hono';
import type { DcScope } from '../../auth/credentials.ts';
import { DC_SCOPES } from '../../auth/credentials.ts';
import { isWellFormedChallenge } from '../../auth/pkce.ts';
import type { PendingAuthorization } from '../../auth/token-store.ts';
import { buildRedirect } from '../../cloud-oauth/consent.ts';
import { html, renderErrorPage, renderPage } from '../../core/html.ts';
import type { SimDeps } from '../../deps.ts';
import { findUserByUsername } from '../../world/read.ts';
import { DC_USERS } from '../../world/seed-users.ts';
import { acceptDcConsent, denyConsent } from './consent.ts';

const PENDING_TTL_MS = 10 * 60_000;
const CONSENT_PATH = '/plugins/servlet/oauth2/consent';

export type DcAuthorizeCheck =
  | { ok: true; pending: PendingAuthorization }
  | { ok: false; page: Response }
  | { ok: false; redirect: string };

function isDcScope(scope: string): scope is DcScope {
  return DC_SCOPES.some((level) => level === scope);
}

/** Validate a DC authorize request (query parameters). */
export function checkDcAuthorizeRequest(deps: SimDeps, query: URLSearchParams): DcAuthorizeCheck {
  const client = deps.credentials.dcOAuthClients.get(query.get('client_id') ?? '');
  if (!client) return { ok: false, page: renderErrorPage('Invalid client', 'Unknown client_id.') };
  const redirectUri = query.get('redirect_uri') ?? '';
  if (redirectUri !== client.redirectUri)
    return {
      ok: false,
      page: renderErrorPage(
        'Invalid redirect_uri',
        'redirect_uri does not match the application link.',
      ),
    };
  const state = query.get('state') ?? '';
  const fail = (error: string, description: string): DcAuthorizeCheck => ({
    ok: false,
    redirect: buildRedirect(redirectUri, {
      error,
      error_description: description,
      ...(state ? { state } : {}),
    }),
  });
  if (query.get('response_type') !== 'code')
    return fail('unsupported_response_type', 'response_type must be code.');
  if (state === '') return fail('invalid_request', 'state is required.');
  const challenge = query.get('code_challenge');
  if (challenge === null) return fail('invalid_request', 'code_challenge is required (PKCE).');
  if (query.get('code_challenge_method') !== 'S256' || !isWellFormedChallenge(challenge))
    return fail('invalid_request', 'code_challenge_method must be S256.');
  const scopes = (query.get('scope') ?? '').split(' ').filter((s) => s !== '');
  const ceiling = DC_SCOPES.indexOf(client.scope);
  if (
    scopes.length === 0 ||
    !scopes.every((scope) => isDcScope(scope) && DC_SCOPES.indexOf(scope) <= ceiling)
  ) {
    return fail(
      'invalid_scope',
      `scope must be among ${DC_SCOPES.slice(0, ceiling + 1).join(', ')}.`,
    );
  }
  const user = findUserByUsername(
    deps.world.dc,
    query.get('login_hint') ?? DC_USERS.admin.username,
  );
  if (!user?.active)
    return { ok: false, page: renderErrorPage('Unknown user', 'No such active Jira user.') };
  return {
    ok: true,
    pending: {
      id: deps.tokens.newSecret('consent'),
      kind: 'dc-oauth2',
      clientId: client.clientId,
      redirectUri,
      scopes,
      state,
      codeChallenge: challenge,
      userId: user.id,
      expiresAt: deps.clock.now() + PENDING_TTL_MS,
    },
  };
}

export function createDcAuthorizeRoutes(deps: SimDeps): Hono {
  const app = new Hono();
  const base = deps.world.dc.baseUrl;
  app.get('/rest/oauth2/latest/authorize', (c) => {
    const check = checkDcAuthorizeRequest(deps, new URL(c.req.url).searchParams);
    if (!check.ok) return 'page' in check ? check.page : c.redirect(check.redirect, 302);
    deps.tokens.pending.set(check.pending.id, check.pending);
    return c.redirect(
      `${base}${CONSENT_PATH}?request_id=${encodeURIComponent(check.pending.id)}`,
      302,
    );
  });
  app.get(CONSENT_PATH, (c) => {
    const pending = deps.tokens.pending.get(c.req.query('request_id') ?? '');
    if (pending?.kind !== 'dc-oauth2' || pending.expiresAt <= deps.clock.now())
      return renderErrorPage('Request expired', 'Start the authorization again.');
    const client = deps.credentials.dcOAuthClients.get(pending.clientId);
    const user = deps.world.dc.users.get(pending.userId);
    return renderPage(
      'Authorize application',
      html`<h1>Allow ${client?.name ?? pending.clientId} to access your Jira account?</h1>
<p>Logged in as <strong>${user?.displayName ?? pending.userId}</strong>.</p>
<div class="box"><p>Permissions requested:</p><ul>${pending.scopes.map((scope) => html`<li><code>${scope}</code></li>`)}</ul></div>
<form method="post" action="${base}${CONSENT_PATH}"><input type="hidden" name="request_id" value="${pending.id}">
<button class="accept" type="submit" name="decision" value="allow">Allow</button>
<button class="deny" type="submit" name="decision" value="deny">Deny</button></form>`,
    );
  });
  app.post(CONSENT_PATH, async (c) => {
    const form = new URLSearchParams(await c.req.text());
    const pending = deps.tokens.pending.get(form.get('request_id') ?? '');
    if (pending?.kind !== 'dc-oauth2' || pending.expiresAt <= deps.clock.now())
      return renderErrorPage('Request expired', 'Start the authorization again.');
    if (form.get('decision') !== 'allow') return c.redirect(denyConsent(deps, pending), 302);
    return c.redirect(acceptDcConsent(deps, pending).redirectUrl, 302);
  });
  return app;
}
