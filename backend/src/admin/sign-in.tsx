import { randomBytes } from 'node:crypto';
import { Hono } from 'hono';
import type { Deps } from '../deps.ts';
import { readForm } from './form.ts';
import {
  type AdminEnv,
  clearSessionCookie,
  readSignInCookie,
  requireSession,
  setSessionCookie,
  setSignInCookie,
} from './guard.ts';
import { ErrorBanner, Field, Page } from './layout.tsx';
import { isSameToken, signIn, signOut } from './session.ts';

/** Only a path inside the admin UI: never another origin (`//evil`) after signing in. */
function nextPathOf(value: string | undefined): string {
  return value && /^\/admin(\/[\w\-/]*)?$/.test(value) ? value : '/admin/connections';
}

function SignInPage(props: { token: string; next: string; error?: string | undefined }) {
  return (
    <Page title="Sign in">
      <p>Sign in with an admin API key. The key is checked once; the browser keeps a session.</p>
      <ErrorBanner message={props.error} />
      <form method="post" action="/admin/sign-in">
        <input type="hidden" name="_csrf" value={props.token} />
        <input type="hidden" name="next" value={props.next} />
        <Field
          name="apiKey"
          label="Admin API key"
          type="password"
          required
          hint="tb_… as printed at first start or created under API keys"
        />
        <button type="submit">Sign in</button>
      </form>
    </Page>
  );
}

/** `/admin/sign-in` and `/admin/sign-out`. */
export function signInRoutes(deps: Deps) {
  const router = new Hono<AdminEnv>();

  router.get('/sign-in', (c) => {
    const token = randomBytes(32).toString('base64url');
    setSignInCookie(c, deps, token);
    return c.html(<SignInPage token={token} next={nextPathOf(c.req.query('next'))} />);
  });

  router.post('/sign-in', async (c) => {
    const form = await readForm(c);
    const body = await c.req.parseBody();
    const cookie = readSignInCookie(c);
    const presented = typeof body._csrf === 'string' ? body._csrf : '';
    const fresh = randomBytes(32).toString('base64url');
    setSignInCookie(c, deps, fresh);
    const next = nextPathOf(form.next);
    if (!cookie || !isSameToken(presented, cookie)) {
      deps.logger.warn({ path: c.req.path }, 'admin sign-in CSRF refused');
      return c.html(
        <SignInPage
          token={fresh}
          next={next}
          error="This form is out of date or was not sent from Testbridge; try again."
        />,
        403,
      );
    }
    const signedIn = form.apiKey ? await signIn(deps, form.apiKey) : undefined;
    if (!signedIn) {
      deps.logger.warn({ path: c.req.path }, 'admin sign-in refused');
      return c.html(
        <SignInPage
          token={fresh}
          next={next}
          error="That key is unknown, revoked, or not an admin key."
        />,
        401,
      );
    }
    setSessionCookie(c, deps, signedIn.token);
    return c.redirect(next, 303);
  });

  router.post('/sign-out', requireSession(deps), async (c) => {
    await signOut(deps, c.get('session'));
    clearSessionCookie(c);
    return c.redirect('/admin/sign-in', 303);
  });

  return router;
}

/** `/`: what this instance is, for people and for Jira's "Go to remote" on an application link. */
export function FrontDoor({ publicUrl }: { publicUrl: string }) {
  return (
    <Page title="Testbridge">
      <p>
        This is the Testbridge instance at <code>{publicUrl}</code>: it connects a test-management
        tool to Jira.
      </p>
      <ul>
        <li>
          <a href="/admin">Administration</a>: Jira connections, mappings, CI credentials
        </li>
        <li>
          <a href="/docs">API reference</a>
        </li>
      </ul>
    </Page>
  );
}
