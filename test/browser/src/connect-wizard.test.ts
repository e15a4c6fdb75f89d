/**
 * The Cloud 3LO consent flow as an admin's browser goes through it: the backend and the simulator
 * on two real ports under two different host names (localhost vs 127.0.0.1, so the redirect
 * back to the callback is a cross-site navigation, as from auth.atlassian.com).
 */
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type ServerType, serve } from '@hono/node-server';
import { createTestApp } from '@testbridge/backend/testing';
import { SEEDED, SEEDED_REDIRECT_URIS } from '@testbridge/jira-sim';
import { Connection } from '@testbridge/shared/api/connections';
import { AuthorizationFlow, OAuthConnectionCreated } from '@testbridge/shared/api/oauth';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HeadlessChromium, launchChromium } from './chromium.ts';
import { type SimServer, startSimServer } from './sim-server.ts';

const OUT_DIR = fileURLToPath(new URL('../out/', import.meta.url));
const ACME = 'e745c11f-8b46-4ed4-b3cb-313a679e1d9f';
// A real browser is slow to start on a busy 2-core machine; none of this asserts on time.
const TIMEOUT = 120_000;

type TestApp = Awaited<ReturnType<typeof createTestApp>>;

let chromium: HeadlessChromium;
let sim: SimServer;
let t: TestApp;
let backend: ServerType | undefined;
let backendUrl: string;

beforeAll(async () => {
  sim = await startSimServer();
  // Listen first: the backend's PUBLIC_URL (its redirect URI) must carry the bound port.
  let app: TestApp['app'] | undefined;
  const port = await new Promise<number>((resolve) => {
    backend = serve(
      {
        port: 0,
        hostname: '127.0.0.1',
        fetch: (request) => (app ? app.fetch(request) : new Response('starting', { status: 503 })),
      },
      (info: AddressInfo) => resolve(info.port),
    );
  });
  backendUrl = `http://localhost:${port}`;
  t = await createTestApp({
    fetch: globalThis.fetch,
    env: {
      PUBLIC_URL: backendUrl,
      ATLASSIAN_AUTH_URL: `${sim.baseUrl}/auth`,
      ATLASSIAN_API_URL: `${sim.baseUrl}/api`,
      ATLASSIAN_CLIENT_ID: SEEDED.oauthApp.clientId,
      ATLASSIAN_CLIENT_SECRET: SEEDED.oauthApp.clientSecret,
      ALLOW_PRIVATE_JIRA_URLS: '1',
    },
  });
  app = t.app;
  sim.sim.registerOAuthApp({
    ...SEEDED.oauthApp,
    scopes: [...SEEDED.oauthApp.scopes],
    redirectUris: [...SEEDED_REDIRECT_URIS, `${backendUrl}/oauth/callback`],
  });
  chromium = await launchChromium();
}, 900_000);

afterAll(async () => {
  await chromium?.close();
  await new Promise<void>((resolve) => (backend ? backend.close(() => resolve()) : resolve()));
  await t?.cleanup();
  await sim?.close();
});

async function createCloudConnection(name: string): Promise<string> {
  const res = await t.app.request('/api/v1/connections/oauth', {
    method: 'POST',
    headers: t.asAdmin({ 'content-type': 'application/json' }),
    body: JSON.stringify({
      name,
      jiraUrl: `${sim.baseUrl}/cloud/acme`,
      auth: { type: 'cloud_oauth2', app: 'testbridge' },
    }),
  });
  expect(res.status).toBe(201);
  return OAuthConnectionCreated.parse(await res.json()).connection.id;
}

async function flowOf(connectionId: string, flowId: string) {
  const res = await t.app.request(`/api/v1/connections/${connectionId}/authorizations/${flowId}`, {
    headers: t.asAdmin(),
  });
  return AuthorizationFlow.parse(await res.json());
}

/** Accepts on the simulator's consent page for the acme site and waits for the callback page. */
async function consent(page: Page, authorizationUrl: string): Promise<void> {
  await page.goto(authorizationUrl);
  await page.selectOption('select#cloud_id', ACME);
  await page.getByRole('button', { name: 'Accept' }).click();
  await page.waitForURL(`${backendUrl}/oauth/callback?**`);
}

describe('the consent flow in the browser that started it', () => {
  it(
    'completes at the callback without a verification code, and the wizard sees it completed',
    async () => {
      const connectionId = await createCloudConnection('Browser-bound');
      const page = await chromium.context.newPage();
      // The admin UI's origin: the start call is a same-origin fetch, so its cookie is kept.
      await page.goto(`${backendUrl}/healthz`);
      const started = AuthorizationFlow.parse(
        await page.evaluate(
          async ({ id, authorization }) => {
            const res = await fetch(`/api/v1/connections/${id}/authorizations`, {
              method: 'POST',
              headers: { authorization },
            });
            return res.json();
          },
          { id: connectionId, authorization: t.asAdmin().authorization },
        ),
      );
      const cookies = await chromium.context.cookies(`${backendUrl}/oauth/callback`);
      const binding = cookies.find((cookie) => cookie.name === `tb_oauth_${started.flowId}`);
      expect(binding).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/oauth/callback' });

      await consent(page, started.authorizationUrl ?? '');
      expect(await page.getByTestId('connected').isVisible()).toBe(true);
      expect(await page.getByTestId('verification-code').count()).toBe(0);
      await page.screenshot({ path: `${OUT_DIR}callback-connected.png`, fullPage: true });

      expect(await flowOf(connectionId, started.flowId)).toMatchObject({
        status: 'completed',
        browserVerified: true,
      });
      const res = await t.app.request(`/api/v1/connections/${connectionId}`, {
        headers: t.asAdmin(),
      });
      expect(Connection.parse(await res.json())).toMatchObject({ status: 'active', cloudId: ACME });
      // The binding cookie is cleared once used.
      const left = await chromium.context.cookies(`${backendUrl}/oauth/callback`);
      expect(left.some((cookie) => cookie.name === binding?.name)).toBe(false);
      await page.close();
    },
    TIMEOUT,
  );

  it(
    'still asks for the code when the consent comes back in a browser that did not start the flow',
    async () => {
      const connectionId = await createCloudConnection('Started elsewhere');
      // Started by an API client (or an attacker's session): this browser has no cookie for it.
      const res = await t.app.request(`/api/v1/connections/${connectionId}/authorizations`, {
        method: 'POST',
        headers: t.asAdmin(),
      });
      const started = AuthorizationFlow.parse(await res.json());
      const page = await chromium.context.newPage();
      await consent(page, started.authorizationUrl ?? '');
      const code = await page.getByTestId('verification-code').textContent();
      expect(code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{2}$/);
      await page.screenshot({ path: `${OUT_DIR}callback-code.png`, fullPage: true });
      expect(await flowOf(connectionId, started.flowId)).toMatchObject({
        status: 'awaiting_verification',
        browserVerified: false,
      });
      await page.close();
    },
    TIMEOUT,
  );
});
