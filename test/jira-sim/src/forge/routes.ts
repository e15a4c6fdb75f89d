/** `GET /forge/.well-known/jwks.json`: the public key backends verify FITs with. */
import { Hono } from 'hono';
import type { SimDeps } from '../deps.ts';

export function createForgeRoutes(deps: SimDeps): Hono {
  const app = new Hono();
  app.get('/.well-known/jwks.json', async (c) => c.json(await deps.forge.jwks()));
  return app;
}
