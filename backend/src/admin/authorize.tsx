import { createHmac, randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { Deps } from '../deps.ts';
import { BROWSER_COOKIE_PREFIX, STATE_TTL_MS } from '../oauth/flow-view.ts';
import { redirectUriOf } from '../oauth/oauth2-client.ts';
import {
  AUTHORIZE_PAGE_PATH,
  describeAuthorizationLink,
  type LinkView,
  USER_LINK_TTL_MS,
  useAuthorizationLink,
} from '../oauth/user-links.ts';
import { formFailureOf } from './form.ts';
import { pageHeaders } from './guard.ts';
import { Page } from './layout.tsx';
import { isSameToken } from './session.ts';

/** Double-submit cookie of the authorize page (there is no session: the user has no key). */
export const AUTHORIZE_COOKIE = 'tb_authorize';

const isSecure = (deps: Pick<Deps, 'config'>) => deps.config.publicUrl.startsWith('https:');

/** The form's token: the cookie's random value bound to this link, so it is good for no other. */
const formTokenOf = (cookie: string, linkToken: string) =>
  createHmac('sha256', cookie).update(linkToken).digest('base64url');

const DEPLOYMENT: Record<string, string> = {
  cloud_oauth2: 'Jira Cloud',
  dc_oauth2: 'Jira Data Center',
  oauth1: 'Jira Data Center',
};

type Dead = Exclude<LinkView['kind'], 'valid'>;

const DEAD_TEXT: Record<Dead, { title: string; text: string; status: 404 | 410 }> = {
  unknown: {
    title: 'Link not found',
    text: 'Testbridge does not know this link. Check that it was copied whole.',
    status: 404,
  },
  used: {
    title: 'Link already used',
    text: 'This link has been used already: each link works once.',
    status: 410,
  },
  expired: {
    title: 'Link expired',
    text: `This link has expired: links work for ${USER_LINK_TTL_MS / 60_000} minutes.`,
    status: 410,
  },
  key_revoked: {
    title: 'Link no longer valid',
    text: 'The test tool that made this link no longer has access to Testbridge.',
    status: 410,
  },
};

function DeadLinkPage({ kind }: { kind: Dead }) {
  const { title, text } = DEAD_TEXT[kind];
  return (
    <Page title={title}>
      <p data-testid="link-problem">{text}</p>
      <p>
        Go back to your test tool and ask it for a new authorization link (for example, start the
        Jira authorization again there), then open the new link.
      </p>
    </Page>
  );
}

function AuthorizePage({
  view,
  token,
  csrf,
}: {
  view: Extract<LinkView, { kind: 'valid' }>;
  token: string;
  csrf: string;
}) {
  const { connection, user } = view;
  return (
    <Page title="Authorize Testbridge in Jira">
      <p>
        Your test tool uses Testbridge to work in Jira on your behalf. To do that, Jira needs your
        permission once.
      </p>
      <dl class="fields">
        <dt>Jira site</dt>
        <dd data-testid="jira-site">
          {connection.name} · <code>{connection.jiraUrl}</code> (
          {DEPLOYMENT[connection.authType] ?? 'Jira'})
        </dd>
        <dt>Test-tool user</dt>
        <dd data-testid="tool-user">
          <strong>{user}</strong>
        </dd>
        <dt>Link valid until</dt>
        <dd>{view.expiresAt.toISOString().replace('T', ' ').slice(0, 16)} UTC</dd>
      </dl>
      <h2>What happens next</h2>
      <ol>
        <li>Jira asks you to sign in, if you are not signed in yet.</li>
        <li>
          Jira asks whether Testbridge may act as you. Allow it: what the test tool does in Jira for{' '}
          <strong>{user}</strong> is then done as your Jira account, with your permissions.
        </li>
        <li>
          You come back here and see “Connected to Jira”, or a verification code to paste into your
          test tool.
        </li>
      </ol>
      <p>
        If you are not <strong>{user}</strong>, or did not ask your test tool to connect to Jira,
        close this page. The link works once.
      </p>
      <form method="post" action={`${AUTHORIZE_PAGE_PATH}/${token}`}>
        <input type="hidden" name="_csrf" value={csrf} />
        <button type="submit">Authorize in Jira</button>
      </form>
    </Page>
  );
}

/**
 * `/authorize/{token}`: where a test-tool user opens the link the tool asked for
 * (`POST …/authorization-links`). No session and no API key: the link is the credential, used
 * once. The button posts back with a double-submit token bound to the link, starts the user's
 * flow (`useAuthorizationLink` → `startAuthorization`) and redirects to Jira's consent page.
 */
export function authorizePageRoutes(deps: Deps) {
  const router = new Hono();

  router.get('/:token', async (c) => {
    const token = c.req.param('token');
    const view = await describeAuthorizationLink(deps, token);
    // Jira's consent page is where the button's answer redirects: allowed as a form action.
    const headers = pageHeaders(view.kind === 'valid' ? [view.consentOrigin] : []);
    await headers(c, async () => {
      if (view.kind !== 'valid') {
        c.res = await c.html(<DeadLinkPage kind={view.kind} />, DEAD_TEXT[view.kind].status);
        return;
      }
      const existing = getCookie(c, AUTHORIZE_COOKIE);
      const cookie =
        existing && /^[A-Za-z0-9_-]{43}$/.test(existing)
          ? existing
          : randomBytes(32).toString('base64url');
      setCookie(c, AUTHORIZE_COOKIE, cookie, {
        path: AUTHORIZE_PAGE_PATH,
        httpOnly: true,
        secure: isSecure(deps),
        sameSite: 'Strict',
        maxAge: USER_LINK_TTL_MS / 1000,
      });
      c.res = await c.html(
        <AuthorizePage view={view} token={token} csrf={formTokenOf(cookie, token)} />,
      );
    });
    return c.res;
  });

  router.post('/:token', pageHeaders(), async (c) => {
    const token = c.req.param('token');
    const body = await c.req.parseBody();
    const presented = typeof body._csrf === 'string' ? body._csrf : '';
    const cookie = getCookie(c, AUTHORIZE_COOKIE);
    if (!cookie || !isSameToken(presented, formTokenOf(cookie, token))) {
      deps.logger.warn({ path: AUTHORIZE_PAGE_PATH }, 'authorize page CSRF refused');
      return c.html(
        <Page title="Not done">
          <p data-testid="link-problem">
            This form was not sent from this Testbridge page (CSRF check), so nothing was done and
            the link is still unused. Open the link again and press the button there.
          </p>
        </Page>,
        403,
      );
    }
    let use: Awaited<ReturnType<typeof useAuthorizationLink>>;
    try {
      use = await useAuthorizationLink(deps, token);
    } catch (error) {
      // Jira refused or did not answer (OAuth 1.0a's request token): the link was given back.
      const failure = formFailureOf(error);
      return c.html(
        <Page title="Not started">
          <p data-testid="link-problem">
            Testbridge could not start the authorization: {failure.message}
          </p>
          <p>
            The link is still unused. Try again in a moment from the link; if it keeps failing, tell
            whoever runs Testbridge.
          </p>
        </Page>,
        failure.status,
      );
    }
    if (use.kind !== 'started')
      return c.html(<DeadLinkPage kind={use.kind} />, DEAD_TEXT[use.kind].status);
    const { flow, browserBinding } = use.started;
    // The same browser-binding cookie as the API's start route: the consent that comes back to
    // this browser completes at the callback ("Connected to Jira") without a code to paste.
    const callback = new URL(redirectUriOf(deps));
    setCookie(c, `${BROWSER_COOKIE_PREFIX}${flow.flowId}`, browserBinding, {
      path: callback.pathname,
      httpOnly: true,
      secure: callback.protocol === 'https:',
      sameSite: 'Lax',
      maxAge: STATE_TTL_MS / 1000,
    });
    if (!flow.authorizationUrl) throw new Error('a started flow has an authorization URL');
    return c.redirect(flow.authorizationUrl, 303);
  });

  return router;
}
