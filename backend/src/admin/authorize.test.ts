import { Problem } from '@testbridge/shared';
import { AuthorizationLink, OAuthConnectionCreated } from '@testbridge/shared/api/oauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  advance,
  connectCloud,
  createOAuthTestApp,
  jiraMyself,
  json,
  lastError,
  type OAuthTestApp,
  START,
} from '../oauth/testing.ts';
import { STORE_KINDS } from '../testing/index.ts';
import { createBrowser, csrfOf } from './testing.ts';

const BOB = '67dccba40b8858e62f585a49';
const PUBLIC = 'http://testbridge.test';

describe.each(STORE_KINDS)('an end user authorizing through a Testbridge link (%s)', (store) => {
  let t: OAuthTestApp;
  let connectionId: string;
  let tool: (user?: string) => Record<string, string>;
  beforeAll(async () => {
    t = await createOAuthTestApp({ store });
    const res = await t.app.request('/api/v1/api-keys', {
      method: 'POST',
      headers: t.asAdmin(json),
      body: JSON.stringify({ name: 'tool key', role: 'tool' }),
    });
    const key = ((await res.json()) as { key: string }).key;
    tool = (user) => ({
      authorization: `Bearer ${key}`,
      ...(user ? { 'x-testbridge-user': user } : {}),
    });
    connectionId = (await connectCloud(t, `Links ${store}`)).id;
  });
  afterAll(() => t.cleanup());

  const askForLink = (headers: Record<string, string>, id = connectionId) =>
    t.app.request(`/api/v1/connections/${id}/authorization-links`, { method: 'POST', headers });

  async function linkFor(user: string): Promise<{ link: AuthorizationLink; path: string }> {
    const res = await askForLink(tool(user));
    expect(res.status, await res.clone().text()).toBe(201);
    const link = AuthorizationLink.parse(await res.json());
    return { link, path: new URL(link.url).pathname };
  }

  it('issues a link only to a tool or admin key that names the user', async () => {
    expect((await askForLink({ 'x-testbridge-user': 'bob' })).status).toBe(401);
    const nameless = await askForLink(tool());
    expect(nameless.status).toBe(400);
    expect(Problem.parse(await nameless.json()).invalidFields?.[0]?.field).toBe(
      'header.x-testbridge-user',
    );
    const unknown = await askForLink(tool('bob'), 'no-such-connection');
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');

    const { link } = await linkFor('tool-user-bob');
    expect(link.url).toMatch(new RegExp(`^${PUBLIC}/authorize/[A-Za-z0-9_-]{43}$`));
    expect(link).toMatchObject({
      user: 'tool-user-bob',
      expiresAt: new Date(Date.parse(START) + 15 * 60_000).toISOString(),
    });
    const asAdmin = await askForLink({ ...t.asAdmin(), 'x-testbridge-user': 'tool-user-ann' });
    expect(asAdmin.status).toBe(201);
  });

  it('shows the site and the user, starts the user’s flow on the button and ends connected; the link then is used', async () => {
    const { path } = await linkFor('tool-user-bob');
    const browser = createBrowser(t);
    const page = await browser.get(path);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain(`form-action 'self' ${t.sim.baseUrl}`);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    const html = await page.text();
    expect(html).toContain(`${t.sim.baseUrl}/cloud/acme`);
    expect(html).toContain('<strong>tool-user-bob</strong>');
    expect(html).not.toContain('aria-label="Admin"');
    expect(html.match(/<script(?![^>]*\bsrc=)[^>]*>/g)).toBeNull();
    expect(browser.jar.get('tb_authorize')).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const go = await browser.post(path, { _csrf: csrfOf(html) });
    expect(go.status, lastError(t)).toBe(303);
    const consentUrl = go.headers.get('location') ?? '';
    expect(consentUrl.startsWith(`${t.sim.baseUrl}/auth/authorize?`)).toBe(true);

    const consent = t.sim.approveConsent(consentUrl, { loginHint: 'bob@acme.test' });
    const callback = new URL(consent.redirectUrl);
    const done = await browser.get(`${callback.pathname}${callback.search}`);
    expect(await done.text()).toContain('data-testid="connected"');
    const asBob = await jiraMyself(t, connectionId, tool('tool-user-bob'));
    expect(await asBob.json()).toMatchObject({ accountId: BOB, grant: 'user' });

    const again = await browser.get(path);
    expect(again.status).toBe(410);
    expect(await again.text()).toContain('ask it for a new authorization link');
    const reused = await browser.post(path, { _csrf: csrfOf(html) });
    expect(reused.status).toBe(410);
  });

  it('refuses the button without the page’s cookie or with a forged token, and keeps the link', async () => {
    const { path } = await linkFor('tool-user-carol');
    const elsewhere = createBrowser(t);
    const page = await elsewhere.get(path);
    const token = csrfOf(await page.text());
    const attacker = createBrowser(t);
    const noCookie = await attacker.post(path, { _csrf: token });
    expect(noCookie.status).toBe(403);
    expect(await noCookie.text()).toContain('CSRF');
    const forged = await elsewhere.post(path, { _csrf: 'forged' });
    expect(forged.status).toBe(403);
    // A token for another link is no good for this one either.
    const other = await linkFor('tool-user-carol');
    const otherToken = csrfOf(await (await elsewhere.get(other.path)).text());
    expect((await elsewhere.post(path, { _csrf: otherToken })).status).toBe(403);
    expect((await elsewhere.get(path)).status).toBe(200);
    expect((await elsewhere.post(path, { _csrf: token })).status).toBe(303);
  });

  it('expires a link after 15 minutes on the clock and answers 404 for an unknown one', async () => {
    const { path } = await linkFor('tool-user-dan');
    const browser = createBrowser(t);
    const token = csrfOf(await (await browser.get(path)).text());
    advance(t, 15 * 60_000);
    const expired = await browser.get(path);
    expect(expired.status).toBe(410);
    expect(await expired.text()).toContain('expired');
    expect((await browser.post(path, { _csrf: token })).status).toBe(410);

    const unknown = await browser.get(`/authorize/${'A'.repeat(43)}`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('new authorization link');
    expect((await browser.get('/authorize/not-a-token')).status).toBe(404);
  });

  it('makes the links of a revoked key dead (410)', async () => {
    const created = await t.app.request('/api/v1/api-keys', {
      method: 'POST',
      headers: t.asAdmin(json),
      body: JSON.stringify({ name: 'short-lived tool', role: 'tool' }),
    });
    const { id, key } = (await created.json()) as { id: string; key: string };
    const res = await askForLink({ authorization: `Bearer ${key}`, 'x-testbridge-user': 'eve' });
    const path = new URL(AuthorizationLink.parse(await res.json()).url).pathname;
    const browser = createBrowser(t);
    const token = csrfOf(await (await browser.get(path)).text());
    await t.app.request(`/api/v1/api-keys/${id}`, { method: 'DELETE', headers: t.asAdmin() });
    expect((await browser.get(path)).status).toBe(410);
    const refused = await browser.post(path, { _csrf: token });
    expect(refused.status).toBe(410);
    expect(await refused.text()).toContain('no longer has access');
  });

  it('gives the link back when Jira refuses to start the flow, so the user can try again', async () => {
    const created = await t.app.request('/api/v1/connections/oauth', {
      method: 'POST',
      headers: t.asAdmin(json),
      body: JSON.stringify({
        name: `OAuth 1.0a links ${store}`,
        jiraUrl: `${t.sim.baseUrl}/dc/jira`,
        auth: { type: 'oauth1', consumerKey: `tb-links-${store}` },
      }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const { connection, applicationLink } = OAuthConnectionCreated.parse(await created.json());
    const res = await askForLink(tool('tool-user-frank'), connection.id);
    const path = new URL(AuthorizationLink.parse(await res.json()).url).pathname;
    const browser = createBrowser(t);
    const page = await browser.get(path);
    expect(page.headers.get('content-security-policy')).toContain(
      `form-action 'self' ${t.sim.baseUrl}`,
    );
    const token = csrfOf(await page.text());
    // The application link is not in Jira yet: Jira refuses the request token.
    const refused = await browser.post(path, { _csrf: token });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.headers.get('content-type')).toContain('text/html');
    expect(await refused.text()).toContain('The link is still unused');

    t.sim.registerOAuth1Consumer({
      consumerKey: `tb-links-${store}`,
      name: 'Testbridge',
      publicKeyPem: applicationLink?.publicKey ?? '',
    });
    const retried = await browser.post(path, { _csrf: token });
    expect(retried.status, lastError(t)).toBe(303);
    expect(retried.headers.get('location')).toContain('/dc/jira/plugins/servlet/oauth/authorize');
  });
});
