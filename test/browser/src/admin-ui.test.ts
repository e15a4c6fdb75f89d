/**
 * The admin UI clicked through in Debian's Chromium: sign-in (wrong key refused, CSRF refused),
 * the Data Center OAuth 2.0 wizard with the code paste, Cloud 3LO with two sites to choose from,
 * OAuth 1.0a with a generated key, and a connection going to "needs re-authorization" and back.
 * Every page visited is checked with axe-core; each wizard's last step is kept as a screenshot.
 */
import { TEST_ADMIN_KEY } from '@testbridge/backend/testing';
import { SEEDED } from '@testbridge/jira-sim';
import { Connection, ConnectionList } from '@testbridge/shared/api/connections';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AdminHarness,
  expectNoAxeViolations,
  screenshot,
  signInWithKeyboard,
  startAdminHarness,
  tabTo,
} from './admin-harness.ts';

const ACME = 'e745c11f-8b46-4ed4-b3cb-313a679e1d9f';
const GLOBEX = '29173f62-6e5f-4147-a120-2e54bd02b2c0';
const TIMEOUT = 180_000;

let h: AdminHarness;
let admin: Page;

beforeAll(async () => {
  h = await startAdminHarness();
  admin = await h.chromium.context.newPage();
  await h.chromium.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: h.backendUrl,
  });
}, 900_000);

afterAll(async () => {
  await h?.close();
});

async function connectionNamed(name: string): Promise<Connection> {
  const res = await h.t.app.request('/api/v1/connections', { headers: h.t.asAdmin() });
  const found = ConnectionList.parse(await res.json()).items.find((c) => c.name === name);
  if (!found) throw new Error(`no connection ${name}`);
  return Connection.parse(found);
}

/** Step 1 and 2 of the wizard: the site (no proxy), then the detected deployment and a method. */
async function siteAndMethod(name: string, jiraUrl: string, method: string, detected: string) {
  await admin.goto(`${h.backendUrl}/admin/connections`);
  await admin.getByRole('link', { name: 'Add connection' }).click();
  await admin.getByLabel('Connection name').fill(name);
  await admin.getByLabel('Jira URL').fill(jiraUrl);
  await expectNoAxeViolations(admin);
  await admin.getByRole('button', { name: 'Next: detect Jira' }).click();
  await expect.poll(() => admin.getByTestId('detected').textContent()).toContain(detected);
  await admin.getByLabel(method).check();
  await expectNoAxeViolations(admin);
  await admin.getByRole('button', { name: 'Next: credentials' }).click();
}

/** Clicks the consent link and answers with the tab Jira opened (target=_blank). */
async function openConsentTab(): Promise<Page> {
  const [tab] = await Promise.all([
    h.chromium.context.waitForEvent('page'),
    admin.getByTestId('authorization-link').click(),
  ]);
  await tab.waitForLoadState();
  return tab;
}

describe('signing in to the admin UI', () => {
  it(
    'refuses a wrong key, signs in with the right one by keyboard, and refuses a form with a forged CSRF token',
    async () => {
      await admin.goto(`${h.backendUrl}/`);
      await admin.getByRole('link', { name: 'Administration' }).waitFor();
      await expectNoAxeViolations(admin);
      await admin.goto(`${h.backendUrl}/admin`);
      await admin.waitForURL(`${h.backendUrl}/admin/sign-in?next=%2Fadmin`);
      await signInWithKeyboard(admin, h.backendUrl, `tb_${'W'.repeat(43)}`);
      await expect
        .poll(() => admin.getByRole('alert').textContent())
        .toContain('That key is unknown, revoked, or not an admin key.');
      await expectNoAxeViolations(admin);
      const cookies = await h.chromium.context.cookies(h.backendUrl);
      expect(cookies.some((cookie) => cookie.name === 'tb_admin_session')).toBe(false);

      await signInWithKeyboard(admin, h.backendUrl);
      await admin.waitForURL(`${h.backendUrl}/admin/connections`);
      const session = (await h.chromium.context.cookies(`${h.backendUrl}/admin`)).find(
        (cookie) => cookie.name === 'tb_admin_session',
      );
      expect(session).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
      expect(await admin.content()).not.toContain(TEST_ADMIN_KEY);
      // Page script cannot read the session.
      expect(await admin.evaluate(() => document.cookie)).not.toContain('tb_admin_session');
      await expectNoAxeViolations(admin);

      await admin.goto(`${h.backendUrl}/admin/connections/new`);
      await admin.evaluate(() => {
        for (const input of document.querySelectorAll<HTMLInputElement>('input[name=_csrf]'))
          input.value = 'forged';
      });
      await admin.getByLabel('Connection name').fill('Forged');
      await admin.getByLabel('Jira URL').fill(`${h.sim.baseUrl}/dc/jira`);
      const [refused] = await Promise.all([
        admin.waitForResponse((res) => res.url().endsWith('/admin/connections/new/site')),
        admin.getByRole('button', { name: 'Next: detect Jira' }).click(),
      ]);
      expect(refused.status()).toBe(403);
      expect(await admin.textContent('body')).toContain('CSRF');
    },
    TIMEOUT,
  );
});

