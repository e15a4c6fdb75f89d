import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { authenticateDc } from '../../auth/authenticate-dc.ts';
import { computeS256Challenge } from '../../auth/pkce.ts';
import type { DcEnv } from '../../auth/principal.ts';
import { requireDcScope } from '../../auth/scopes.ts';
import { SEEDED } from '../../auth/seed-credentials.ts';
import { createSim } from '../../index.ts';
import { TEST_BASE_URL as BASE } from '../../testing.ts';

const DC = `${BASE}/dc/jira`;
const CALLBACK = 'http://localhost:3000/oauth/callback';
const CLIENT = {
  client_id: SEEDED.dcOAuthClient.clientId,
  client_secret: SEEDED.dcOAuthClient.clientSecret,
};
const VERIFIER = 'dc-verifier-'.padEnd(64, 'x');
type Sim = ReturnType<typeof createSim>;

const authorizeUrl = (overrides: Record<string, string | null> = {}) => {
  const all: Record<string, string | null> = {
    client_id: CLIENT.client_id,
    redirect_uri: CALLBACK,
    response_type: 'code',
    state: 'dc-state',
    scope: 'WRITE',
    code_challenge: computeS256Challenge(VERIFIER),
    code_challenge_method: 'S256',
    ...overrides,
  };
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(all)) if (v !== null) params.set(k, v);
  return `${DC}/rest/oauth2/latest/authorize?${params}`;
};
const queryOf = (res: Response) =>
  Object.fromEntries(new URL(res.headers.get('location') ?? 'http://x').searchParams);
