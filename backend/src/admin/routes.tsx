import { Hono } from 'hono';
import type { Deps } from '../deps.ts';
import { apiKeyPageRoutes } from './api-keys/routes.tsx';
import { ADMIN_CSS, ADMIN_JS } from './assets.ts';
import { authorizePageRoutes } from './authorize.tsx';
import { connectionPageRoutes } from './connections/routes.tsx';
import { devopsPageRoutes } from './devops/routes.tsx';
import { type AdminEnv, pageHeaders, requireSession } from './guard.ts';
import { mappingPageRoutes } from './mappings/routes.tsx';
import { FrontDoor, signInRoutes } from './sign-in.tsx';

const ASSET_CACHE = 'public, max-age=3600';

/**
 * The admin UI (`/admin`) and the front door (`/`): server-rendered pages whose forms call the
 * same feature services as the JSON API, behind a session cookie and CSRF tokens.
 */
export function adminRoutes(deps: Deps) {
  const router = new Hono<AdminEnv>();
  router.use('/admin/*', pageHeaders());
  router.use('/admin', pageHeaders());
  router.get('/', pageHeaders(), (c) => c.html(<FrontDoor publicUrl={deps.config.publicUrl} />));

  router.get('/admin/assets/admin.js', (c) => {
    c.header('cache-control', ASSET_CACHE);
    return c.body(ADMIN_JS, 200, { 'content-type': 'text/javascript; charset=utf-8' });
  });
  router.get('/admin/assets/admin.css', (c) => {
    c.header('cache-control', ASSET_CACHE);
    return c.body(ADMIN_CSS, 200, { 'content-type': 'text/css; charset=utf-8' });
  });

  router.route('/admin', signInRoutes(deps));
  // An end user's own authorization (per-user OAuth): public, the link's token is the credential.
  router.route('/authorize', authorizePageRoutes(deps));
  router.get('/admin', requireSession(deps), (c) => c.redirect('/admin/connections', 303));
  router.route('/admin/connections', connectionPageRoutes(deps));
  router.route('/admin/mappings', mappingPageRoutes(deps));
  router.route('/admin/devops', devopsPageRoutes(deps));
  router.route('/admin/api-keys', apiKeyPageRoutes(deps));
  return router;
}
