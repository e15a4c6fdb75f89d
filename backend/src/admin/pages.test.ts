import { createSim, SEEDED } from '@testbridge/jira-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOAuthConnection } from '../oauth/create.ts';
import { createTestApp, TEST_ADMIN_KEY } from '../testing/index.ts';
import { csrfOf, signedIn, type TestApp } from './testing.ts';

describe('the admin pages', () => {
  const sim = createSim({ baseUrl: 'http://jira-sim.test' });
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      fetch: sim.fetch as typeof fetch,
      env: { ALLOW_PRIVATE_JIRA_URLS: '1' },
    });
  });
  afterAll(() => t.cleanup());

  it('renders every page of the navigation under the CSP, with labelled forms and no inline script', async () => {
    const { browser } = await signedIn(t);
    for (const path of [
      '/admin/connections',
      '/admin/connections/new',
      '/admin/mappings',
      '/admin/devops',
      '/admin/api-keys',
    ]) {
      const res = await browser.get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
      expect(res.headers.get('cache-control'), path).toBe('no-store');
      const html = await res.text();
      expect(html.match(/<script(?![^>]*\bsrc=)[^>]*>/g), path).toBeNull();
      expect(html, path).not.toMatch(/\son[a-z]+=/);
      // Every visible input has a label naming it.
      for (const [, id] of html.matchAll(
        /<input(?![^>]*type="(?:hidden|radio|checkbox)")[^>]*id="([^"]+)"/g,
      ))
        expect(html, `${path} #${id}`).toContain(`for="${id}"`);
    }
  });

  it('creates an API key shown once, and revokes it', async () => {
    const { browser } = await signedIn(t);
    const csrf = csrfOf(await (await browser.get('/admin/api-keys')).text());
    const created = await browser.post('/admin/api-keys', {
      _csrf: csrf,
      name: 'CI tool',
      role: 'tool',
    });
    const html = await created.text();
    const key = /id="copy-api-key">(tb_[^<]+)</.exec(html)?.[1] ?? '';
    expect(key).toMatch(/^tb_/);
    const whoami = await t.app.request('/api/v1/whoami', {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(whoami.status).toBe(200);
    const listed = await (await browser.get('/admin/api-keys')).text();
    expect(listed).not.toContain(key);
    const row = /data-testid="api-key-CI tool"[\s\S]*?<\/tr>/.exec(listed)?.[0] ?? '';
    const id = /action="\/admin\/api-keys\/([^/]+)\/revoke"/.exec(row)?.[1];
    expect(id).toBeTruthy();
    const revoked = await browser.post(`/admin/api-keys/${id}/revoke`, { _csrf: csrf });
    expect(revoked.status).toBe(303);
    const again = await t.app.request('/api/v1/whoami', {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(again.status).toBe(401);
    expect(listed).not.toContain(TEST_ADMIN_KEY);
  });

  it('updates the OAuth configuration with the wrench: a new secret keeps the grants, and the history says so', async () => {
    const caller = { keyId: 'k', name: 'test', role: 'admin' as const };
    const { connection } = await createOAuthConnection(
      t.deps,
      {
        name: 'DC app link',
        jiraUrl: `${sim.baseUrl}/dc/jira`,
        auth: {
          type: 'dc_oauth2',
          clientId: SEEDED.dcOAuthClient.clientId,
          clientSecret: 'old-secret',
        },
      },
      caller,
    );
    const { browser } = await signedIn(t);
    const page = await (await browser.get(`/admin/connections/${connection.id}`)).text();
    expect(page).toContain('Update the OAuth configuration');
    expect(page).toContain('OAuth history');
    const saved = await browser.post(`/admin/connections/${connection.id}/oauth`, {
      _csrf: csrfOf(page),
      clientId: SEEDED.dcOAuthClient.clientId,
      clientSecret: SEEDED.dcOAuthClient.clientSecret,
    });
    expect(saved.status).toBe(200);
    const html = await saved.text();
    expect(html).toContain('Saved. Grants kept');
    expect(html).toContain('configuration updated');
    expect(html).not.toContain(SEEDED.dcOAuthClient.clientSecret);

    const nothing = await browser.post(`/admin/connections/${connection.id}/oauth`, {
      _csrf: csrfOf(page),
      clientId: SEEDED.dcOAuthClient.clientId,
    });
    expect(nothing.status).toBe(400);
    expect(await nothing.text()).toContain('role="alert"');
  });

  it('lists a connection’s Jira users a page at a time without script, with a link to the next page', async () => {
    const res = await t.app.request('/api/v1/connections', {
      method: 'POST',
      headers: t.asAdmin({ 'content-type': 'application/json' }),
      body: JSON.stringify({
        name: 'DC users',
        jiraUrl: `${sim.baseUrl}/dc/jira`,
        auth: { type: 'dc_pat', token: SEEDED.pats.admin },
      }),
    });
    const { id } = (await res.json()) as { id: string };
    const { browser } = await signedIn(t);
    const first = await browser.get(`/admin/connections/${id}/users`);
    expect(first.status).toBe(200);
    const html = await first.text();
    expect(html.match(/<tr>/g)?.length).toBe(101);
    const next = /href="(\/admin\/connections\/[^"]+\/users\?cursor=[^"]+)"/.exec(html)?.[1] ?? '';
    expect(next).not.toBe('');
    const second = await browser.get(next.replaceAll('&amp;', '&'));
    expect(second.status).toBe(200);
    expect(await second.text()).not.toBe(html);
  });

  it('deletes a connection only when the deletion is confirmed', async () => {
    const res = await t.app.request('/api/v1/connections', {
      method: 'POST',
      headers: t.asAdmin({ 'content-type': 'application/json' }),
      body: JSON.stringify({
        name: 'Doomed',
        jiraUrl: `${sim.baseUrl}/dc/jira`,
        auth: { type: 'dc_pat', token: SEEDED.pats.admin },
      }),
    });
    const { id } = (await res.json()) as { id: string };
    const { browser } = await signedIn(t);
    const csrf = csrfOf(await (await browser.get(`/admin/connections/${id}`)).text());
    const unconfirmed = await browser.post(`/admin/connections/${id}/delete`, { _csrf: csrf });
    expect(unconfirmed.status).toBe(400);
    expect(await unconfirmed.text()).toContain('nothing was deleted');
    const deleted = await browser.post(`/admin/connections/${id}/delete`, {
      _csrf: csrf,
      confirm: 'yes',
    });
    expect(deleted.status).toBe(303);
    const gone = await t.app.request(`/api/v1/connections/${id}`, { headers: t.asAdmin() });
    expect(gone.status).toBe(404);
  });
});
