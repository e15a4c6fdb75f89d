/**
 * The admin UI's settings pages in Debian's Chromium: a project mapping with the "Create defects
 * in Jira" toggle and its manual webhook (URL, secret once, events, copy buttons), and a DevOps site with CI credentials shown once and a build's verdict.
 */
import { readFileSync } from 'node:fs';
import { SEEDED } from '@testbridge/jira-sim';
import { Connection } from '@testbridge/shared/api/connections';
import { DevopsEventList, DevopsSiteList } from '@testbridge/shared/api/devops';
import { MappingList } from '@testbridge/shared/api/mappings';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  type AdminHarness,
  expectNoAxeViolations,
  screenshot,
  signInWithKeyboard,
  startAdminHarness,
  tabTo,
} from './admin-harness.ts';

const TIMEOUT = 180_000;
const JENKINS_BUILD = new URL('../../jira-sim/fixtures/jenkins/build.json', import.meta.url);

let h: AdminHarness;
let admin: Page;
let connection: Connection;

beforeAll(async () => {
  h = await startAdminHarness();
  const res = await h.t.app.request('/api/v1/connections', {
    method: 'POST',
    headers: h.t.asAdmin({ 'content-type': 'application/json' }),
    body: JSON.stringify({
      name: 'Data Center',
      jiraUrl: `${h.sim.baseUrl}/dc/jira`,
      auth: { type: 'dc_pat', token: SEEDED.pats.admin },
    }),
  });
  expect(res.status).toBe(201);
  connection = Connection.parse(await res.json());
  admin = await h.chromium.context.newPage();
  await signInWithKeyboard(admin, h.backendUrl);
  await admin.waitForURL(`${h.backendUrl}/admin/connections`);
}, 900_000);

afterAll(async () => {
  await h?.close();
});

async function mappings() {
  const res = await h.t.app.request('/api/v1/mappings', { headers: h.t.asAdmin() });
  return MappingList.parse(await res.json()).items;
}

