import { deleteCookie, getCookie } from 'hono/cookie';
import type { Deps } from '../deps.ts';
import { createRouter } from '../http/openapi.ts';
import { handleOAuthCallback } from './callback.ts';
import { BROWSER_COOKIE_PREFIX } from './flow-view.ts';
import { redirectUriOf } from './oauth2-client.ts';

/** `GET /oauth/callback`, the exact redirect URI `${PUBLIC_URL}/oauth/callback`: an HTML page. */
export function oauthCallbackRoutes(deps: Deps) {
  const router = createRouter();
  router.get('/oauth/callback', async (c) => {
    const cookies = getCookie(c);
    const result = await handleOAuthCallback(
      deps,
      new URL(c.req.url).searchParams,
      (flowId) => cookies[`${BROWSER_COOKIE_PREFIX}${flowId}`],
    );
    if (result.flowId && cookies[`${BROWSER_COOKIE_PREFIX}${result.flowId}`] !== undefined)
      deleteCookie(c, `${BROWSER_COOKIE_PREFIX}${result.flowId}`, {
        path: new URL(redirectUriOf(deps)).pathname,
      });
    c.header('cache-control', 'no-store');
    c.header('referrer-policy', 'no-referrer');
    c.header('x-frame-options', 'DENY');
    c.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'");
    return c.html(result.html, result.status === 200 ? 200 : result.status === 502 ? 502 : 400);
  });
  return router;
}