const postToken = (sim: Sim, params: Record<string, string>) =>
  sim.fetch(`${DC}/rest/oauth2/latest/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
  });
const exchange = (sim: Sim, extra: Record<string, string> = {}) =>
  postToken(sim, {
    grant_type: 'authorization_code',
    ...CLIENT,
    code: sim.approveDcConsent(authorizeUrl()).code ?? '',
    redirect_uri: CALLBACK,
    code_verifier: VERIFIER,
    ...extra,
  });

describe('DC OAuth 2.0 authorize', () => {
  it('redirects a valid request to the consent screen, which Allow turns into a code', async () => {
    const sim = createSim({ baseUrl: BASE });
    const res = await sim.fetch(authorizeUrl());
    expect(res.status).toBe(302);
    const consentUrl = res.headers.get('location') ?? '';
    expect(consentUrl.startsWith(`${DC}/plugins/servlet/oauth2/consent?request_id=`)).toBe(true);
    const page = await (await sim.fetch(consentUrl)).text();
    expect(page).toContain('Allow Testbridge DC (sim) to access your Jira account?');
    const requestId = new URL(consentUrl).searchParams.get('request_id') ?? '';
    const decided = await sim.fetch(`${DC}/plugins/servlet/oauth2/consent`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `request_id=${requestId}&decision=allow`,
    });
    expect(queryOf(decided)).toEqual({ code: expect.any(String), state: 'dc-state' });
  });

  it.each([
    [{ code_challenge: null, code_challenge_method: null }, 'invalid_request'],
    [{ code_challenge_method: 'plain' }, 'invalid_request'],
    [{ scope: 'SYSTEM_ADMIN' }, 'invalid_scope'],
    [{ scope: 'read:jira-work' }, 'invalid_scope'],
    [{ response_type: 'token' }, 'unsupported_response_type'],
  ])('redirects %j back with error=%s', async (overrides, error) => {
    const sim = createSim({ baseUrl: BASE });
    const res = await sim.fetch(authorizeUrl(overrides));
    expect(res.status).toBe(302);
    expect(queryOf(res)).toMatchObject({ error, state: 'dc-state' });
  });

  it('shows an error page for a redirect_uri that is not the application link’s', async () => {
    const sim = createSim({ baseUrl: BASE });
    expect((await sim.fetch(authorizeUrl({ redirect_uri: 'http://evil.test/cb' }))).status).toBe(
      400,
    );
  });
});

describe('DC OAuth 2.0 token', () => {
  it('exchanges a code with the PKCE verifier; the token calls REST v2', async () => {
    const sim = createSim({ baseUrl: BASE });
    const res = await exchange(sim);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string };
    expect(body).toEqual({
      access_token: expect.any(String),
      token_type: 'bearer',
      expires_in: 3600,
      refresh_token: expect.any(String),
      created_at: Date.parse('2026-03-02T09:00:00Z') / 1000,
    });
    const me = await sim.fetch(`${DC}/rest/api/2/myself`, {
      headers: { Authorization: `Bearer ${body.access_token}` },
    });
    expect(await me.json()).toMatchObject({ name: 'admin' });
  });

  it('accepts the parameters on the query string of the POST, as Atlassian’s examples send them', async () => {
    const sim = createSim({ baseUrl: BASE });
    const code = sim.approveDcConsent(authorizeUrl()).code ?? '';
    const params = new URLSearchParams({
      grant_type: 'authorization_code',
      ...CLIENT,
      code,
      redirect_uri: CALLBACK,
      code_verifier: VERIFIER,
    });
    expect(
      (await sim.fetch(`${DC}/rest/oauth2/latest/token?${params}`, { method: 'POST' })).status,
    ).toBe(200);
  });

  it('refuses a missing or wrong verifier', async () => {
    const sim = createSim({ baseUrl: BASE });
    const missing = await postToken(sim, {
      grant_type: 'authorization_code',
      ...CLIENT,
      code: sim.approveDcConsent(authorizeUrl()).code ?? '',
      redirect_uri: CALLBACK,
    });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({
      error: 'invalid_grant',
      error_description: 'Invalid code_verifier.',
    });
    expect((await exchange(sim, { code_verifier: 'y'.repeat(64) })).status).toBe(400);
  });

  it('refuses a code after one minute', async () => {
    const sim = createSim({ baseUrl: BASE });
    const code = sim.approveDcConsent(authorizeUrl()).code ?? '';
    sim.clock.advance(60_000);
    expect(
      (
        await postToken(sim, {
          grant_type: 'authorization_code',
          ...CLIENT,
          code,
          redirect_uri: CALLBACK,
          code_verifier: VERIFIER,
        })
      ).status,
    ).toBe(400);
  });

  it('requires redirect_uri on refresh (bare invalid_grant without it)', async () => {
    const sim = createSim({ baseUrl: BASE });
    const { refresh_token } = (await (await exchange(sim)).json()) as { refresh_token: string };
    const res = await postToken(sim, { grant_type: 'refresh_token', ...CLIENT, refresh_token });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'invalid_grant' });
  });

  it('rotates on refresh: the old refresh and access tokens stop working', async () => {
    const sim = createSim({ baseUrl: BASE });
    const first = (await (await exchange(sim)).json()) as {
      access_token: string;
      refresh_token: string;
    };
    const res = await postToken(sim, {
      grant_type: 'refresh_token',
      ...CLIENT,
      refresh_token: first.refresh_token,
      redirect_uri: CALLBACK,
    });
    expect(res.status).toBe(200);
    const next = (await res.json()) as { access_token: string; refresh_token: string };
    expect(next.refresh_token).not.toBe(first.refresh_token);
    expect(
      (
        await postToken(sim, {
          grant_type: 'refresh_token',
          ...CLIENT,
          refresh_token: first.refresh_token,
          redirect_uri: CALLBACK,
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await sim.fetch(`${DC}/rest/api/2/myself`, {
          headers: { Authorization: `Bearer ${first.access_token}` },
        })
      ).status,
    ).toBe(401);
    expect(
      (
        await sim.fetch(`${DC}/rest/api/2/myself`, {
          headers: { Authorization: `Bearer ${next.access_token}` },
        })
      ).status,
    ).toBe(200);
  });

  it('rejects a wrong client secret with 401 invalid_client', async () => {
    const sim = createSim({ baseUrl: BASE });
    const res = await exchange(sim, { client_secret: 'nope' });
    expect(res.status).toBe(401);
  });
});

describe('DC OAuth 2.0 scopes', () => {
  it('lets a WRITE token through a WRITE route and stops it at an ADMIN route', async () => {
    const sim = createSim({ baseUrl: BASE });
    const { access_token } = (await (await exchange(sim)).json()) as { access_token: string };
    const probe = new Hono<DcEnv>();
    probe.use('*', authenticateDc(sim.deps));
    probe.get('/write', requireDcScope('WRITE'), (c) => c.json({ ok: true }));
    probe.get('/admin', requireDcScope('ADMIN'), (c) => c.json({ ok: true }));
    const headers = { Authorization: `Bearer ${access_token}` };
    expect((await probe.request('/write', { headers })).status).toBe(200);
    const denied = await probe.request('/admin', { headers });
    expect(denied.status).toBe(403);
    expect(denied.headers.get('www-authenticate')).toBe(
      'Bearer error="insufficient_scope", scope="ADMIN"',
    );
    expect(
      (await probe.request('/admin', { headers: { Authorization: `Bearer ${SEEDED.pats.admin}` } }))
        .status,
    ).toBe(200);
  });
});
