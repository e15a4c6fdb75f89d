/**
 * The control API under `/_sim/` for tests and demos: clock, request log, faults, grant revocation.
 * World and credential routes live beside this file. Not logged, not subject to faults.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { revokeCredentials } from '../auth/revoke.ts';
import { parseJsonBody } from '../core/body.ts';
import { faultSpecSchema } from '../core/faults.ts';
import { redactRequest } from '../core/request-log.ts';
import type { SimDeps } from '../deps.ts';
import { createWebhookControlRoutes } from '../webhooks/sim-api.ts';
import { createCredentialControlRoutes } from './credential-routes.ts';
import { createWorldControlRoutes } from './world-routes.ts';

const clockSet = z.object({ now: z.union([z.iso.datetime({ offset: true }), z.number().int()]) });
const clockAdvance = z.object({ ms: z.number().int() });
const revokeBody = z
  .object({
    token: z.string().min(1).optional(),
    userId: z.string().min(1).optional(),
    clientId: z.string().min(1).optional(),
  })
  .refine(
    (body) => body.token !== undefined || body.userId !== undefined || body.clientId !== undefined,
    'Give token, userId or clientId',
  );

export function createControlRoutes(deps: SimDeps): Hono {
  const app = new Hono();
  const clockView = () => ({
    now: new Date(deps.clock.now()).toISOString(),
    epochMs: deps.clock.now(),
  });
  app.get('/clock', (c) => c.json(clockView()));
  app.put('/clock', async (c) => {
    deps.clock.set((await parseJsonBody(c, clockSet)).now);
    return c.json(clockView());
  });
  app.post('/clock/advance', async (c) => {
    deps.clock.advance((await parseJsonBody(c, clockAdvance)).ms);
    return c.json(clockView());
  });

  app.get('/requests', (c) => {
    const path = c.req.query('path');
    const method = c.req.query('method');
    const filter = {
      ...(path === undefined ? {} : { path }),
      ...(method === undefined ? {} : { method }),
    };
    return c.json({ requests: deps.requests.list(filter).map(redactRequest) });
  });
  app.delete('/requests', (c) => {
    deps.requests.clear();
    return c.body(null, 204);
  });

  app.get('/faults', (c) => c.json({ faults: deps.faults.list() }));
  app.post('/faults', async (c) =>
    c.json(deps.faults.add(await parseJsonBody(c, faultSpecSchema)), 201),
  );
  app.delete('/faults', (c) => {
    deps.faults.clear();
    return c.body(null, 204);
  });
  app.delete('/faults/:id', (c) =>
    deps.faults.remove(c.req.param('id')) ? c.body(null, 204) : c.json({ error: 'not_found' }, 404),
  );

  app.post('/grants/revoke', async (c) => {
    const body = await parseJsonBody(c, revokeBody);
    return c.json({ revoked: revokeCredentials(deps, body) });
  });

  app.route('/', createWorldControlRoutes(deps));
  app.route('/', createCredentialControlRoutes(deps));
  app.route('/', createWebhookControlRoutes(deps));
  return app;
}
