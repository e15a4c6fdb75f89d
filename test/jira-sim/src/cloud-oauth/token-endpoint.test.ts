import { describe, expect, it } from 'vitest';
import { computeS256Challenge } from '../auth/pkce.ts';
import { SEEDED } from '../auth/seed-credentials.ts';
import { createSim } from '../index.ts';
import { TEST_BASE_URL as BASE, basicAuth } from '../testing.ts';

const CALLBACK = 'http://testbridge.test/oauth/callback';
const CLIENT = { client_id: SEEDED.oauthApp.clientId, client_secret: SEEDED.oauthApp.clientSecret };
const DAY = 86_400_000;
type Sim = ReturnType<typeof createSim>;

function authorizeUrl(
  extra: Record<string, string> = {},
  scope = 'read:jira-user read:jira-work offline_access',
) {
  const params = new URLSearchParams({
    audience: 'api.atlassian.com',
    client_id: CLIENT.client_id,
    scope,
    redirect_uri: CALLBACK,
    state: 's',
    response_type: 'code',
    prompt: 'consent',
    ...extra,
  });
  return `${BASE}/auth/authorize?${params}`;
}
const token = (sim: Sim, body: Record<string, string>, path = '/auth/oauth/token') =>
  sim.fetch(`${BASE}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
const form = (
  sim: Sim,
  body: Record<string, string>,
  headers: Record<string, string> = {},
  path = '/auth/oauth/token',
) =>
  sim.fetch(`${BASE}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(body).toString(),
  });
const codeFor = (sim: Sim, url = authorizeUrl()) => sim.approveConsent(url).code ?? '';
const exchange = (sim: Sim, code: string, extra: Record<string, string> = {}) =>
  token(sim, {
    grant_type: 'authorization_code',
    ...CLIENT,
    code,
    redirect_uri: CALLBACK,
    ...extra,
  });
const refresh = (sim: Sim, refreshToken: string) =>
  token(sim, { grant_type: 'refresh_token', ...CLIENT, refresh_token: refreshToken });
const INVALID_REFRESH = {
  error: 'invalid_grant',
  error_description: 'Unknown or invalid refresh token.',
};

async function pair(sim: Sim) {
  const res = await exchange(sim, codeFor(sim));
  return (await res.json()) as { access_token: string; refresh_token: string };
}