describe('project mappings', () => {
  it(
    'maps a tool project with defects on, then turns the "Create defects in Jira" toggle off',
    async () => {
      await admin.getByRole('link', { name: 'Mappings' }).click();
      await admin.getByLabel('Tool project key').fill('WEBAPP');
      await admin.getByLabel('Tool project name').fill('Web app');
      await admin.getByLabel('Jira connection').selectOption({ label: 'Data Center' });
      await admin.getByLabel('Jira project key').fill('TB');
      // The toggle by keyboard: Tab to it, Space.
      await tabTo(admin, 'input[name=createDefects]');
      await admin.keyboard.press('Space');
      await admin.getByLabel('Defect issue type').fill('Bug');
      await admin.getByLabel('Webhook mode').selectOption('manual');
      await expectNoAxeViolations(admin);
      await admin.getByRole('button', { name: 'Map the project' }).click();
      await admin.waitForURL('**/admin/mappings/*');
      expect(await admin.getByLabel('Create defects in Jira').isChecked()).toBe(true);
      expect(await mappings()).toEqual([
        expect.objectContaining({
          toolProject: { key: 'WEBAPP', name: 'Web app' },
          connectionId: connection.id,
          createDefects: true,
          defectIssueType: expect.objectContaining({ name: 'Bug' }),
          webhookMode: 'manual',
        }),
      ]);

      await admin.getByLabel('Create defects in Jira').uncheck();
      await admin.getByRole('button', { name: 'Save' }).click();
      await expect.poll(() => admin.getByRole('status').textContent()).toBe('Saved.');
      expect(await admin.getByLabel('Create defects in Jira').isChecked()).toBe(false);
      expect((await mappings())[0]).toMatchObject({ createDefects: false, webhookMode: 'manual' });
      await expectNoAxeViolations(admin);
      await admin.getByRole('link', { name: 'Mappings' }).click();
      expect(await admin.getByTestId('mapping-WEBAPP').textContent()).toContain('Off');
      await screenshot(admin, 'admin-mapping');
      await admin.getByRole('link', { name: 'WEBAPP' }).click();
      await admin.getByLabel('Jira issue key').fill('TB-1');
      await admin.getByRole('button', { name: 'Show its coverage' }).click();
      await expect
        .poll(() => admin.getByTestId('coverage').textContent())
        .toContain('Uncovered: no test covers this issue');
      await expectNoAxeViolations(admin);
    },
    TIMEOUT,
  );

  it(
    'manual webhook: URL, secret (once) and events with working copy buttons; the test event waits',
    async () => {
      await h.chromium.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
        origin: h.backendUrl,
      });
      await admin.goto(`${h.backendUrl}/admin/mappings`);
      await admin.getByRole('link', { name: 'WEBAPP' }).click();
      expect(await admin.getByTestId('webhook-mode').textContent()).toContain('Mode: manual.');
      await admin.getByRole('button', { name: 'Issue the webhook URL and secret' }).click();
      await admin.getByTestId('secret-warning').waitFor();
      const url = (await admin.locator('#copy-webhook-url').textContent()) ?? '';
      const secret = (await admin.locator('#copy-webhook-secret').textContent()) ?? '';
      expect(url).toMatch(new RegExp(`^${h.backendUrl}/webhooks/jira/endpoints/[^/]+$`));
      expect(secret.length).toBeGreaterThanOrEqual(32);
      expect(await admin.locator('#copy-webhook-events').textContent()).toContain(
        'issue_property_set',
      );
      for (const [id, value] of [
        ['copy-webhook-url', url],
        ['copy-webhook-secret', secret],
      ] as const) {
        await tabTo(admin, `button[data-copy="${id}"]`);
        await admin.keyboard.press('Enter');
        await expect.poll(() => admin.locator(`#${id}-copied`).textContent()).toBe('Copied');
        expect(await admin.evaluate(() => navigator.clipboard.readText())).toBe(value);
      }
      await admin.locator('button[data-copy="copy-webhook-events"]').click();
      await expect
        .poll(() => admin.evaluate(() => navigator.clipboard.readText()))
        .toContain('jira:issue_updated\njira:issue_deleted');
      await expectNoAxeViolations(admin);
      await screenshot(admin, 'admin-mapping-webhook');
      // Opened again (the address bar shows …/webhook): the URL and events, never the secret.
      expect(admin.url()).toMatch(/\/admin\/mappings\/[^/]+\/webhook$/);
      await admin.goto(admin.url());
      await admin.waitForURL(/\/admin\/mappings\/[^/]+#webhook$/);
      expect(await admin.locator('#copy-webhook-url').textContent()).toBe(url);
      expect(await admin.locator('#copy-webhook-secret').count()).toBe(0);
      expect(await admin.content()).not.toContain(secret);
      // Nothing entered in Jira: the test event is sent and waits, with a way to refresh.
      await admin.getByRole('button', { name: 'Send test event' }).click();
      await admin.waitForURL('**/webhook/test/*');
      expect(await admin.getByTestId('check-status').textContent()).toContain('Waiting');
      await expectNoAxeViolations(admin);
      await admin.getByRole('link', { name: 'Back to the mapping' }).click();
      // The known webhooks, on the mappings list.
      await admin.getByRole('link', { name: 'Mappings' }).click();
      expect(await admin.getByTestId('known-webhooks').textContent()).toContain(url);
      await expectNoAxeViolations(admin);
    },
    TIMEOUT,
  );

  it('refuses an unknown Jira project next to its field, and stores nothing', async () => {
    await admin.goto(`${h.backendUrl}/admin/mappings`);
    await admin.getByLabel('Tool project key').fill('MOBILE');
    await admin.getByLabel('Tool project name').fill('Mobile');
    await admin.getByLabel('Jira project key').fill('NOPE');
    await admin.getByRole('button', { name: 'Map the project' }).click();
    await admin.getByRole('alert').waitFor();
    await expectNoAxeViolations(admin);
    expect((await mappings()).map((m) => m.toolProject.key)).toEqual(['WEBAPP']);
  });
});

