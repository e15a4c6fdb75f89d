/** Atlassian's authorization server at `${baseUrl}/auth` and its gateway endpoints at `${baseUrl}/api`. */
import { Hono } from 'hono';
import type { SimDeps } from '../deps.ts';

export function createAuthServerRoutes(_deps: SimDeps): Hono {
  return new Hono();
}

export function createGatewayOAuthRoutes(_deps: SimDeps): Hono {
  return new Hono();
}
