import { createLocalJWKSet, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createSim } from '../index.ts';
import { TEST_BASE_URL as BASE, must } from '../testing.ts';
import { FIT_ISSUER } from './fit.ts';

const jwksSchema = z.object({
  keys: z.array(
    z.object({
      kty: z.string(),
      n: z.string(),
      e: z.string(),
      kid: z.string(),
      alg: z.string(),
      use: z.string(),
    }),
  ),
});

async function jwksOf(sim: ReturnType<typeof createSim>) {
  const res = await sim.fetch(sim.forgeJwksUrl);
  expect(res.status).toBe(200);
  return createLocalJWKSet(jwksSchema.parse(await res.json()));
}

describe('Forge Invocation Tokens', () => {
  it('serves a JWKS at /forge/.well-known/jwks.json that verifies a signed FIT with the documented claims', async () => {
    const sim = createSim({ baseUrl: BASE });
    const acme = must(sim.world.sites.get('acme'));
    const token = await sim.signInvocationToken({
      site: acme,
      principal: 'account-1',
      moduleType: 'jira:issuePanel',
      context: { cloudId: acme.cloudId, localId: 'x' },
    });
    expect(sim.forgeJwksUrl).toBe(`${BASE}/forge/.well-known/jwks.json`);
    const { payload, protectedHeader } = await jwtVerify(token, await jwksOf(sim), {
      issuer: FIT_ISSUER,
      audience: sim.forgeAppId,
      currentDate: new Date(sim.clock.now()),
    });
    expect(protectedHeader).toMatchObject({ alg: 'RS256', kid: 'jira-sim-forge-1' });
    expect(payload).toMatchObject({
      aud: sim.forgeAppId,
      principal: 'account-1',
      app: {
        id: sim.forgeAppId,
        apiBaseUrl: `${BASE}/api/ex/jira/${acme.cloudId}`,
        installationId: expect.stringMatching(/^ari:cloud:ecosystem::installation\//),
        module: { type: 'jira:issuePanel', key: 'testbridge-remote' },
        environment: { type: 'DEVELOPMENT', id: 'sim-environment' },
      },
      installation: { contexts: [{ name: 'jira', cloudId: acme.cloudId }] },
      context: { cloudId: acme.cloudId },
    });
    expect(must(payload.exp) - must(payload.iat)).toBe(25);
  });

  it('fails verification for another audience, a forged issuer and after expiry', async () => {
    const sim = createSim({ baseUrl: BASE });
    const acme = must(sim.world.sites.get('acme'));
    const keys = await jwksOf(sim);
    const options = {
      issuer: FIT_ISSUER,
      audience: sim.forgeAppId,
      currentDate: new Date(sim.clock.now()),
    };
    const otherApp = await sim.signInvocationToken({
      site: acme,
      appId: 'ari:cloud:ecosystem::app/other',
    });
    await expect(jwtVerify(otherApp, keys, options)).rejects.toThrow(
      'unexpected "aud" claim value',
    );
    const forged = await sim.signInvocationToken({ site: acme, claims: { iss: 'someone-else' } });
    await expect(jwtVerify(forged, keys, options)).rejects.toThrow('unexpected "iss" claim value');
    const token = await sim.signInvocationToken({ site: acme });
    await expect(
      jwtVerify(token, keys, { ...options, currentDate: new Date(sim.clock.now() + 26_000) }),
    ).rejects.toThrow('"exp" claim timestamp check failed');
  });

  it('signs FITs over the control API for demos', async () => {
    const sim = createSim({ baseUrl: BASE });
    const res = await sim.fetch(`${BASE}/_sim/forge/invocation-token`, {
      method: 'POST',
      body: JSON.stringify({ site: 'globex' }),
    });
    const { token } = (await res.json()) as { token: string };
    const { payload } = await jwtVerify(token, await jwksOf(sim), {
      audience: sim.forgeAppId,
      currentDate: new Date(sim.clock.now()),
    });
    expect(payload).toMatchObject({
      installation: { contexts: [{ cloudId: sim.world.sites.get('globex')?.cloudId }] },
    });
  });
});
