/**
 * `GET /auth/authorize`: validate the request exactly, then show the consent page for the logged-in
 * user. `POST /auth/authorize`: the consent form's decision.
 * The sim "session": `login_hint=<email>` picks the user, otherwise alice@acme.test.
 * @see https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { isWellFormedChallenge } from '../auth/pkce.ts';
import type { PendingAuthorization } from '../auth/token-store.ts';
import { renderErrorPage } from '../core/html.ts';
import type { SimDeps } from '../deps.ts';
import { findAccountByEmail, listSitesOfAccount } from '../world/read.ts';
import { CLOUD_USERS } from '../world/seed-users.ts';
import { acceptCloudConsent, buildRedirect, denyConsent } from './consent.ts';
import { renderConsentPage } from './consent-page.ts';

/** Scopes an app may request without adding them in the console. */
const ALWAYS_REQUESTABLE = ['offline_access'];
const PENDING_TTL_MS = 10 * 60_000;

export type AuthorizeCheck =
  | { ok: true; pending: PendingAuthorization; appName: string }
  /** Client or redirect URI is bad: show an error page, never redirect (RFC 6749 §4.1.2.1). */
  | { ok: false; page: Response }
  | { ok: false; redirect: string };

/** Validate an authorize request (query parameters) the way auth.atlassian.com does. */
export function checkCloudAuthorizeRequest(deps: SimDeps, query: URLSearchParams): AuthorizeCheck {
  const clientId = query.get('client_id') ?? '';
  const app = deps.credentials.oauthApps.get(clientId);
  if (!app)
    return {
      ok: false,
      page: renderErrorPage('Invalid client', `No app with client_id "${clientId}".`),
    };
  const redirectUri = query.get('redirect_uri') ?? '';
  if (!app.redirectUris.includes(redirectUri)) {
    return {
      ok: false,
      page: renderErrorPage(
        'Invalid redirect_uri',
        `"${redirectUri}" is not a callback URL configured for ${app.name}; it must match exactly.`,
      ),
    };
  }
  const state = query.get('state') ?? '';
  const fail = (error: string, description: string): AuthorizeCheck => ({
    ok: false,
    redirect: buildRedirect(redirectUri, {
      error,
      error_description: description,
      ...(state ? { state } : {}),
    }),
  });
  if (query.get('response_type') !== 'code')
    return fail('unsupported_response_type', 'response_type must be code.');
  if (query.get('audience') !== 'api.atlassian.com')
    return fail('invalid_request', 'audience must be api.atlassian.com.');
  if (state === '') return fail('invalid_request', 'state is required.');
  const prompt = query.get('prompt');
  if (prompt !== null && prompt !== 'consent')
    return fail('invalid_request', 'prompt must be consent.');
  const scopes = (query.get('scope') ?? '').split(' ').filter((s) => s !== '');
  const allowed = new Set([...app.scopes, ...ALWAYS_REQUESTABLE]);
  const unknown = scopes.filter((scope) => !allowed.has(scope));
  if (scopes.length === 0 || unknown.length > 0)
    return fail(
      'invalid_scope',
      `Scopes not enabled for this app: ${unknown.join(' ') || '(none requested)'}.`,
    );
  const challenge = query.get('code_challenge');
  const method = query.get('code_challenge_method');
  if (challenge !== null && (method !== 'S256' || !isWellFormedChallenge(challenge)))
    return fail(
      'invalid_request',
      'code_challenge_method must be S256 with a 43-character challenge.',
    );
  if (challenge === null && method !== null)
    return fail('invalid_request', 'code_challenge is missing.');

  const email = query.get('login_hint') ?? CLOUD_USERS.alice.email;
  const user = findAccountByEmail(deps.world, email);
  if (!user?.active)
    return {
      ok: false,
      page: renderErrorPage(
        'Unknown user',
        `No active Atlassian account ${email} in the simulator.`,
      ),
    };
  const pending: PendingAuthorization = {
    id: deps.tokens.newSecret('consent'),
    kind: 'cloud-3lo',
    clientId,
    redirectUri,
    scopes,
    state,
    codeChallenge: challenge,
    userId: user.id,
    expiresAt: deps.clock.now() + PENDING_TTL_MS,
  };
  return { ok: true, pending, appName: app.name };
}

function answerCheck(c: Context, deps: SimDeps, check: AuthorizeCheck): Response {
  if (!check.ok) return 'page' in check ? check.page : c.redirect(check.redirect, 302);
  const user = deps.world.accounts.get(check.pending.userId);
  const sites = listSitesOfAccount(deps.world, check.pending.userId);
  if (!user || sites.length === 0)
    return renderErrorPage('No sites', 'This account has no Jira site to use the app on.', 403);
  deps.tokens.pending.set(check.pending.id, check.pending);
  return renderConsentPage({
    requestId: check.pending.id,
    appName: check.appName,
    scopes: check.pending.scopes,
    user,
    sites,
    action: '/auth/authorize',
  });
}

export function createAuthorizeRoutes(deps: SimDeps): Hono {
  const app = new Hono();
  app.get('/authorize', (c) =>
    answerCheck(c, deps, checkCloudAuthorizeRequest(deps, new URL(c.req.url).searchParams)),
  );
  app.post('/authorize', async (c) => {
    const form = new URLSearchParams(await c.req.text());
    const pending = deps.tokens.pending.get(form.get('request_id') ?? '');
    if (pending?.kind !== 'cloud-3lo' || pending.expiresAt <= deps.clock.now()) {
      return renderErrorPage(
        'Consent expired',
        'This consent request is unknown or expired; start the authorization again.',
      );
    }
    if (form.get('decision') !== 'accept') return c.redirect(denyConsent(deps, pending), 302);
    const cloudId = form.get('cloud_id') ?? '';
    if (!listSitesOfAccount(deps.world, pending.userId).some((site) => site.cloudId === cloudId)) {
      return renderErrorPage('Invalid site', 'Choose one of your sites.');
    }
    return c.redirect(acceptCloudConsent(deps, pending, cloudId).redirectUrl, 302);
  });
  return app;
}
