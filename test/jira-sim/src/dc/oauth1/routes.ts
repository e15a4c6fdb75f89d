/**
 * Jira's OAuth 1.0a (RSA-SHA1) service provider: `/plugins/servlet/oauth/request-token`,
 * `/authorize` (approval page; shows the verifier for `oob`, else redirects with
 * `oauth_token` + `oauth_verifier`) and `/access-token`. Failures: 401 `oauth_problem=…`.
 * The sim "session" on the approval page: `login_hint=<username>`, otherwise `admin`.
 * @see https://developer.atlassian.com/server/jira/platform/oauth/
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { html, renderErrorPage, renderPage } from '../../core/html.ts';
import type { SimDeps } from '../../deps.ts';
import { findUserByUsername } from '../../world/read.ts';
import { DC_USERS } from '../../world/seed-users.ts';
import { approveRequestToken } from './approve.ts';
import type { OAuth1Problem } from './verify-request.ts';
import {
  isOAuth1Problem,
  readSignedRequest,
  renderOAuth1Problem,
  verifyOAuth1Request,
} from './verify-request.ts';

const SERVLET = '/plugins/servlet/oauth';

function formResponse(pairs: [string, string][]): Response {
  return new Response(new URLSearchParams(pairs).toString(), {
    headers: { 'Content-Type': 'text/plain;charset=UTF-8' },
  });
}

function isAcceptableCallback(callback: string): boolean {
  if (callback === 'oob') return true;
  try {
    const url = new URL(callback);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

export function createDcOAuth1Routes(deps: SimDeps): Hono {
  const app = new Hono();
  const realm = deps.world.dc.baseUrl;
  const problem = (failure: OAuth1Problem) => renderOAuth1Problem(realm, failure);

  const requestToken = async (c: Context) => {
    const verified = verifyOAuth1Request(deps, await readSignedRequest(c));
    if (isOAuth1Problem(verified)) return problem(verified);
    const callback = verified.params.get('oauth_callback');
    if (callback === undefined)
      return problem({
        problem: 'parameter_absent',
        extra: [['oauth_parameters_absent', 'oauth_callback']],
      });
    if (!isAcceptableCallback(callback))
      return problem({
        problem: 'parameter_rejected',
        extra: [['oauth_parameters_rejected', 'oauth_callback']],
      });
    const token = {
      token: deps.tokens.newSecret('rt'),
      secret: deps.tokens.newSecret('rts'),
      consumerKey: verified.consumer.consumerKey,
      callback,
      createdAt: deps.clock.now(),
      userId: null,
      verifier: null,
      denied: false,
    };
    deps.oauth1.requestTokens.set(token.token, token);
    return formResponse([
      ['oauth_token', token.token],
      ['oauth_token_secret', token.secret],
      ['oauth_callback_confirmed', 'true'],
    ]);
  };
  app.post(`${SERVLET}/request-token`, requestToken);
  app.get(`${SERVLET}/request-token`, requestToken);

  const liveRequestToken = (value: string | undefined) => {
    const token = value === undefined ? undefined : deps.oauth1.requestTokens.get(value);
    return token &&
      token.userId === null &&
      deps.clock.now() - token.createdAt <= deps.settings.oauth1RequestTokenTtlMs
      ? token
      : undefined;
  };

  app.get(`${SERVLET}/authorize`, (c) => {
    const token = liveRequestToken(c.req.query('oauth_token'));
    if (!token)
      return renderErrorPage(
        'Invalid token',
        'The request token is unknown, expired or already used.',
      );
    const username = c.req.query('login_hint') ?? DC_USERS.admin.username;
    const user = findUserByUsername(deps.world.dc, username);
    if (!user?.active) return renderErrorPage('Unknown user', `No active Jira user ${username}.`);
    const consumer = deps.credentials.oauth1Consumers.get(token.consumerKey);
    return renderPage(
      'Welcome to JIRA',
      html`<h1>${consumer?.name ?? token.consumerKey} would like to access your Jira data</h1>
<p>Logged in as <strong>${user.displayName}</strong>. It will be able to read and write data with your permissions.</p>
<form method="post" action="${realm}${SERVLET}/authorize"><input type="hidden" name="oauth_token" value="${token.token}">
<input type="hidden" name="username" value="${user.username}">
<button class="accept" type="submit" name="decision" value="approve">Allow</button>
<button class="deny" type="submit" name="decision" value="deny">Deny</button></form>`,
    );
  });

  app.post(`${SERVLET}/authorize`, async (c) => {
    const form = new URLSearchParams(await c.req.text());
    const token = liveRequestToken(form.get('oauth_token') ?? undefined);
    const user = findUserByUsername(deps.world.dc, form.get('username') ?? '');
    if (!token || !user)
      return renderErrorPage(
        'Invalid token',
        'The request token is unknown, expired or already used.',
      );
    const result = approveRequestToken(deps, token, user, form.get('decision') === 'approve');
    if (result.redirectUrl) return c.redirect(result.redirectUrl, 302);
    return result.verifier === 'denied'
      ? renderPage('Access denied', html`<h1>Access denied</h1><p>You have denied access.</p>`)
      : renderPage(
          'Access approved',
          html`<h1>Access approved</h1><p>Your verification code is <code id="verifier">${result.verifier}</code>. Paste it into the application.</p>`,
        );
  });

  app.post(`${SERVLET}/access-token`, async (c) => {
    const verified = verifyOAuth1Request(deps, await readSignedRequest(c));
    if (isOAuth1Problem(verified)) return problem(verified);
    const token = deps.oauth1.requestTokens.get(verified.params.get('oauth_token') ?? '');
    if (!token || token.consumerKey !== verified.consumer.consumerKey)
      return problem({ problem: 'token_rejected', extra: [] });
    if (
      deps.clock.now() - token.createdAt > deps.settings.oauth1RequestTokenTtlMs &&
      token.userId === null
    )
      return problem({ problem: 'token_expired', extra: [] });
    if (token.denied) return problem({ problem: 'permission_denied', extra: [] });
    if (token.userId === null || token.verifier === null)
      return problem({ problem: 'permission_unknown', extra: [] });
    const verifier = verified.params.get('oauth_verifier');
    if (verifier === undefined)
      return problem({
        problem: 'parameter_absent',
        extra: [['oauth_parameters_absent', 'oauth_verifier']],
      });
    // A wrong verifier is reported as a rejected token (Jira's exact problem name UNCONFIRMED).
    if (verifier !== token.verifier) return problem({ problem: 'token_rejected', extra: [] });
    deps.oauth1.requestTokens.delete(token.token);
    const now = deps.clock.now();
    const ttl = deps.settings.oauth1AccessTokenTtlSeconds;
    const access = {
      token: deps.tokens.newSecret('oat'),
      secret: deps.tokens.newSecret('oats'),
      consumerKey: token.consumerKey,
      userId: token.userId,
      createdAt: now,
      expiresAt: now + ttl * 1000,
      revoked: false,
    };
    deps.oauth1.accessTokens.set(access.token, access);
    return formResponse([
      ['oauth_token', access.token],
      ['oauth_token_secret', access.secret],
      ['oauth_expires_in', String(ttl)],
      ['oauth_authorization_expires_in', String(ttl)],
      ['oauth_session_handle', deps.tokens.newSecret('osh')],
    ]);
  });
  return app;
}
