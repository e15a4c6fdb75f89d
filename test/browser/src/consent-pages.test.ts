import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SEEDED } from '@testbridge/jira-sim';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { HeadlessChromium } from './chromium.ts';
import { launchChromium } from './chromium.ts';
import { postSigned, signAsSeededConsumer } from './oauth1-consumer.ts';
import type { SimServer } from './sim-server.ts';
import { startSimServer } from './sim-server.ts';

const OUT_DIR = fileURLToPath(new URL('../out/', import.meta.url));
const CLOUD_CALLBACK = 'http://testbridge.test/oauth/callback';
const DC_CALLBACK = 'http://localhost:3000/oauth/callback';
const ACME = 'e745c11f-8b46-4ed4-b3cb-313a679e1d9f';
const GLOBEX = '29173f62-6e5f-4147-a120-2e54bd02b2c0';
// A real browser is slow to start on a busy 2-core machine; none of this asserts on time.
const TIMEOUT = 120_000;

const TokenResponse = z.object({ access_token: z.string().min(1) });
const AccessibleResources = z.array(z.object({ id: z.string(), name: z.string() }));

let chromium: HeadlessChromium;
let server: SimServer;

beforeAll(async () => {
  mkdirSync(OUT_DIR, { recursive: true });
  server = await startSimServer();
  chromium = await launchChromium();
}, 900_000);

afterAll(async () => {
  await chromium?.close();
  await server?.close();
});

/** A fresh tab whose navigations to the callback hosts are answered here, not by the network. */
async function openTab(): Promise<Page> {
  const page = await chromium.context.newPage();
  for (const callback of [CLOUD_CALLBACK, DC_CALLBACK]) {
    await page.route(`${callback}**`, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: '<h1>callback</h1>' }),
    );
  }
  return page;
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${OUT_DIR}${name}.png`, fullPage: true });
}

function cloudAuthorizeUrl(state: string): string {
  const query = new URLSearchParams({
    audience: 'api.atlassian.com',
    client_id: SEEDED.oauthApp.clientId,
    scope: 'read:jira-work write:jira-work offline_access',
    redirect_uri: CLOUD_CALLBACK,
    state,
    response_type: 'code',
    prompt: 'consent',
  });
  return `${server.baseUrl}/auth/authorize?${query}`;
}

describe('the Atlassian consent page in a browser', () => {
  it(
    'shows the app, its scopes and the sites to use it on, and Accept on the chosen site redirects with a code and the same state',
    async () => {
      const page = await openTab();
      await page.goto(cloudAuthorizeUrl('state-accept-1'));
      expect(await page.locator('h1').textContent()).toContain(SEEDED.oauthApp.name);
      const body = await page.locator('body').textContent();
      for (const scope of ['read:jira-work', 'write:jira-work', 'offline_access'])
        expect(body).toContain(scope);
      expect(await page.getByText('Use app on').isVisible()).toBe(true);
      const sites = page.locator('select#cloud_id option');
      expect(await sites.allTextContents()).toEqual([
        expect.stringContaining('acme'),
        expect.stringContaining('globex'),
      ]);
      await screenshot(page, 'cloud-consent');

      await page.selectOption('select#cloud_id', GLOBEX);
      await page.getByRole('button', { name: 'Accept' }).click();
      await page.waitForURL(`${CLOUD_CALLBACK}?**`);
      const callback = new URL(page.url());
      expect(callback.searchParams.get('state')).toBe('state-accept-1');
      const code = callback.searchParams.get('code');
      expect(code).toBeTruthy();

      // The code is good once at the token endpoint, and the grant covers the chosen site.
      const token = await fetch(`${server.baseUrl}/auth/oauth/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          grant_type: 'authorization_code',
          client_id: SEEDED.oauthApp.clientId,
          client_secret: SEEDED.oauthApp.clientSecret,
          code,
          redirect_uri: CLOUD_CALLBACK,
        }),
      });
      expect(token.status).toBe(200);
      const { access_token } = TokenResponse.parse(await token.json());
      const resources = await fetch(`${server.baseUrl}/api/oauth/token/accessible-resources`, {
        headers: { Authorization: `Bearer ${access_token}` },
      });
      const ids = AccessibleResources.parse(await resources.json()).map((site) => site.id);
      expect(ids).toContain(GLOBEX);
      expect(ids).not.toContain(ACME);
      await page.close();
    },
    TIMEOUT,
  );

  it(
    'redirects with error=access_denied and the state when the user clicks Deny',
    async () => {
      const page = await openTab();
      await page.goto(cloudAuthorizeUrl('state-deny-1'));
      await page.getByRole('button', { name: 'Deny' }).click();
      await page.waitForURL(`${CLOUD_CALLBACK}?**`);
      const callback = new URL(page.url());
      expect(callback.searchParams.get('error')).toBe('access_denied');
      expect(callback.searchParams.get('state')).toBe('state-deny-1');
      expect(callback.searchParams.has('code')).toBe(false);
      await page.close();
    },
    TIMEOUT,
  );
});

