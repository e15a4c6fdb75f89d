import { createSim, createFixedClock as createSimClock } from '@testbridge/jira-sim';
import { decodeJwt, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.ts';
import { AppError } from '../http/errors.ts';
import { createFixedClock } from '../testing/index.ts';
import { createInvocationVerifier } from './fit.ts';
import { START } from './testing.ts';

const SIM_KID = 'jira-sim-forge-1';

function setup() {
  const sim = createSim({ baseUrl: 'http://jira-sim.test', clock: createSimClock(START) });
  const clock = createFixedClock(START);
  let jwksFetches = 0;
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    if (String(input instanceof Request ? input.url : input) === sim.forgeJwksUrl) jwksFetches++;
    return sim.fetch(input, init);
  }) as typeof globalThis.fetch;
  const config = loadConfig({
    TESTBRIDGE_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
    FORGE_APP_ID: sim.forgeAppId,
    FORGE_JWKS_URL: sim.forgeJwksUrl,
  });
  const verify = createInvocationVerifier({ config, fetch, clock });
  const acme = sim.world.sites.get('acme');
  if (acme?.kind !== 'cloud') throw new Error('no acme');
  const valid = () =>
    sim.signInvocationToken({
      site: acme,
      principal: 'account-alice',
      moduleType: 'jira:issuePanel',
      context: {
        cloudId: acme.cloudId,
        siteUrl: acme.baseUrl,
        extension: { type: 'jira:issuePanel', issue: { id: '10001', key: 'SHOP-1' } },
      },
    });
  return { sim, clock, verify, acme, valid, jwksFetches: () => jwksFetches };
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The verifier's refusal: always 401 `unauthenticated`, with the jose code in the message. */
async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  const appError = error as AppError;
  expect(appError.code).toBe('unauthenticated');
  expect(appError.status).toBe(401);
  return appError;
}

describe('Forge Invocation Token verification', () => {
  it("accepts the simulator's token and reads the site, installation, issue and user from it", async () => {
    const { verify, valid, acme, sim } = setup();
    const invocation = await verify(`Bearer ${await valid()}`);
    expect(invocation).toMatchObject({
      appId: sim.forgeAppId,
      cloudId: acme.cloudId,
      siteUrl: acme.baseUrl,
      environment: 'DEVELOPMENT',
      principal: 'account-alice',
      issue: { id: '10001', key: 'SHOP-1' },
    });
    expect(invocation.installationId).toMatch(/^ari:cloud:ecosystem::installation\//);
    expect(invocation.apiBaseUrl).toContain(`/ex/jira/${acme.cloudId}`);
    expect(invocation.moduleTypes).toContain('jira:issuePanel');
  });

  it('fetches the JWKS once through deps.fetch and reuses it', async () => {
    const { verify, valid, jwksFetches } = setup();
    await verify(`Bearer ${await valid()}`);
    await verify(`Bearer ${await valid()}`);
    expect(jwksFetches()).toBe(1);
  });

  it('refuses a missing or malformed Authorization header', async () => {
    const { verify } = setup();
    await refusal(verify(undefined));
    await refusal(verify(''));
    await refusal(verify('Basic dXNlcjpwYXNz'));
    expect((await refusal(verify('Bearer not-a-jwt'))).message).toContain('ERR_JWS_INVALID');
    await refusal(verify('Bearer a.b.c'));
  });

  it('refuses alg none', async () => {
    const { verify, valid } = setup();
    const claims = decodeJwt(await valid());
    const unsigned = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`;
    const error = await refusal(verify(`Bearer ${unsigned}`));
    expect(error.message).toContain('ERR_JOSE_ALG_NOT_ALLOWED');
  });

  it("refuses HS256 signed with the simulator's public key as the secret (key confusion)", async () => {
    const { verify, valid, sim } = setup();
    const claims = decodeJwt(await valid());
    const jwks = (await (await sim.fetch(sim.forgeJwksUrl)).json()) as { keys: unknown[] };
    for (const secret of [JSON.stringify(jwks.keys[0]), JSON.stringify(jwks)]) {
      const forged = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256', kid: SIM_KID })
        .sign(new TextEncoder().encode(secret));
      const error = await refusal(verify(`Bearer ${forged}`));
      expect(error.message).toContain('ERR_JOSE_ALG_NOT_ALLOWED');
    }
  });

  it('refuses a token signed by another key, under the right kid or an unknown one', async () => {
    const { verify, valid } = setup();
    const claims = decodeJwt(await valid());
    const other = await generateKeyPair('RS256');
    const sign = (kid: string) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid }).sign(other.privateKey);
    const wrongKey = await refusal(verify(`Bearer ${await sign(SIM_KID)}`));
    expect(wrongKey.message).toContain('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');
    const wrongKid = await refusal(verify(`Bearer ${await sign('someone-elses-key')}`));
    expect(wrongKid.message).toContain('ERR_JWKS_NO_MATCHING_KEY');
    // The public key as an HS256 secret in PEM form, the classic confusion input.
    const pem = await exportSPKI(other.publicKey);
    const hs = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(pem));
    await refusal(verify(`Bearer ${hs}`));
  });

  it('refuses another app (wrong audience) and another issuer', async () => {
    const { verify, sim, acme } = setup();
    const otherApp = await sim.signInvocationToken({
      site: acme,
      appId: 'ari:cloud:ecosystem::app/00000000-0000-4000-8000-000000000000',
    });
    const aud = await refusal(verify(`Bearer ${otherApp}`));
    expect(aud.message).toContain('ERR_JWT_CLAIM_VALIDATION_FAILED');
    const otherIssuer = await sim.signInvocationToken({
      site: acme,
      claims: { iss: 'forge/context-token' },
    });
    const iss = await refusal(verify(`Bearer ${otherIssuer}`));
    expect(iss.message).toContain('ERR_JWT_CLAIM_VALIDATION_FAILED');
  });

  it('refuses an expired token (25 s life, 5 s leeway) and accepts it just before', async () => {
    const { verify, valid, clock } = setup();
    const token = await valid();
    clock.advance(29_000);
    await expect(verify(`Bearer ${token}`)).resolves.toMatchObject({ principal: 'account-alice' });
    clock.advance(2_000);
    expect((await refusal(verify(`Bearer ${token}`))).message).toContain('ERR_JWT_EXPIRED');
  });

  it('refuses a signed token without a site or with two different sites', async () => {
    const { verify, sim, acme } = setup();
    const noSite = await sim.signInvocationToken({
      site: acme,
      claims: { installation: { id: 'x', contexts: [] } },
    });
    expect((await refusal(verify(`Bearer ${noSite}`))).message).toContain('names no Jira site');
    const twoSites = await sim.signInvocationToken({
      site: acme,
      context: { cloudId: '11111111-2222-4333-8444-555555555555' },
    });
    expect((await refusal(verify(`Bearer ${twoSites}`))).message).toContain('two different');
  });

  it('refuses every token when FORGE_APP_ID is not configured', async () => {
    const { sim, valid, clock } = setup();
    const config = loadConfig({
      TESTBRIDGE_MASTER_KEY: Buffer.alloc(32, 7).toString('base64'),
      FORGE_JWKS_URL: sim.forgeJwksUrl,
    });
    const verify = createInvocationVerifier({ config, fetch: sim.fetch as typeof fetch, clock });
    const error = await refusal(verify(`Bearer ${await valid()}`));
    expect(error.message).toContain('FORGE_APP_ID');
  });
});
