/** Atlassian's authorization server at `${baseUrl}/auth` and its gateway endpoints at `${baseUrl}/api`. */
import { Hono } from 'hono';
import type { SimDeps } from '../deps.ts';
import { createAccessibleResourcesRoutes } from './accessible-resources.ts';
import { createAuthorizeRoutes } from './authorize.ts';
import { createTokenRoutes } from './token-endpoint.ts';

/** `/auth/authorize`, `/auth/oauth/token` (authorization_code, refresh_token, client_credentials). */
export function createAuthServerRoutes(deps: SimDeps): Hono {
  const app = new Hono();
  app.route('/', createAuthorizeRoutes(deps));
  app.route(
    '/',
    createTokenRoutes(
      deps,
      ['authorization_code', 'refresh_token', 'client_credentials'],
      'auth.atlassian.com',
    ),
  );
  return app;
}

/**
 * `/api/oauth/token` (2LO only: Atlassian documents api.atlassian.com for OAuth credentials; other
 * grants there are refused, a strictness choice) and `/api/oauth/token/accessible-resources`.
 */
export function createGatewayOAuthRoutes(deps: SimDeps): Hono {
  const app = new Hono();
  app.route('/', createTokenRoutes(deps, ['client_credentials'], 'api.atlassian.com'));
  app.route('/', createAccessibleResourcesRoutes(deps));
  return app;
}
