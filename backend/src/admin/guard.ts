import type { MiddlewareHandler } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { secureHeaders } from 'hono/secure-headers';
import type { Deps } from '../deps.ts';
import type { Env } from '../http/env.ts';
import { AppError } from '../http/errors.ts';
import { Page } from './layout.tsx';
import { type AdminSession, findSession, isSameToken, SESSION_TTL_MS } from './session.ts';

/** The admin UI's context: the platform's variables and the signed-in session. */
export interface AdminEnv {
  Variables: Env['Variables'] & { session: AdminSession };
}

export const SESSION_COOKIE = 'tb_admin_session';
/** Double-submit token of the sign-in form (there is no session to derive one from yet). */
export const SIGN_IN_COOKIE = 'tb_admin_signin';
const COOKIE_PATH = '/admin';

/**
 * Headers of every HTML page: a CSP that allows scripts and styles from this origin only (no
 * inline script anywhere), no framing, no referrer (flow URLs carry ids), no caching.
 * `formActions`: further origins a form may post (or be redirected) to.
 */
export function pageHeaders(formActions: readonly string[] = []): MiddlewareHandler {
  const headers = secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      scriptSrc: ["'self'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'"],
      connectSrc: ["'self'"],
      // A form whose answer redirects elsewhere (the end user's authorize page → Jira's consent)
      // needs that origin here too: browsers apply form-action to the redirect.
      formAction: ["'self'", ...formActions],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
    },
    xFrameOptions: 'DENY',
    referrerPolicy: 'no-referrer',
    crossOriginResourcePolicy: 'same-origin',
  });
  return async (c, next) => {
    await headers(c, next);
    if (!c.res.headers.has('cache-control')) c.res.headers.set('cache-control', 'no-store');
  };
}

const isSecure = (deps: Pick<Deps, 'config'>) => deps.config.publicUrl.startsWith('https:');

/** Sets the session cookie: HttpOnly, SameSite=Strict, Secure behind https, path /admin. */
export function setSessionCookie(
  c: Parameters<MiddlewareHandler>[0],
  deps: Pick<Deps, 'config'>,
  token: string,
): void {
  setCookie(c, SESSION_COOKIE, token, {
    path: COOKIE_PATH,
    httpOnly: true,
    secure: isSecure(deps),
    sameSite: 'Strict',
    maxAge: SESSION_TTL_MS / 1000,
  });
}

export function clearSessionCookie(c: Parameters<MiddlewareHandler>[0]): void {
  deleteCookie(c, SESSION_COOKIE, { path: COOKIE_PATH });
}

/** Sets the sign-in form's double-submit cookie. */
export function setSignInCookie(
  c: Parameters<MiddlewareHandler>[0],
  deps: Pick<Deps, 'config'>,
  token: string,
): void {
  setCookie(c, SIGN_IN_COOKIE, token, {
    path: COOKIE_PATH,
    httpOnly: true,
    secure: isSecure(deps),
    sameSite: 'Strict',
    maxAge: 3600,
  });
}

export function readSignInCookie(c: Parameters<MiddlewareHandler>[0]): string | undefined {
  return getCookie(c, SIGN_IN_COOKIE);
}

/**
 * Every signed-in page: the live session from the cookie (else to the sign-in page, or 401 for
 * a script's JSON request), and on every POST the form's `_csrf` equal to the session's token
 * (else 403 and nothing done).
 */
export function requireSession(deps: Deps): MiddlewareHandler<AdminEnv> {
  return async (c, next) => {
    const token = getCookie(c, SESSION_COOKIE);
    const session = token ? await findSession(deps, token) : undefined;
    if (!session) {
      if (token) clearSessionCookie(c);
      if (c.req.method === 'GET' && !c.req.header('accept')?.includes('application/json')) {
        return c.redirect(`/admin/sign-in?next=${encodeURIComponent(c.req.path)}`, 303);
      }
      // A script's request (the consent poll): the API's own error vocabulary.
      throw new AppError('unauthenticated', 'Sign in again: the admin session has ended');
    }
    if (c.req.method === 'POST') {
      const body = await c.req.parseBody();
      const presented = typeof body._csrf === 'string' ? body._csrf : '';
      if (!isSameToken(presented, session.csrfToken)) {
        deps.logger.warn({ keyId: session.caller.keyId, path: c.req.path }, 'admin CSRF refused');
        return c.html(
          Page({
            title: 'Not done',
            children:
              'This form is out of date or was not sent from a Testbridge page (CSRF check), so nothing was done. Go back, reload the page and try again.',
          }),
          403,
        );
      }
    }
    c.set('session', session);
    await next();
  };
}
