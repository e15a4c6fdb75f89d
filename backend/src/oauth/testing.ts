/** Test support for the OAuth tests: the app wired to the simulator, and the consent dance. */
import { createSim, createFixedClock as createSimClock, type Sim } from '@testbridge/jira-sim';
import { AuthorizationFlow, OAuthConnectionCreated } from '@testbridge/shared/api/oauth';
import { expect } from 'vitest';
import { createFixedClock, createTestApp, type StoreKind } from '../testing/index.ts';

export type OAuthTestApp = Awaited<ReturnType<typeof createTestApp>> & {
  sim: Sim;
  /** Every response body the app gave, to check that no secret ever left. */
  responses: string[];
};

export const START = '2026-03-02T09:00:00Z';
export const json = { 'content-type': 'application/json' };

/** The app on a fresh store, its fetch the simulator, both clocks at the same instant. */
export async function createOAuthTestApp(
  options: { store?: StoreKind; sim?: Sim } = {},
): Promise<OAuthTestApp> {
  const sim =
    options.sim ?? createSim({ baseUrl: 'http://jira-sim.test', clock: createSimClock(START) });
  const t = await createTestApp({
    fetch: sim.fetch as typeof fetch,
    clock: createFixedClock(START),
    ...(options.store ? { store: options.store } : {}),
    env: {
      ATLASSIAN_AUTH_URL: `${sim.baseUrl}/auth`,
      ATLASSIAN_API_URL: `${sim.baseUrl}/api`,
      ATLASSIAN_CLIENT_ID: 'sim-3lo-client',
      ATLASSIAN_CLIENT_SECRET: 'sim-3lo-secret',
      ALLOW_PRIVATE_JIRA_URLS: '1',
      PUBLIC_URL: 'http://testbridge.test',
    },
  });
  const responses: string[] = [];
  const request = t.app.request.bind(t.app);
  t.app.request = async (...args: Parameters<typeof request>) => {
    const res = await request(...args);
    responses.push(`${[...res.headers].join(' ')} ${await res.clone().text()}`);
    return res;
  };
  return { ...t, sim, responses };
}

/** The last error logged, to explain a failed expectation. */
export function lastError(t: OAuthTestApp): string {
  const errors = t.logs.lines().filter((line) => line.level === 50 || line.level === 'error');
  const last = errors[errors.length - 1];
  return last ? JSON.stringify(last.err).slice(0, 600) : '';
}

/** Moves the backend's and the simulator's clocks together. */
export function advance(t: OAuthTestApp, ms: number): void {
  t.clock.advance(ms);
  t.sim.clock.advance(ms);
}

export async function createOAuthConnection(t: OAuthTestApp, body: Record<string, unknown>) {
  const res = await t.app.request('/api/v1/connections/oauth', {
    method: 'POST',
    headers: t.asAdmin(json),
    body: JSON.stringify(body),
  });
  expect(res.status, `${await res.clone().text()} ${lastError(t)}`).toBe(201);
  return OAuthConnectionCreated.parse(await res.json());
}

export async function startFlow(
  t: OAuthTestApp,
  connectionId: string,
  headers: Record<string, string> = t.asAdmin(),
  query = '',
) {
  const res = await t.app.request(`/api/v1/connections/${connectionId}/authorizations${query}`, {
    method: 'POST',
    headers,
  });
  expect(res.status, await res.clone().text()).toBe(201);
  const flow = AuthorizationFlow.parse(await res.json());
  if (!flow.authorizationUrl) throw new Error('no authorization URL');
  return { ...flow, authorizationUrl: flow.authorizationUrl };
}

/** Follows the redirect Jira sent the browser to: our callback page. */
export async function followCallback(t: OAuthTestApp, redirectUrl: string) {
  const url = new URL(redirectUrl);
  expect(`${url.origin}${url.pathname}`).toBe('http://testbridge.test/oauth/callback');
  const res = await t.app.request(`${url.pathname}${url.search}`);
  const html = await res.text();
  const code = /data-testid="verification-code">([^<]+)</.exec(html)?.[1] ?? null;
  return { status: res.status, html, code };
}

export function complete(
  t: OAuthTestApp,
  connectionId: string,
  flowId: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = t.asAdmin(json),
) {
  return t.app.request(`/api/v1/connections/${connectionId}/authorizations/${flowId}/complete`, {
    method: 'POST',
    headers: { ...json, ...headers },
    body: JSON.stringify(body),
  });
}

export function jiraMyself(
  t: OAuthTestApp,
  connectionId: string,
  headers: Record<string, string> = t.asAdmin(),
) {
  return t.app.request(`/api/v1/connections/${connectionId}/jira-myself`, { headers });
}

/** Creates a Cloud 3LO connection with Testbridge's app and runs the whole consent for alice. */
const CLOUD_IDS: Record<string, string> = {
  acme: 'e745c11f-8b46-4ed4-b3cb-313a679e1d9f',
  globex: '29173f62-6e5f-4147-a120-2e54bd02b2c0',
};

export async function connectCloud(t: OAuthTestApp, name: string, site = 'acme') {
  const { connection } = await createOAuthConnection(t, {
    name,
    jiraUrl: `${t.sim.baseUrl}/cloud/${site}`,
    auth: { type: 'cloud_oauth2', app: 'testbridge' },
  });
  await authorizeCloud(t, connection.id, CLOUD_IDS[site]);
  return connection;
}

/** Consent as alice on the site (when alice's grant covers several, it is chosen explicitly). */
export async function authorizeCloud(t: OAuthTestApp, connectionId: string, cloudId?: string) {
  const flow = await startFlow(t, connectionId);
  const consent = t.sim.approveConsent(flow.authorizationUrl, cloudId ? { cloudId } : {});
  const page = await followCallback(t, consent.redirectUrl);
  expect(page.status, page.html).toBe(200);
  const res = await complete(t, connectionId, flow.flowId, {
    code: page.code,
    ...(cloudId ? { cloudId } : {}),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return flow;
}
