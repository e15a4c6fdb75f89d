import { createSim, SEEDED } from '@testbridge/jira-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, revokeApiKey } from '../api-keys/service.ts';
import { createTestApp, TEST_ADMIN_KEY } from '../testing/index.ts';
import { SESSION_COOKIE, SIGN_IN_COOKIE } from './guard.ts';
import { SESSION_TTL_MS } from './session.ts';
import { createBrowser, csrfOf, signedIn, type TestApp } from './testing.ts';

describe('the admin UI session', () => {
  const sim = createSim({ baseUrl: 'http://jira-sim.test' });
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      fetch: sim.fetch as typeof fetch,
      env: { ALLOW_PRIVATE_JIRA_URLS: '1' },
    });
  });
  afterAll(() => t.cleanup());

  it('answers / with a page naming the instance, linking /admin and /docs, under a strict CSP', async () => {
    const res = await t.app.request('/');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('http://testbridge.test');
    expect(html).toContain('href="/admin"');
    expect(html).toContain('href="/docs"');
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    // No inline script anywhere: every <script> has a src.
    expect(html.match(/<script(?![^>]*\bsrc=)[^>]*>/g)).toBeNull();
  });

  it('sends a visitor without a session to the sign-in page', async () => {
    const res = await t.app.request('/admin/connections');
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/sign-in?next=%2Fadmin%2Fconnections');
  });

  it('answers a script without a session with the API’s 401 problem, not a redirect', async () => {
    const res = await t.app.request('/admin/connections/c1/authorize/f1/status', {
      headers: { accept: 'application/json' },
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
  });

  it('refuses a wrong key, a revoked key and a tool key, and sets no session', async () => {
    const tool = await createApiKey(t.deps, { name: 'tool', role: 'tool' });
    const revoked = await createApiKey(t.deps, { name: 'gone', role: 'admin' });
    await revokeApiKey(t.deps, revoked.id);
    for (const key of [`tb_${'B'.repeat(43)}`, tool.key, revoked.key, '']) {
      const { browser, res } = await signedIn(t, key);
      expect(res.status).toBe(401);
      expect(await res.text()).toContain('That key is unknown, revoked, or not an admin key.');
      expect(browser.jar.has(SESSION_COOKIE)).toBe(false);
    }
    expect(t.logs.text()).not.toContain(tool.key);
  });

  it('refuses a sign-in form without its CSRF cookie or with another token', async () => {
    const browser = createBrowser(t);
    await browser.get('/admin/sign-in');
    const forged = await browser.post('/admin/sign-in', {
      _csrf: 'forged',
      apiKey: TEST_ADMIN_KEY,
    });
    expect(forged.status).toBe(403);
    browser.jar.delete(SIGN_IN_COOKIE);
    const cookieless = await browser.post('/admin/sign-in', { _csrf: '', apiKey: TEST_ADMIN_KEY });
    expect(cookieless.status).toBe(403);
    expect(browser.jar.has(SESSION_COOKIE)).toBe(false);
  });

  it('signs in into an HttpOnly SameSite=Strict cookie whose token is stored only hashed, and never shows the key', async () => {
    const { browser, res } = await signedIn(t);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/admin/connections');
    const setCookie = res.headers.getSetCookie().find((line) => line.startsWith(SESSION_COOKIE));
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    expect(setCookie).toMatch(/Path=\/admin/);
    const token = browser.jar.get(SESSION_COOKIE) ?? '';
    const rows = await t.deps.store.db.select().from(t.deps.store.tables.adminSessions);
    expect(rows.map((row) => row.id)).not.toContain(token);
    const page = await browser.get('/admin/connections');
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Jira connections');
    expect(html).not.toContain(TEST_ADMIN_KEY);
    expect(html).not.toContain(token);
  });

  it('refuses a signed-in POST without the session CSRF token, and does nothing', async () => {
    const { browser } = await signedIn(t);
    const fields = {
      name: 'Forged',
      jiraUrl: `${sim.baseUrl}/dc/jira`,
      behindProxy: 'no',
      deployment: 'data_center',
      authType: 'dc_pat',
      'auth.type': 'dc_pat',
      'auth.token': SEEDED.pats.admin,
    };
    const missing = await browser.post('/admin/connections/new/create', fields);
    expect(missing.status).toBe(403);
    const other = await signedIn(t);
    const otherPage = await other.browser.get('/admin/connections/new');
    const foreign = await browser.post('/admin/connections/new/create', {
      ...fields,
      _csrf: csrfOf(await otherPage.text()),
    });
    expect(foreign.status).toBe(403);
    const list = await browser.get('/admin/connections');
    expect(await list.text()).not.toContain('Forged');
  });

  it('ends the session after its lifetime on the injected clock, and when its key is revoked', async () => {
    const { browser } = await signedIn(t);
    t.clock.advance(SESSION_TTL_MS - 1000);
    expect((await browser.get('/admin/connections')).status).toBe(200);
    t.clock.advance(1000);
    const expired = await browser.get('/admin/connections');
    expect(expired.status).toBe(303);
    expect(expired.headers.get('location')).toMatch(/^\/admin\/sign-in/);

    const second = await createApiKey(t.deps, { name: 'second admin', role: 'admin' });
    const { browser: other } = await signedIn(t, second.key);
    expect((await other.get('/admin/connections')).status).toBe(200);
    await revokeApiKey(t.deps, second.id);
    expect((await other.get('/admin/connections')).status).toBe(303);
  });

  it('signs out: the session is gone server-side, the old cookie no longer works', async () => {
    const { browser } = await signedIn(t);
    const token = browser.jar.get(SESSION_COOKIE) ?? '';
    const page = await browser.get('/admin/connections');
    const out = await browser.post('/admin/sign-out', { _csrf: csrfOf(await page.text()) });
    expect(out.status).toBe(303);
    expect(browser.jar.has(SESSION_COOKIE)).toBe(false);
    const replay = await t.app.request('/admin/connections', {
      headers: { cookie: `${SESSION_COOKIE}=${token}` },
    });
    expect(replay.status).toBe(303);
  });

  it('connects Data Center with a PAT through the wizard: detect, confirm, credentials, diagnostics', async () => {
    const { browser } = await signedIn(t);
    const csrf = csrfOf(await (await browser.get('/admin/connections/new')).text());
    const site = await browser.post('/admin/connections/new/site', {
      _csrf: csrf,
      name: 'DC by wizard',
      jiraUrl: `${sim.baseUrl}/dc/jira`,
      behindProxy: 'no',
    });
    expect(site.status).toBe(200);
    const method = await site.text();
    expect(method).toContain('answered: Jira Data Center');
    const credentials = await browser.post('/admin/connections/new/method', {
      _csrf: csrf,
      name: 'DC by wizard',
      jiraUrl: `${sim.baseUrl}/dc/jira`,
      behindProxy: 'no',
      deployment: 'data_center',
      authType: 'dc_pat',
    });
    expect(await credentials.text()).toContain('Personal access token');
    const created = await browser.post('/admin/connections/new/create', {
      _csrf: csrf,
      name: 'DC by wizard',
      jiraUrl: `${sim.baseUrl}/dc/jira`,
      behindProxy: 'no',
      deployment: 'data_center',
      authType: 'dc_pat',
      'auth.type': 'dc_pat',
      'auth.token': SEEDED.pats.admin,
    });
    expect(created.status).toBe(303);
    const diagnostics = await browser.get(created.headers.get('location') ?? '');
    const html = await diagnostics.text();
    expect(html).toContain('Done: DC by wizard is connected.');
    expect(html).not.toContain(SEEDED.pats.admin);
  });

  it('shows a wrong URL next to its field, and a refused token next to the token field', async () => {
    const { browser } = await signedIn(t);
    const csrf = csrfOf(await (await browser.get('/admin/connections/new')).text());
    const bad = await browser.post('/admin/connections/new/site', {
      _csrf: csrf,
      name: 'Broken',
      jiraUrl: 'not a url',
      behindProxy: 'no',
    });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('id="f-jiraUrl-error"');
    const refused = await browser.post('/admin/connections/new/create', {
      _csrf: csrf,
      name: 'Refused',
      jiraUrl: `${sim.baseUrl}/dc/jira`,
      behindProxy: 'no',
      deployment: 'data_center',
      authType: 'dc_pat',
      'auth.type': 'dc_pat',
      'auth.token': 'wrong-token',
    });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain('Jira refused these credentials');
  });
});