describe('Jira Data Center consent pages in a browser', () => {
  it(
    'asks to allow the OAuth 2.0 application link with PKCE and redirects with a code the verifier redeems',
    async () => {
      const verifier = randomBytes(32).toString('base64url');
      const challenge = createHash('sha256').update(verifier).digest('base64url');
      const query = new URLSearchParams({
        client_id: SEEDED.dcOAuthClient.clientId,
        redirect_uri: DC_CALLBACK,
        response_type: 'code',
        scope: 'WRITE',
        state: 'dc-state-1',
        code_challenge: challenge,
        code_challenge_method: 'S256',
      });
      const page = await openTab();
      await page.goto(`${server.baseUrl}/dc/jira/rest/oauth2/latest/authorize?${query}`);
      expect(new URL(page.url()).pathname).toBe('/dc/jira/plugins/servlet/oauth2/consent');
      expect(await page.locator('h1').textContent()).toContain(SEEDED.dcOAuthClient.name);
      expect(await page.locator('body').textContent()).toContain('WRITE');
      await screenshot(page, 'dc-oauth2-consent');

      await page.getByRole('button', { name: 'Allow' }).click();
      await page.waitForURL(`${DC_CALLBACK}?**`);
      const callback = new URL(page.url());
      expect(callback.searchParams.get('state')).toBe('dc-state-1');
      const token = await fetch(`${server.baseUrl}/dc/jira/rest/oauth2/latest/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code',
          client_id: SEEDED.dcOAuthClient.clientId,
          client_secret: SEEDED.dcOAuthClient.clientSecret,
          code: callback.searchParams.get('code') ?? '',
          redirect_uri: DC_CALLBACK,
          code_verifier: verifier,
        }),
      });
      expect(token.status).toBe(200);
      await page.close();
    },
    TIMEOUT,
  );

  it(
    'shows the OAuth 1.0a verifier for an oob request token after Allow, and the verifier buys an access token',
    async () => {
      const servlet = `${server.baseUrl}/dc/jira/plugins/servlet/oauth`;
      const now = server.sim.clock.now();
      const requestToken = await postSigned(
        `${servlet}/request-token`,
        signAsSeededConsumer(`${servlet}/request-token`, now, 'browser-n1', [
          ['oauth_callback', 'oob'],
        ]),
      );
      const token = requestToken.get('oauth_token') ?? '';
      expect(token).not.toBe('');

      const page = await openTab();
      await page.goto(`${servlet}/authorize?oauth_token=${encodeURIComponent(token)}`);
      expect(await page.locator('h1').textContent()).toContain(SEEDED.oauth1Consumer.name);
      await screenshot(page, 'dc-oauth1-approval');
      await page.getByRole('button', { name: 'Allow' }).click();
      const verifier =
        (await page.waitForSelector('#verifier').then((el) => el.textContent())) ?? '';
      expect(await page.locator('h1').textContent()).toBe('Access approved');
      expect(verifier).toMatch(/^\S+$/);
      await screenshot(page, 'dc-oauth1-verifier');

      const access = await postSigned(
        `${servlet}/access-token`,
        signAsSeededConsumer(`${servlet}/access-token`, now, 'browser-n2', [
          ['oauth_token', token],
          ['oauth_verifier', verifier],
        ]),
      );
      expect(access.get('oauth_token')).toBeTruthy();
      await page.close();
    },
    TIMEOUT,
  );
});