describe('DevOps sites', () => {
  it(
    'adds a site from Jira OAuth credentials, shows CI credentials once, and shows the verdict of a build CI posted with them',
    async () => {
      await admin.getByRole('link', { name: 'DevOps' }).click();
      await admin.getByLabel('App name').fill('Jenkins');
      await admin.getByLabel('Jira Cloud site URL').fill(`${h.sim.baseUrl}/cloud/acme`);
      await admin.getByLabel('Client ID').fill(SEEDED.devopsClients.acme.clientId);
      await admin.getByLabel('Client secret').fill(SEEDED.devopsClients.acme.clientSecret);
      await expectNoAxeViolations(admin);
      await admin.getByRole('button', { name: 'Add the site' }).click();
      await admin.waitForURL('**/admin/devops/dvs_*');

      await admin.getByLabel('Name of the new CI credentials').fill('Jenkins main');
      await admin.getByRole('button', { name: 'Issue CI credentials' }).click();
      const clientId = (await admin.locator('#copy-ci-client-id').textContent()) ?? '';
      const clientSecret = (await admin.locator('#copy-ci-secret').textContent()) ?? '';
      expect(clientSecret).toMatch(/^tbcs_/);
      expect(await admin.locator('#copy-ci-token-url').textContent()).toBe(
        `${h.backendUrl}/oauth/token`,
      );
      await expectNoAxeViolations(admin);
      await screenshot(admin, 'admin-ci-credentials');
      // Shown once: the site's page does not show the secret again.
      const sitePage = admin.url().replace(/\/credentials$/, '');
      await admin.goto(sitePage);
      expect(await admin.content()).not.toContain(clientSecret);
      expect(await admin.locator('tbody tr', { hasText: 'Jenkins main' }).count()).toBe(1);

      // CI, exactly as it would talk to Jira: a token, then the builds door.
      const token = await fetch(`${h.backendUrl}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: clientId,
          client_secret: clientSecret,
        }),
      });
      expect(token.status).toBe(200);
      const { access_token } = z.object({ access_token: z.string() }).parse(await token.json());
      const sites = DevopsSiteList.parse(
        await (await h.t.app.request('/api/v1/devops/sites', { headers: h.t.asAdmin() })).json(),
      ).items;
      const site = sites[0];
      if (!site) throw new Error('no site');
      const payload = z
        .object({ payload: z.record(z.string(), z.unknown()) })
        .parse(JSON.parse(readFileSync(JENKINS_BUILD, 'utf8').replaceAll('JEN-25', 'TB-25')));
      const posted = await fetch(`${h.backendUrl}/jira/builds/0.1/cloud/${site.cloudId}/bulk`, {
        method: 'POST',
        headers: { authorization: `Bearer ${access_token}`, 'content-type': 'application/json' },
        body: JSON.stringify(payload.payload),
      });
      expect(posted.status).toBe(202);
      const events = DevopsEventList.parse(
        await (
          await h.t.app.request(`/api/v1/devops/events?siteId=${site.id}`, {
            headers: h.t.asAdmin(),
          })
        ).json(),
      ).items;
      const event = events[0];
      if (!event) throw new Error('no event');

      await admin.goto(sitePage);
      const row = admin.getByTestId(`event-${event.id}`);
      await expect.poll(() => row.textContent()).toContain(event.explanation);
      expect(event.explanation).not.toBe('');
      expect(await row.textContent()).toContain(
        (event.verdict ?? event.status).replaceAll('_', ' '),
      );
      await expectNoAxeViolations(admin);
      await screenshot(admin, 'admin-devops-event');
    },
    TIMEOUT,
  );
});

describe('Jira users', () => {
  it(
    'loads every user of a connection with a progress bar and the counts by account type',
    async () => {
      // What the JSON API gives, page by page, is what the page must count.
      let expected = 0;
      let cursor: string | null = null;
      do {
        const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
        const res = await h.t.app.request(
          `/api/v1/connections/${connection.id}/jira/users?limit=100${query}`,
          { headers: h.t.asAdmin() },
        );
        const page = z
          .object({ items: z.array(z.unknown()), nextCursor: z.string().nullable() })
          .parse(await res.json());
        expected += page.items.length;
        cursor = page.nextCursor;
      } while (cursor);
      expect(expected).toBeGreaterThan(0);
      await admin.goto(`${h.backendUrl}/admin/connections/${connection.id}`);
      await admin.getByRole('link', { name: 'Jira users' }).click();
      await expectNoAxeViolations(admin);
      await admin.getByRole('button', { name: 'Load all users' }).click();
      await expect
        .poll(() => admin.locator('#users-count').textContent(), { timeout: 120_000 })
        .toBe(`Done: ${expected} users (${expected} atlassian)`);
      expect(await admin.locator('#users-progress').getAttribute('value')).toBe('1');
      await expectNoAxeViolations(admin);
    },
    TIMEOUT,
  );
});

describe('API keys', () => {
  it('creates a tool key shown once, by keyboard', async () => {
    await admin.getByRole('link', { name: 'API keys' }).click();
    await expectNoAxeViolations(admin);
    await tabTo(admin, '#f-name');
    await admin.keyboard.type('Test tool');
    await admin.keyboard.press('Enter');
    const key = (await admin.locator('#copy-api-key').textContent()) ?? '';
    expect(key).toMatch(/^tb_/);
    await expectNoAxeViolations(admin);
    const whoami = await fetch(`${h.backendUrl}/api/v1/whoami`, {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(whoami.status).toBe(200);
    await admin.goto(`${h.backendUrl}/admin/api-keys`);
    expect(await admin.content()).not.toContain(key);
  });
});

describe('the accessibility check itself', () => {
  it('fails on a page with an unlabelled input', async () => {
    const page = await h.chromium.context.newPage();
    await page.setContent(
      '<html lang="en"><head><title>x</title></head><body><main><input></main></body></html>',
    );
    await expect(expectNoAxeViolations(page)).rejects.toThrow(/label/);
    await page.close();
  });
});
