import { describe, expect, it } from 'vitest';
import { SEEDED } from '../auth/seed-credentials.ts';
import { createSim } from '../index.ts';
import { TEST_BASE_URL as BASE } from '../testing.ts';

const CALLBACK = 'http://testbridge.test/oauth/callback';
const VALID = {
  audience: 'api.atlassian.com',
  client_id: SEEDED.oauthApp.clientId,
  scope: 'read:jira-work read:jira-user write:jira-work offline_access',
  redirect_uri: CALLBACK,
  state: 'st-123',
  response_type: 'code',
  prompt: 'consent',
};
const authorizeUrl = (overrides: Record<string, string | null> = {}) => {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries({ ...VALID, ...overrides })) if (v !== null) params.set(k, v);
  return `${BASE}/auth/authorize?${params}`;
};
const errorOf = (res: Response) =>
  Object.fromEntries(new URL(res.headers.get('location') ?? 'http://x').searchParams);

describe('GET /auth/authorize', () => {
  it('shows a consent page with the app, its scopes and a site chooser for the logged-in user', async () => {
    const sim = createSim({ baseUrl: BASE });
    const res = await sim.fetch(authorizeUrl());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    const page = await res.text();
    expect(page).toContain('Testbridge (sim) is requesting access');
    expect(page).toContain('<code>write:jira-work</code>');
    expect(page).toContain('Use app on');
    expect(page).toContain(`value="${sim.world.sites.get('acme')?.cloudId}"`);
    expect(page).toContain(`value="${sim.world.sites.get('globex')?.cloudId}"`);
    expect(page).toMatch(/name="decision" value="accept"[\s\S]*name="decision" value="deny"/);
  });

  it('lists only the sites of the user named by login_hint', async () => {
    const sim = createSim({ baseUrl: BASE });
    const page = await (await sim.fetch(authorizeUrl({ login_hint: 'bob@acme.test' }))).text();
    expect(page).toContain('Bob Limited');
    expect(page).not.toContain(`value="${sim.world.sites.get('globex')?.cloudId}"`);
  });

  it('accepts a request without prompt', async () => {
    const sim = createSim({ baseUrl: BASE });
    expect((await sim.fetch(authorizeUrl({ prompt: null }))).status).toBe(200);
  });

  it('refuses an unknown client_id with an error page, never a redirect', async () => {
    const sim = createSim({ baseUrl: BASE });
    const res = await sim.fetch(authorizeUrl({ client_id: 'nope' }));
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
  });

  it('refuses a redirect_uri that is not exactly registered (trailing slash included)', async () => {
    const sim = createSim({ baseUrl: BASE });
    const res = await sim.fetch(authorizeUrl({ redirect_uri: `${CALLBACK}/` }));
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('must match exactly');
  });

  it.each([
    [{ audience: null }, 'invalid_request'],
    [{ audience: 'api.example.com' }, 'invalid_request'],
    [{ response_type: 'token' }, 'unsupported_response_type'],
    [{ scope: 'read:jira-work manage:jira-data-provider' }, 'invalid_scope'],
    [{ scope: null }, 'invalid_scope'],
    [{ prompt: 'none' }, 'invalid_request'],
    [{ code_challenge: 'x'.repeat(43), code_challenge_method: 'plain' }, 'invalid_request'],
  ])('redirects %j back with error=%s and the state', async (overrides, error) => {
    const sim = createSim({ baseUrl: BASE });
    const res = await sim.fetch(authorizeUrl(overrides));
    expect(res.status).toBe(302);
    expect(res.headers.get('location')?.startsWith(`${CALLBACK}?`)).toBe(true);
    expect(errorOf(res)).toMatchObject({ error, state: 'st-123' });
  });

  it('redirects a request without state with invalid_request', async () => {
    const sim = createSim({ baseUrl: BASE });
    const res = await sim.fetch(authorizeUrl({ state: null }));
    expect(errorOf(res)).toMatchObject({
      error: 'invalid_request',
      error_description: 'state is required.',
    });
  });
});

describe('POST /auth/authorize (the consent form)', () => {
  async function openConsent(sim: ReturnType<typeof createSim>) {
    const page = await (await sim.fetch(authorizeUrl())).text();
    return /name="request_id" value="([^"]+)"/.exec(page)?.[1] ?? '';
  }
  const post = (sim: ReturnType<typeof createSim>, form: Record<string, string>) =>
    sim.fetch(`${BASE}/auth/authorize`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });

  it('Accept redirects to the callback with a code and the state', async () => {
    const sim = createSim({ baseUrl: BASE });
    const requestId = await openConsent(sim);
    const res = await post(sim, {
      request_id: requestId,
      decision: 'accept',
      cloud_id: sim.world.sites.get('globex')?.cloudId ?? '',
    });
    expect(res.status).toBe(302);
    expect(errorOf(res)).toEqual({ code: expect.stringMatching(/^sim_code_/), state: 'st-123' });
  });

  it('Deny redirects with error=access_denied and the state', async () => {
    const sim = createSim({ baseUrl: BASE });
    const res = await post(sim, { request_id: await openConsent(sim), decision: 'deny' });
    expect(errorOf(res)).toEqual({
      error: 'access_denied',
      error_description: 'The user denied the request.',
      state: 'st-123',
    });
  });

  it('refuses a site the user cannot use and a replayed form', async () => {
    const sim = createSim({ baseUrl: BASE });
    const requestId = await openConsent(sim);
    expect(
      (await post(sim, { request_id: requestId, decision: 'accept', cloud_id: 'not-a-site' }))
        .status,
    ).toBe(400);
    const cloudId = sim.world.sites.get('acme')?.cloudId ?? '';
    expect(
      (await post(sim, { request_id: requestId, decision: 'accept', cloud_id: cloudId })).status,
    ).toBe(302);
    expect(
      (await post(sim, { request_id: requestId, decision: 'accept', cloud_id: cloudId })).status,
    ).toBe(400);
  });
});
