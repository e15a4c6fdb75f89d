/** Jira DC's OAuth 2.0 provider: `/rest/oauth2/latest/{authorize,token}` and the consent servlet. */
import { Hono } from 'hono';
import type { SimDeps } from '../../deps.ts';
import { createDcAuthorizeRoutes } from './authorize.ts';
import { createDcTokenRoutes } from './token.ts';

export function createDcOAuth2Routes(deps: SimDeps): Hono {
  const app = new Hono();
  app.route('/', createDcAuthorizeRoutes(deps));
  app.route('/', createDcTokenRoutes(deps));
  return app;
}
