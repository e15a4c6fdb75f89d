/**
 * The admin UI in a real browser: the backend and the simulator on two real loopback ports
 * (localhost vs 127.0.0.1, so Jira's pages are another site), a signed-in admin, and axe-core.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { type ServerType, serve } from '@hono/node-server';
import { createFixedClock, createTestApp, TEST_ADMIN_KEY } from '@testbridge/backend/testing';
import { SEEDED, SEEDED_REDIRECT_URIS } from '@testbridge/jira-sim';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { type HeadlessChromium, launchChromium } from './chromium.ts';
import { type SimServer, startSimServer } from './sim-server.ts';

export const OUT_DIR = fileURLToPath(new URL('../out/', import.meta.url));
/** Waits for states, never for time: generous bounds for a busy 2-core machine. */
export const STEP_TIMEOUT = 30_000;

type TestApp = Awaited<ReturnType<typeof createTestApp>>;

export interface AdminHarness {
  sim: SimServer;
  t: TestApp;
  chromium: HeadlessChromium;
  backendUrl: string;
  close(): Promise<void>;
}

export async function startAdminHarness(): Promise<AdminHarness> {
  mkdirSync(OUT_DIR, { recursive: true });
  const sim = await startSimServer();
  let app: TestApp['app'] | undefined;
  let backend: ServerType | undefined;
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
  const backendUrl = `http://localhost:${port}`;
  const t = await createTestApp({
    fetch: globalThis.fetch,
    // The same time as the simulator's clock: OAuth 1.0a signatures carry a timestamp.
    clock: createFixedClock(new Date(sim.sim.clock.now())),
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
  const chromium = await launchChromium();
  chromium.context.setDefaultTimeout(STEP_TIMEOUT);
  return {
    sim,
    t,
    chromium,
    backendUrl,
    close: async () => {
      await chromium.close();
      await new Promise<void>((resolve) => {
        if (!backend) return resolve();
        if ('closeAllConnections' in backend) backend.closeAllConnections();
        backend.close(() => resolve());
      });
      await t.cleanup();
      await sim.close();
    },
  };
}

const AXE_SOURCE = readFileSync(
  createRequire(import.meta.url).resolve('axe-core/axe.min.js'),
  'utf8',
);

/**
 * Runs axe-core in the page (WCAG 2.x A/AA and best practices) and fails with every violation.
 * Evaluated through the DevTools protocol, which the page's CSP (no inline script) does not
 * govern, so the page under test keeps its real policy.
 */
export async function expectNoAxeViolations(page: Page): Promise<void> {
  await page.evaluate(`${AXE_SOURCE}\n;undefined`);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: Violation[] }> } })
      .axe;
    interface Violation {
      id: string;
      help: string;
      nodes: { target: unknown[] }[];
    }
    const result = await axe.run();
    return result.violations.map((v) => ({
      id: v.id,
      help: v.help,
      targets: v.nodes.map((node) => JSON.stringify(node.target)),
    }));
  });
  expect(violations, `axe on ${page.url()}`).toEqual([]);
}

/**
 * Presses Tab until the element matching `selector` has focus (proves it is reachable by
 * keyboard, in tab order); fails after `limit` presses.
 */
export async function tabTo(page: Page, selector: string, limit = 40): Promise<void> {
  for (let i = 0; i < limit; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`${selector} was not reached with Tab on ${page.url()}`);
}

/** Signs in with the keyboard only: Tab to the key field, type, Enter. */
export async function signInWithKeyboard(page: Page, backendUrl: string, key = TEST_ADMIN_KEY) {
  await page.goto(`${backendUrl}/admin/sign-in`);
  await tabTo(page, '#f-apiKey');
  await page.keyboard.type(key);
  await page.keyboard.press('Enter');
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: `${OUT_DIR}${name}.png`, fullPage: true });
}