describe('the add-connection wizards', () => {
  beforeAll(async () => {
    await signInWithKeyboard(admin, h.backendUrl);
    await admin.waitForURL(`${h.backendUrl}/admin/connections`);
  }, 120_000);

  it(
    'connects Data Center with OAuth 2.0: fields to copy, the consent in a new tab, the code pasted, diagnostics',
    async () => {
      h.sim.sim.registerDcOAuthClient({
        clientId: 'browser-dc-client',
        clientSecret: 'browser-dc-secret',
        name: 'Testbridge (browser)',
        redirectUri: `${h.backendUrl}/oauth/callback`,
        scope: 'ADMIN',
      });
      await siteAndMethod(
        'DC OAuth 2.0',
        `${h.sim.baseUrl}/dc/jira`,
        'OAuth 2.0 application link (Jira Data Center)',
        'Jira Data Center',
      );
      expect(await admin.locator('#copy-redirect').textContent()).toBe(
        `${h.backendUrl}/oauth/callback`,
      );
      await tabTo(admin, 'button[data-copy="copy-redirect"]');
      await admin.keyboard.press('Enter');
      await expect.poll(() => admin.locator('#copy-redirect-copied').textContent()).toBe('Copied');
      expect(await admin.evaluate(() => navigator.clipboard.readText())).toBe(
        `${h.backendUrl}/oauth/callback`,
      );
      await admin.getByLabel('Client ID').fill('browser-dc-client');
      await admin.getByLabel('Client secret').fill('browser-dc-secret');
      await expectNoAxeViolations(admin);
      await admin.getByRole('button', { name: 'Create connection: authorize next' }).click();

      await admin.waitForURL('**/authorize');
      await expectNoAxeViolations(admin);
      await admin.getByRole('button', { name: 'Next: authorize in Jira' }).click();
      await admin.getByTestId('authorization-link').waitFor();
      await expectNoAxeViolations(admin);
      // Approved as if in another browser: no binding cookie, so Jira's redirect shows a code.
      await h.chromium.context.clearCookies({ name: /^tb_oauth_/ });
      const jira = await openConsentTab();
      await jira.getByRole('button', { name: 'Allow' }).click();
      await jira.waitForURL(`${h.backendUrl}/oauth/callback?**`);
      const code = (await jira.getByTestId('verification-code').textContent()) ?? '';
      expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{2}$/);
      await jira.close();

      await admin.locator('#f-code').fill(code);
      await admin.getByRole('button', { name: 'Complete' }).click();
      await admin.waitForURL('**/diagnostics');
      expect(await admin.getByTestId('connected').textContent()).toContain('is connected');
      expect(await admin.locator('table tbody tr').count()).toBeGreaterThan(3);
      await expectNoAxeViolations(admin);
      await screenshot(admin, 'admin-dc-oauth2-done');
      expect(await connectionNamed('DC OAuth 2.0')).toMatchObject({ status: 'active' });
    },
    TIMEOUT,
  );

  it(
    'connects Cloud with 3LO when the consent covers two sites: the consent returns to this browser and the admin picks the site',
    async () => {
      // alice has consented on acme before, so her next consent covers acme and globex.
      const warmUp = new URL(`${h.sim.baseUrl}/auth/authorize`);
      for (const [key, value] of Object.entries({
        audience: 'api.atlassian.com',
        client_id: SEEDED.oauthApp.clientId,
        scope: 'read:jira-work offline_access',
        redirect_uri: `${h.backendUrl}/oauth/callback`,
        state: 'warm-up',
        response_type: 'code',
        prompt: 'consent',
      }))
        warmUp.searchParams.set(key, value);
      h.sim.sim.approveConsent(warmUp.toString(), { cloudId: ACME });

      // The admin typed another name of the site (as a custom domain would be), so Testbridge
      // cannot tell which of the consent's sites it is and asks.
      const alias = h.sim.baseUrl.replace('127.0.0.1', 'localhost');
      await siteAndMethod(
        'Cloud 3LO',
        `${alias}/cloud/acme`,
        'OAuth 2.0 (3LO) app (Jira Cloud)',
        'Jira Cloud',
      );
      expect(await admin.locator('#copy-scopes').textContent()).toContain('read:jira-work');
      await expectNoAxeViolations(admin);
      await admin.getByRole('button', { name: 'Create connection: authorize next' }).click();
      await admin.getByRole('button', { name: 'Next: authorize in Jira' }).click();
      const jira = await openConsentTab();
      await jira.selectOption('select#cloud_id', GLOBEX);
      await jira.getByRole('button', { name: 'Accept' }).click();
      await jira.waitForURL(`${h.backendUrl}/oauth/callback?**`);
      await jira.getByTestId('choose-site').waitFor();
      await jira.close();

      // The wizard's script notices the consent came back and shows the choice; no code asked.
      const acme = admin.getByRole('radio', { name: /acme/ });
      await acme.waitFor();
      expect(await admin.getByRole('radio', { name: /globex/ }).count()).toBe(1);
      expect(await admin.locator('#f-code').count()).toBe(0);
      await expectNoAxeViolations(admin);
      await acme.check();
      await admin.getByRole('button', { name: 'Use this site' }).click();
      await admin.waitForURL('**/diagnostics');
      expect(await admin.getByTestId('connected').textContent()).toContain('Cloud 3LO');
      await expectNoAxeViolations(admin);
      await screenshot(admin, 'admin-cloud-3lo-done');
      expect(await connectionNamed('Cloud 3LO')).toMatchObject({ status: 'active', cloudId: ACME });
    },
    TIMEOUT,
  );

  it(
    'connects Data Center with OAuth 1.0a and a generated key: public key and consumer key to copy, consent completed in this browser',
    async () => {
      await siteAndMethod(
        'DC OAuth 1',
        `${h.sim.baseUrl}/dc/jira`,
        'OAuth 1.0a application link (RSA key) (Jira Data Center)',
        'Jira Data Center',
      );
      expect(await admin.getByLabel('Consumer key').inputValue()).toBe('testbridge-dc-oauth-1');
      await admin.getByRole('button', { name: 'Create connection: authorize next' }).click();
      await admin.waitForURL('**/authorize');
      const publicKey = (await admin.locator('#copy-public-key').textContent()) ?? '';
      expect(publicKey).toContain('BEGIN PUBLIC KEY');
      const consumerKey = (await admin.locator('#copy-consumer-key').textContent()) ?? '';
      expect(consumerKey).toBe('testbridge-dc-oauth-1');
      await expectNoAxeViolations(admin);
      await screenshot(admin, 'admin-oauth1-link-fields');
      // What the Jira admin does with the copied values: the application link's incoming side.
      h.sim.sim.registerOAuth1Consumer({
        consumerKey,
        name: 'Testbridge',
        publicKeyPem: publicKey,
      });

      await admin.getByRole('button', { name: 'Next: authorize in Jira' }).click();
      const jira = await openConsentTab();
      await jira.getByRole('button', { name: 'Allow' }).click();
      await jira.waitForURL(`${h.backendUrl}/oauth/callback?**`);
      await jira.getByTestId('connected').waitFor();
      await jira.close();

      await admin.getByTestId('authorized').waitFor();
      await expectNoAxeViolations(admin);
      await admin.getByRole('button', { name: 'Next: run the diagnostics' }).click();
      await admin.waitForURL('**/diagnostics');
      expect(await admin.getByTestId('connected').textContent()).toContain('DC OAuth 1');
      await screenshot(admin, 'admin-oauth1-done');
    },
    TIMEOUT,
  );

  it(
    'shows a connection whose grant Jira revoked as needing re-authorization with the reason, and re-authorizes it',
    async () => {
      const before = await connectionNamed('Cloud 3LO');
      h.sim.sim.revoke({ clientId: SEEDED.oauthApp.clientId });
      await admin.goto(`${h.backendUrl}/admin/connections/${before.id}/diagnostics`);
      await admin.getByRole('button', { name: 'Run the diagnostics again' }).click();
      await admin.goto(`${h.backendUrl}/admin/connections`);
      const row = admin.getByTestId('connection-Cloud 3LO');
      await expect.poll(() => row.textContent()).toContain('Needs re-authorization');
      expect((await connectionNamed('Cloud 3LO')).statusReason).toBeTruthy();
      expect(await row.textContent()).toContain(
        (await connectionNamed('Cloud 3LO')).statusReason ?? '',
      );
      await expectNoAxeViolations(admin);
      await screenshot(admin, 'admin-needs-reauthorization');

      await row.getByRole('link', { name: /Re-authorize/ }).click();
      await admin.getByTestId('needs-reauthorization').waitFor();
      await admin.getByRole('button', { name: 'Next: authorize in Jira' }).click();
      const jira = await openConsentTab();
      await jira.selectOption('select#cloud_id', ACME);
      await jira.getByRole('button', { name: 'Accept' }).click();
      await jira.getByTestId('connected').waitFor();
      await jira.close();
      await admin.getByTestId('authorized').waitFor();
      await admin.getByRole('button', { name: 'Next: run the diagnostics' }).click();
      await admin.waitForURL('**/diagnostics');
      await admin.goto(`${h.backendUrl}/admin/connections/${before.id}`);
      expect(await admin.textContent('main')).toContain('re authorized');
      await expectNoAxeViolations(admin);
      expect(await connectionNamed('Cloud 3LO')).toMatchObject({ status: 'active' });
    },
    TIMEOUT,
  );
});