describe('authorization_code grant', () => {
  it('exchanges a code for an access token, a refresh token (offline_access) and the scopes', async () => {
    const sim = createSim({ baseUrl: BASE });
    const res = await exchange(sim, codeFor(sim));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      access_token: expect.stringMatching(/^sim_at_/),
      refresh_token: expect.stringMatching(/^sim_rt_/),
      expires_in: 3600,
      token_type: 'Bearer',
      scope: 'read:jira-user read:jira-work offline_access',
    });
  });

  it('gives no refresh token without offline_access', async () => {
    const sim = createSim({ baseUrl: BASE });
    const body = (await (
      await exchange(sim, codeFor(sim, authorizeUrl({}, 'read:jira-user')))
    ).json()) as Record<string, unknown>;
    expect(body.refresh_token).toBeUndefined();
  });

  it('accepts a form body with HTTP Basic client authentication', async () => {
    const sim = createSim({ baseUrl: BASE });
    const res = await form(
      sim,
      { grant_type: 'authorization_code', code: codeFor(sim), redirect_uri: CALLBACK },
      { Authorization: basicAuth(CLIENT.client_id, CLIENT.client_secret) },
    );
    expect(res.status).toBe(200);
  });

  it('accepts a code once; the replay fails and revokes what the first exchange issued', async () => {
    const sim = createSim({ baseUrl: BASE });
    const code = codeFor(sim);
    const first = (await (await exchange(sim, code)).json()) as { access_token: string };
    const second = await exchange(sim, code);
    expect(second.status).toBe(403);
    expect(await second.json()).toEqual({
      error: 'invalid_grant',
      error_description: 'Invalid authorization code',
    });
    const acme = sim.world.sites.get('acme')?.cloudId;
    const me = await sim.fetch(`${BASE}/api/ex/jira/${acme}/rest/api/3/myself`, {
      headers: { Authorization: `Bearer ${first.access_token}` },
    });
    expect(me.status).toBe(401);
  });

  it('refuses a code older than 10 minutes', async () => {
    const sim = createSim({ baseUrl: BASE });
    const code = codeFor(sim);
    sim.clock.advance(10 * 60_000);
    expect((await exchange(sim, code)).status).toBe(403);
  });

  it('refuses a redirect_uri different from the authorization request', async () => {
    const sim = createSim({ baseUrl: BASE });
    const res = await exchange(sim, codeFor(sim), {
      redirect_uri: 'http://localhost:3000/oauth/callback',
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      error: 'invalid_grant',
      error_description: 'Invalid redirect_uri',
    });
  });

  it('enforces PKCE S256 when a challenge was sent', async () => {
    const sim = createSim({ baseUrl: BASE });
    const verifier = 'v'.repeat(50);
    const url = authorizeUrl({
      code_challenge: computeS256Challenge(verifier),
      code_challenge_method: 'S256',
    });
    expect((await exchange(sim, codeFor(sim, url))).status).toBe(403);
    const wrong = await exchange(sim, codeFor(sim, url), { code_verifier: 'w'.repeat(50) });
    expect(await wrong.json()).toEqual({
      error: 'invalid_grant',
      error_description: 'Invalid code_verifier',
    });
    expect((await exchange(sim, codeFor(sim, url), { code_verifier: verifier })).status).toBe(200);
  });

  it('rejects a wrong client secret with 401 invalid_client', async () => {
    const sim = createSim({ baseUrl: BASE });
    const res = await exchange(sim, codeFor(sim), { client_secret: 'wrong' });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      error: 'invalid_client',
      error_description: 'Client authentication failed.',
    });
  });

  it('rejects Basic and body client credentials together, a missing or unknown grant_type and a text body', async () => {
    const sim = createSim({ baseUrl: BASE });
    const both = await form(
      sim,
      { grant_type: 'authorization_code', ...CLIENT, code: 'x', redirect_uri: CALLBACK },
      { Authorization: basicAuth(CLIENT.client_id, CLIENT.client_secret) },
    );
    expect([both.status, ((await both.json()) as { error: string }).error]).toEqual([
      400,
      'invalid_request',
    ]);
    expect(await (await token(sim, { ...CLIENT })).json()).toEqual({
      error: 'invalid_request',
      error_description: 'grant_type is required.',
    });
    const password = await token(sim, { grant_type: 'password', ...CLIENT });
    expect([password.status, ((await password.json()) as { error: string }).error]).toEqual([
      400,
      'unsupported_grant_type',
    ]);
    const text = await sim.fetch(`${BASE}/auth/oauth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'text/plain' },
      body: 'grant_type=client_credentials',
    });
    expect(text.status).toBe(400);
  });
});

describe('refresh_token grant (rotation)', () => {
  it('rotates: each refresh returns a new refresh token and a working access token', async () => {
    const sim = createSim({ baseUrl: BASE });
    const first = await pair(sim);
    const res = await refresh(sim, first.refresh_token);
    expect(res.status).toBe(200);
    const next = (await res.json()) as {
      access_token: string;
      refresh_token: string;
      scope: string;
    };
    expect(next.refresh_token).not.toBe(first.refresh_token);
    expect(next.scope).toBe('read:jira-user read:jira-work offline_access');
    const acme = sim.world.sites.get('acme')?.cloudId;
    expect(
      (
        await sim.fetch(`${BASE}/api/ex/jira/${acme}/rest/api/3/myself`, {
          headers: { Authorization: `Bearer ${next.access_token}` },
        })
      ).status,
    ).toBe(200);
  });

  it('lets a rotated token be reused inside the 10-minute leeway', async () => {
    const sim = createSim({ baseUrl: BASE });
    const first = await pair(sim);
    expect((await refresh(sim, first.refresh_token)).status).toBe(200);
    sim.clock.advance(10 * 60_000);
    expect((await refresh(sim, first.refresh_token)).status).toBe(200);
  });

  it('revokes the whole family when a rotated token is reused after the leeway', async () => {
    const sim = createSim({ baseUrl: BASE });
    const first = await pair(sim);
    const second = (await (await refresh(sim, first.refresh_token)).json()) as {
      refresh_token: string;
    };
    sim.clock.advance(10 * 60_000 + 1);
    const reuse = await refresh(sim, first.refresh_token);
    expect(reuse.status).toBe(403);
    expect(await reuse.json()).toEqual(INVALID_REFRESH);
    const newer = await refresh(sim, second.refresh_token);
    expect(newer.status).toBe(403);
    expect(await newer.json()).toEqual(INVALID_REFRESH);
  });

  it('honours a configured leeway', async () => {
    const sim = createSim({ baseUrl: BASE, settings: { refreshReuseLeewayMs: 3000 } });
    const first = await pair(sim);
    await refresh(sim, first.refresh_token);
    sim.clock.advance(3001);
    expect((await refresh(sim, first.refresh_token)).status).toBe(403);
  });

  it('expires a refresh token after 90 days without use', async () => {
    const sim = createSim({ baseUrl: BASE });
    const first = await pair(sim);
    sim.clock.advance(90 * DAY);
    expect((await refresh(sim, first.refresh_token)).status).toBe(200);
    const other = await pair(sim);
    sim.clock.advance(90 * DAY + 1);
    const res = await refresh(sim, other.refresh_token);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual(INVALID_REFRESH);
  });

  it('ends every family 365 days after consent even when rotated regularly', async () => {
    const sim = createSim({ baseUrl: BASE });
    let current = (await pair(sim)).refresh_token;
    for (let i = 0; i < 4; i++) {
      sim.clock.advance(89 * DAY);
      const res = await refresh(sim, current);
      expect(res.status).toBe(200);
      current = ((await res.json()) as { refresh_token: string }).refresh_token;
    }
    sim.clock.advance(10 * DAY);
    expect((await refresh(sim, current)).status).toBe(403);
  });

  it('refuses unknown tokens, tokens of another client and revoked grants', async () => {
    const sim = createSim({ baseUrl: BASE });
    expect(await (await refresh(sim, 'sim_rt_nope')).json()).toEqual(INVALID_REFRESH);
    sim.registerOAuthApp({
      clientId: 'other',
      clientSecret: 'other-secret',
      name: 'Other',
      redirectUris: [CALLBACK],
      scopes: ['read:jira-work'],
    });
    const first = await pair(sim);
    expect(
      (
        await token(sim, {
          grant_type: 'refresh_token',
          client_id: 'other',
          client_secret: 'other-secret',
          refresh_token: first.refresh_token,
        })
      ).status,
    ).toBe(403);
    sim.revoke({ clientId: CLIENT.client_id });
    expect((await refresh(sim, first.refresh_token)).status).toBe(403);
  });
});

describe('client_credentials grant (2LO OAuth credentials)', () => {
  const creds = {
    grant_type: 'client_credentials',
    client_id: SEEDED.devopsClients.acme.clientId,
    client_secret: SEEDED.devopsClients.acme.clientSecret,
  };

  it('issues a token at api.atlassian.com/oauth/token with a form body and no audience', async () => {
    const sim = createSim({ baseUrl: BASE });
    const res = await form(sim, creds, {}, '/api/oauth/token');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      access_token: expect.stringMatching(/^sim_at_/),
      expires_in: 3600,
      token_type: 'Bearer',
    });
  });

  it('issues a token for a JSON body with audience at auth.atlassian.com too', async () => {
    const sim = createSim({ baseUrl: BASE });
    expect((await token(sim, { ...creds, audience: 'api.atlassian.com' })).status).toBe(200);
  });

  it('refuses a foreign audience, a wrong secret and 3LO apps', async () => {
    const sim = createSim({ baseUrl: BASE });
    expect((await token(sim, { ...creds, audience: 'example.com' })).status).toBe(403);
    expect((await form(sim, { ...creds, client_secret: 'x' }, {}, '/api/oauth/token')).status).toBe(
      401,
    );
    expect((await token(sim, { grant_type: 'client_credentials', ...CLIENT })).status).toBe(401);
  });

  it('refuses the authorization_code grant at api.atlassian.com/oauth/token', async () => {
    const sim = createSim({ baseUrl: BASE });
    const res = await token(
      sim,
      { grant_type: 'authorization_code', ...CLIENT, code: codeFor(sim), redirect_uri: CALLBACK },
      '/api/oauth/token',
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('unsupported_grant_type');
  });
});

describe('accessible-resources', () => {
  it('lists the sites the grant covers, growing with a second consent', async () => {
    const sim = createSim({ baseUrl: BASE });
    const acme = sim.world.sites.get('acme');
    const globex = sim.world.sites.get('globex');
    const first = await pair(sim);
    const list = async (accessToken: string) =>
      (
        await sim.fetch(`${BASE}/api/oauth/token/accessible-resources`, {
          headers: { Authorization: `Bearer ${accessToken}` },
        })
      ).json();
    expect(await list(first.access_token)).toEqual([
      {
        id: acme?.cloudId,
        url: `${BASE}/cloud/acme`,
        name: 'acme',
        scopes: ['read:jira-user', 'read:jira-work'],
        avatarUrl: `${BASE}/cloud/acme/images/site-avatar.png`,
      },
    ]);
    sim.approveConsent(authorizeUrl(), { cloudId: globex?.cloudId ?? '' });
    expect(((await list(first.access_token)) as { name: string }[]).map((s) => s.name)).toEqual([
      'acme',
      'globex',
    ]);
  });

  it('answers 401 without a valid token', async () => {
    const sim = createSim({ baseUrl: BASE });
    const res = await sim.fetch(`${BASE}/api/oauth/token/accessible-resources`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ code: 401, message: 'Unauthorized' });
  });
});
