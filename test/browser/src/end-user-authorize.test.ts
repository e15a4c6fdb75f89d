/**
 * An end user authorizing themselves (per-user OAuth) through Testbridge's own link, in Debian's
 * Chromium: the tool asks for a link, the user opens it, presses "Authorize in Jira" (by
 * keyboard), allows at the simulator's Data Center OAuth 2.0 consent page (another site), and
 * lands on "Connected to Jira"; the user's grant then acts for them. axe-core on every page.
 */
import { AuthorizationLink, OAuthConnectionCreated } from '@testbridge/shared/api/oauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AdminHarness,
  expectNoAxeViolations,
  screenshot,
  startAdminHarness,
  tabTo,
} from './admin-harness.ts';

const TIMEOUT = 180_000;
const json = { 'content-type': 'application/json' };

let h: AdminHarness;

beforeAll(async () => {
  h = await startAdminHarness();
}, 900_000);

afterAll(async () => {
  await h?.close();
});

describe('an end user’s own authorization', () => {
  it(
    'opens the tool’s link, authorizes in Jira Data Center and ends connected; the grant acts as them and the link is used',
    async () => {
      h.sim.sim.registerDcOAuthClient({
        clientId: 'browser-end-user-client',
        clientSecret: 'browser-end-user-secret',
        name: 'Testbridge (end users)',
        redirectUri: `${h.backendUrl}/oauth/callback`,
        scope: 'ADMIN',
      });
      const created = await h.t.app.request('/api/v1/connections/oauth', {
        method: 'POST',
        headers: h.t.asAdmin(json),
        body: JSON.stringify({
          name: 'DC for end users',
          jiraUrl: `${h.sim.baseUrl}/dc/jira`,
          auth: {
            type: 'dc_oauth2',
            clientId: 'browser-end-user-client',
            clientSecret: 'browser-end-user-secret',
          },
        }),
      });
      expect(created.status, await created.clone().text()).toBe(201);
      const { connection } = OAuthConnectionCreated.parse(await created.json());
      const keyRes = await h.t.app.request('/api/v1/api-keys', {
        method: 'POST',
        headers: h.t.asAdmin(json),
        body: JSON.stringify({ name: 'test tool', role: 'tool' }),
      });
      const toolKey = ((await keyRes.json()) as { key: string }).key;
      const asJane = { authorization: `Bearer ${toolKey}`, 'x-testbridge-user': 'jane.doe' };

      const linkRes = await h.t.app.request(
        `/api/v1/connections/${connection.id}/authorization-links`,
        { method: 'POST', headers: asJane },
      );
      expect(linkRes.status, await linkRes.clone().text()).toBe(201);
      const link = AuthorizationLink.parse(await linkRes.json());
      expect(link.url.startsWith(`${h.backendUrl}/authorize/`)).toBe(true);

      const page = await h.chromium.context.newPage();
      const opened = await page.goto(link.url);
      expect(opened?.status()).toBe(200);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
        'Authorize Testbridge in Jira',
      );
      expect(await page.getByTestId('tool-user').textContent()).toBe('jane.doe');
      expect(await page.getByTestId('jira-site').textContent()).toContain(
        `${h.sim.baseUrl}/dc/jira`,
      );
      expect(await page.getByRole('navigation', { name: 'Admin' }).count()).toBe(0);
      await expectNoAxeViolations(page);
      await screenshot(page, 'end-user-authorize');

      await tabTo(page, 'form[action^="/authorize/"] button[type=submit]');
      await page.keyboard.press('Enter');
      await page.waitForURL(`${h.sim.baseUrl}/dc/jira/**`);
      await page.getByRole('button', { name: 'Allow' }).click();
      await page.waitForURL(`${h.backendUrl}/oauth/callback?**`);
      expect(await page.getByTestId('connected').textContent()).toContain(
        'Testbridge stored the authorization',
      );
      await screenshot(page, 'end-user-connected');

      const me = await h.t.app.request(`/api/v1/connections/${connection.id}/jira-myself`, {
        headers: asJane,
      });
      expect(me.status, await me.clone().text()).toBe(200);
      expect(await me.json()).toMatchObject({ name: 'admin', grant: 'user' });

      const reopened = await page.goto(link.url);
      expect(reopened?.status()).toBe(410);
      expect(await page.getByTestId('link-problem').textContent()).toContain('used already');
      await expectNoAxeViolations(page);
      await page.close();
    },
    TIMEOUT,
  );
});
