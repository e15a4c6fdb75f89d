import { Problem } from '@testbridge/shared';
import { Connection, ConnectionEventPage } from '@testbridge/shared/api/connections';
import { AuthorizationFlow } from '@testbridge/shared/api/oauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  advance,
  complete,
  createOAuthConnection,
  createOAuthTestApp,
  followCallback,
  json,
  lastError,
  type OAuthTestApp,
} from './testing.ts';

const ACME = 'e745c11f-8b46-4ed4-b3cb-313a679e1d9f';
const GLOBEX = '29173f62-6e5f-4147-a120-2e54bd02b2c0';

/** Starts a flow as the admin UI does and keeps the browser-binding cookie it sets. */
async function startInBrowser(t: OAuthTestApp, connectionId: string, headers = t.asAdmin()) {
  const res = await t.app.request(`/api/v1/connections/${connectionId}/authorizations`, {
    method: 'POST',
    headers,
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const flow = AuthorizationFlow.parse(await res.json());
  const setCookie = res.headers.get('set-cookie') ?? '';
  const cookie = setCookie.split(';')[0] ?? '';
  return { flow, setCookie, cookie, authorizationUrl: flow.authorizationUrl ?? '' };
}

/** The browser lands on the callback, with or without its cookie. */
async function callbackWith(t: OAuthTestApp, redirectUrl: string, cookie: string | null) {
  const url = new URL(redirectUrl);
  const res = await t.app.request(`${url.pathname}${url.search}`, {
    headers: cookie ? { cookie } : {},
  });
  return { status: res.status, html: await res.text(), setCookie: res.headers.get('set-cookie') };
}

async function flowOf(t: OAuthTestApp, connectionId: string, flowId: string) {
  const res = await t.app.request(`/api/v1/connections/${connectionId}/authorizations/${flowId}`, {
    headers: t.asAdmin(),
  });
  return { status: res.status, body: await res.json() };
}

async function cloudConnection(t: OAuthTestApp, name: string, site = 'acme') {
  const { connection } = await createOAuthConnection(t, {
    name,
    jiraUrl: `${t.sim.baseUrl}/cloud/${site}`,
    auth: { type: 'cloud_oauth2', app: 'testbridge' },
  });
  return connection.id;
}

describe('completing a consent flow in the browser that started it', () => {
  let t: OAuthTestApp;
  beforeAll(async () => {
    t = await createOAuthTestApp();
  });
  afterAll(() => t.cleanup());

  it('sets an HttpOnly, SameSite=Lax cookie scoped to the callback for the flow', async () => {
    const id = await cloudConnection(t, 'Cookie attributes');
    const { flow, setCookie } = await startInBrowser(t, id);
    expect(setCookie).toMatch(new RegExp(`^tb_oauth_${flow.flowId}=[A-Za-z0-9_-]{43};`));
    expect(setCookie).toContain('Max-Age=600');
    expect(setCookie).toContain('Path=/oauth/callback');
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Lax');
    // PUBLIC_URL is http here; on https the cookie is Secure too.
    expect(setCookie).not.toContain('Secure');
  });

  it('completes at the callback with the matching cookie: no code shown, connection active', async () => {
    const id = await cloudConnection(t, 'Bound');
    const { flow, cookie } = await startInBrowser(t, id);
    const consent = t.sim.approveConsent(flow.authorizationUrl ?? '', { cloudId: ACME });
    const page = await callbackWith(t, consent.redirectUrl, cookie);
    expect(page.status, lastError(t)).toBe(200);
    expect(page.html).toContain('data-testid="connected"');
    expect(page.html).not.toContain('verification-code');
    expect(page.setCookie).toContain(`tb_oauth_${flow.flowId}=;`);
    expect((await flowOf(t, id, flow.flowId)).body).toMatchObject({
      status: 'completed',
      browserVerified: true,
    });
    const connection = Connection.parse(
      await (await t.app.request(`/api/v1/connections/${id}`, { headers: t.asAdmin() })).json(),
    );
    expect(connection).toMatchObject({ status: 'active', cloudId: ACME });
    const history = ConnectionEventPage.parse(
      await (
        await t.app.request(`/api/v1/connections/${id}/history`, { headers: t.asAdmin() })
      ).json(),
    );
    const authorized = history.items.find((event) => event.type === 'authorized');
    expect(authorized?.actor).toMatch(/^api-key:/);
    expect(authorized?.detail).toMatchObject({ verifiedBy: 'browser', cloudId: ACME });
    // The flow is used: pasting anything now is refused.
    const again = await complete(t, id, flow.flowId, {});
    expect(Problem.parse(await again.json()).code).toBe('verification_code_invalid');
  });

  it('shows the code as before when the cookie is missing or does not match', async () => {
    const id = await cloudConnection(t, 'Wrong cookie');
    const { flow, cookie } = await startInBrowser(t, id);
    const forged = cookie.replace(/=.*/, `=${'A'.repeat(43)}`);
    const consent = t.sim.approveConsent(flow.authorizationUrl ?? '', { cloudId: ACME });
    const page = await callbackWith(t, consent.redirectUrl, forged);
    expect(page.html).toContain('data-testid="verification-code"');
    expect((await flowOf(t, id, flow.flowId)).body).toMatchObject({
      status: 'awaiting_verification',
      browserVerified: false,
    });
    // Without the browser, the code is required and its absence is named.
    const missing = await complete(t, id, flow.flowId, {});
    expect(missing.status).toBe(400);
    const problem = Problem.parse(await missing.json());
    expect(problem.code).toBe('verification_code_invalid');
    expect(problem.invalidFields?.[0]?.field).toBe('body.code');
  });

  it('leaves the site choice to the wizard, which completes with cloudId alone', async () => {
    const id = await cloudConnection(t, 'Bound, other site', 'acme');
    // carol is on globex only: her consent does not cover the connection's site, acme.
    const { flow, cookie } = await startInBrowser(t, id);
    const consent = t.sim.approveConsent(flow.authorizationUrl ?? '', {
      loginHint: 'carol@globex.test',
      cloudId: GLOBEX,
    });
    const page = await callbackWith(t, consent.redirectUrl, cookie);
    expect(page.html).toContain('data-testid="choose-site"');
    expect(page.html).toContain(`data-cloud-id="${GLOBEX}"`);
    const status = AuthorizationFlow.parse((await flowOf(t, id, flow.flowId)).body);
    expect(status).toMatchObject({ status: 'site_choice_required', browserVerified: true });
    expect(status.sites).toHaveLength(1);
    // Only the starter may finish it, even without a code.
    const otherKey = await t.app.request('/api/v1/api-keys', {
      method: 'POST',
      headers: t.asAdmin(json),
      body: JSON.stringify({ name: 'another admin', role: 'admin' }),
    });
    const { key } = (await otherKey.json()) as { key: string };
    const stranger = await complete(
      t,
      id,
      flow.flowId,
      { cloudId: GLOBEX },
      { authorization: `Bearer ${key}` },
    );
    expect(Problem.parse(await stranger.json()).code).toBe('verification_code_invalid');
    const chosen = await complete(t, id, flow.flowId, { cloudId: GLOBEX });
    expect(chosen.status, await chosen.clone().text()).toBe(200);
    expect(AuthorizationFlow.parse(await chosen.json()).status).toBe('completed');
  });

  it('does not complete for a starter whose API key was revoked since: the code page shows', async () => {
    const id = await cloudConnection(t, 'Revoked starter');
    const created = await t.app.request('/api/v1/api-keys', {
      method: 'POST',
      headers: t.asAdmin(json),
      body: JSON.stringify({ name: 'short-lived admin', role: 'admin' }),
    });
    const { key, id: keyId } = (await created.json()) as { key: string; id: string };
    const { flow, cookie } = await startInBrowser(t, id, { authorization: `Bearer ${key}` });
    await t.app.request(`/api/v1/api-keys/${keyId}`, { method: 'DELETE', headers: t.asAdmin() });
    const consent = t.sim.approveConsent(flow.authorizationUrl ?? '', { cloudId: ACME });
    const page = await callbackWith(t, consent.redirectUrl, cookie);
    expect(page.html).toContain('data-testid="verification-code"');
    expect(AuthorizationFlow.parse((await flowOf(t, id, flow.flowId)).body).status).not.toBe(
      'completed',
    );
    const res = await t.app.request(`/api/v1/connections/${id}`, { headers: t.asAdmin() });
    expect(Connection.parse(await res.json()).status).toBe('pending_authorization');
  });

  it('purges flows an hour after they expired, when the next flow starts', async () => {
    const id = await cloudConnection(t, 'Purged flows');
    const { flow } = await startInBrowser(t, id);
    const page = await followCallback(
      t,
      t.sim.approveConsent(flow.authorizationUrl ?? '', { cloudId: ACME }).redirectUrl,
    );
    expect(page.code).not.toBeNull();
    advance(t, 30 * 60_000);
    await startInBrowser(t, id);
    expect((await flowOf(t, id, flow.flowId)).status).toBe(200);
    advance(t, 45 * 60_000);
    const next = await startInBrowser(t, id);
    expect((await flowOf(t, id, flow.flowId)).status).toBe(404);
    expect((await flowOf(t, id, next.flow.flowId)).status).toBe(200);
  });
});
