import type { Deps } from '../deps.ts';
import { createRouter } from '../http/openapi.ts';
import { handleOAuthCallback } from './callback.ts';

/** `GET /oauth/callback`, the exact redirect URI `${PUBLIC_URL}/oauth/callback`: an HTML page. */
export function oauthCallbackRoutes(deps: Deps) {
  const router = createRouter();
  router.get('/oauth/callback', async (c) => {
    const result = await handleOAuthCallback(deps, new URL(c.req.url).searchParams);
    c.header('cache-control', 'no-store');
    c.header('referrer-policy', 'no-referrer');
    c.header('x-frame-options', 'DENY');
    c.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'");
    return c.html(result.html, result.status === 200 ? 200 : result.status === 502 ? 502 : 400);
  });
  return router;
}
