/** Standalone simulator: `npm run sim` → http://localhost:${SIM_PORT:-4010} (or SIM_BASE_URL). */
import type { Http2Bindings, HttpBindings } from '@hono/node-server';
import { serve } from '@hono/node-server';
import { SEEDED, SEEDED_REDIRECT_URIS } from './auth/seed-credentials.ts';
import { createSystemClock } from './core/clock.ts';
import { ConnectionDroppedError } from './core/network-error.ts';
import { createSim } from './index.ts';
import { CLOUD_USERS, DC_USERS } from './world/seed-users.ts';

const port = Number(process.env.SIM_PORT ?? 4010);
if (!Number.isInteger(port) || port <= 0)
  throw new Error(`SIM_PORT must be a port number, got ${process.env.SIM_PORT}`);
const baseUrl = process.env.SIM_BASE_URL ?? `http://localhost:${port}`;
const sim = createSim({ baseUrl, clock: createSystemClock() });

serve({
  port,
  fetch: async (request: Request, env: HttpBindings | Http2Bindings) => {
    try {
      return await sim.app.fetch(request, env);
    } catch (error) {
      if (!(error instanceof ConnectionDroppedError)) throw error;
      env.incoming.socket.destroy();
      return new Response(null, { status: 502 });
    }
  },
});

const sites = [...sim.world.sites.values()]
  .map((s) => `  ${s.name.padEnd(7)} ${s.baseUrl}  cloudId ${s.cloudId}`)
  .join('\n');
console.log(`jira-sim listening on ${baseUrl}

ATLASSIAN_AUTH_URL=${baseUrl}/auth
ATLASSIAN_API_URL=${baseUrl}/api
FORGE_JWKS_URL=${sim.forgeJwksUrl}   FORGE_APP_ID=${sim.forgeAppId}

Cloud sites:
${sites}
Data Center: ${sim.world.dc.baseUrl} (Jira ${sim.world.dc.version})

3LO app:        client_id=${SEEDED.oauthApp.clientId} client_secret=${SEEDED.oauthApp.clientSecret}
                redirect URIs: ${SEEDED_REDIRECT_URIS.join(', ')}
2LO (acme):     ${SEEDED.devopsClients.acme.clientId} / ${SEEDED.devopsClients.acme.clientSecret}
2LO (globex):   ${SEEDED.devopsClients.globex.clientId} / ${SEEDED.devopsClients.globex.clientSecret}
DC OAuth 2.0:   ${SEEDED.dcOAuthClient.clientId} / ${SEEDED.dcOAuthClient.clientSecret} (scope up to ${SEEDED.dcOAuthClient.scope})
DC OAuth 1.0a:  consumer key ${SEEDED.oauth1Consumer.consumerKey}, private key test/jira-sim/fixtures/oauth1-consumer-private.pem
API tokens:     ${CLOUD_USERS.alice.email} / ${SEEDED.apiTokens.alice}, ${CLOUD_USERS.bob.email} / ${SEEDED.apiTokens.bob}, ${CLOUD_USERS.carol.email} / ${SEEDED.apiTokens.carol}
DC PATs:        admin ${SEEDED.pats.admin}, dave ${SEEDED.pats.dave}, erin ${SEEDED.pats.erin}  (passwords = user names)
Consent pages log in as ${CLOUD_USERS.alice.email} (Cloud) / ${DC_USERS.admin.username} (DC) unless login_hint=... is given.
Limited users (no ASSIGN_ISSUES, LINK_ISSUES): ${CLOUD_USERS.bob.email} on acme, ${DC_USERS.dave.username} on DC.
Control API: ${baseUrl}/_sim (clock, requests, faults, grants/revoke, world, credentials)`);
