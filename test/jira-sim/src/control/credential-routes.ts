/** Register credentials at run time (what an admin would click in Atlassian's or Jira's UI), and list them. */
import { Hono } from 'hono';
import { z } from 'zod';
import {
  apiTokenSchema,
  dcOAuthClientSchema,
  devopsClientSchema,
  oauth1ConsumerSchema,
  oauthAppSchema,
  patSchema,
  registerApiToken,
  registerDcOAuthClient,
  registerDevopsClient,
  registerOAuth1Consumer,
  registerOAuthApp,
  registerPat,
} from '../auth/credentials.ts';
import { parseJsonBody } from '../core/body.ts';
import type { SimDeps } from '../deps.ts';
import { FORGE_JWKS_PATH } from '../forge/fit.ts';
import { findSiteByName } from '../world/read.ts';

const fitRequest = z.object({
  site: z.string().default('acme'),
  principal: z.string().nullable().optional(),
  moduleType: z.string().optional(),
  moduleKey: z.string().optional(),
  appId: z.string().optional(),
});

export function createCredentialControlRoutes(deps: SimDeps): Hono {
  const app = new Hono();
  const store = deps.credentials;
  app.get('/credentials', (c) =>
    c.json({
      oauthApps: [...store.oauthApps.values()],
      devopsClients: [...store.devopsClients.values()],
      dcOAuthClients: [...store.dcOAuthClients.values()],
      oauth1Consumers: [...store.oauth1Consumers.values()].map(({ consumerKey, name }) => ({
        consumerKey,
        name,
      })),
      apiTokens: [...store.apiTokens.values()],
      pats: [...store.pats.values()],
      forge: { appId: deps.forge.appId, jwksUrl: `${deps.baseUrl}${FORGE_JWKS_PATH}` },
    }),
  );
  app.post('/oauth-apps', async (c) =>
    c.json(registerOAuthApp(store, await parseJsonBody(c, oauthAppSchema)), 201),
  );
  app.post('/devops-clients', async (c) =>
    c.json(registerDevopsClient(store, await parseJsonBody(c, devopsClientSchema)), 201),
  );
  app.post('/dc/oauth2-clients', async (c) =>
    c.json(registerDcOAuthClient(store, await parseJsonBody(c, dcOAuthClientSchema)), 201),
  );
  app.post('/dc/oauth1-consumers', async (c) =>
    c.json(registerOAuth1Consumer(store, await parseJsonBody(c, oauth1ConsumerSchema)), 201),
  );
  app.post('/api-tokens', async (c) =>
    c.json(registerApiToken(store, await parseJsonBody(c, apiTokenSchema)), 201),
  );
  app.post('/dc/pats', async (c) =>
    c.json(registerPat(store, await parseJsonBody(c, patSchema)), 201),
  );
  app.post('/forge/invocation-token', async (c) => {
    const body = await parseJsonBody(c, fitRequest);
    const site = findSiteByName(deps.world, body.site);
    if (!site) return c.json({ error: 'not_found', message: 'site not found' }, 404);
    const { site: _name, ...rest } = body;
    const token = await deps.forge.sign({ ...rest, site }, deps.settings.forgeTokenTtlSeconds);
    return c.json({ token });
  });
  return app;
}
