import { Problem } from '@testbridge/shared';
import { ConnectionEventPage } from '@testbridge/shared/api/connections';
import { OAuthConfigUpdated } from '@testbridge/shared/api/oauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  advance,
  authorizeCloud,
  complete,
  connectCloud,
  createOAuthConnection,
  createOAuthTestApp,
  followCallback,
  jiraMyself,
  json,
  type OAuthTestApp,
  startFlow,
} from './testing.ts';

const ACME = 'e745c11f-8b46-4ed4-b3cb-313a679e1d9f';
const app = (secret: string) => ({
  clientId: 'customer-app',
  clientSecret: secret,
  name: 'Customer app',
  redirectUris: ['http://testbridge.test/oauth/callback'],
  scopes: ['read:jira-work', 'read:jira-user', 'write:jira-work', 'offline_access'],
});

function patchConfig(t: OAuthTestApp, id: string, body: Record<string, unknown>) {
  return t.app.request(`/api/v1/connections/${id}/oauth`, {
    method: 'PATCH',
    headers: t.asAdmin(json),
    body: JSON.stringify(body),
  });
}

async function lastConfigEvent(t: OAuthTestApp, id: string) {
  const res = await t.app.request(`/api/v1/connections/${id}/history`, { headers: t.asAdmin() });
  return ConnectionEventPage.parse(await res.json()).items.find(
    (event) => event.type === 'configuration_updated',
  );
}

/** A connection with the customer's own app, its shared grant and bob's grant. */
async function ownAppConnection(t: OAuthTestApp, name: string) {
  t.sim.registerOAuthApp(app('customer-secret'));
  const { connection } = await createOAuthConnection(t, {
    name,
    jiraUrl: `${t.sim.baseUrl}/cloud/acme`,
    auth: {
      type: 'cloud_oauth2',
      app: 'own',
      clientId: 'customer-app',
      clientSecret: 'customer-secret',
    },
  });
  await authorizeCloud(t, connection.id, ACME);
  const bob = t.asAdmin({ 'x-testbridge-user': 'bob' });
  const flow = await startFlow(t, connection.id, bob);
  const consent = t.sim.approveConsent(flow.authorizationUrl, { loginHint: 'bob@acme.test' });
  const page = await followCallback(t, consent.redirectUrl);
  expect((await complete(t, connection.id, flow.flowId, { code: page.code }, bob)).status).toBe(
    200,
  );
  return connection;
}

describe('updating the OAuth configuration', () => {
  let t: OAuthTestApp;
  beforeAll(async () => {
    t = await createOAuthTestApp();
    t.sim.registerOAuthApp(app('customer-secret'));
  });
  afterAll(() => t.cleanup());

  it('rotates the client secret alone: client id and grants are kept, and refreshes use the new secret', async () => {
    const connection = await ownAppConnection(t, 'Rotated secret');
    // The admin rotates the secret in Atlassian's developer console, then here.
    t.sim.registerOAuthApp(app('customer-secret-2'));
    const res = await patchConfig(t, connection.id, { clientSecret: 'customer-secret-2' });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    expect(text).not.toContain('customer-secret-2');
    const updated = OAuthConfigUpdated.parse(JSON.parse(text));
    expect(updated.connection).toMatchObject({
      status: 'active',
      auth: { clientId: 'customer-app' },
    });
    expect(updated.grants).toMatchObject({ action: 'kept', dropped: 0 });
    expect((await lastConfigEvent(t, connection.id))?.detail).toMatchObject({
      changed: 'clientSecret',
      grants: 'kept',
      grantsDropped: 0,
    });
    advance(t, 2 * 3_600_000); // both access tokens expired: refreshed with the new secret
    expect((await jiraMyself(t, connection.id)).status).toBe(200);
    const bob = await jiraMyself(t, connection.id, t.asAdmin({ 'x-testbridge-user': 'bob' }));
    expect(await bob.json()).toMatchObject({ grant: 'user' });
  });

  it('drops every grant, and says how many, when the client id changes', async () => {
    const connection = await ownAppConnection(t, 'New client');
    t.sim.registerOAuthApp({ ...app('other-secret'), clientId: 'other-app' });
    const res = await patchConfig(t, connection.id, {
      clientId: 'other-app',
      clientSecret: 'other-secret',
    });
    const updated = OAuthConfigUpdated.parse(await res.json());
    expect(updated.grants).toMatchObject({ action: 'dropped', dropped: 2 });
    expect(updated.connection).toMatchObject({
      status: 'needs_reauthorization',
      auth: { clientId: 'other-app' },
    });
    expect((await lastConfigEvent(t, connection.id))?.detail).toMatchObject({
      grants: 'dropped',
      grantsDropped: 2,
    });
  });

  it('names the missing field: a new client id without its secret, a secret for Testbridge’s app', async () => {
    const own = await ownAppConnection(t, 'Half a change');
    const noSecret = await patchConfig(t, own.id, { clientId: 'another-app' });
    expect(noSecret.status).toBe(400);
    expect(Problem.parse(await noSecret.json()).invalidFields?.[0]?.field).toBe(
      'body.clientSecret',
    );
    const shared = await connectCloud(t, 'Testbridge app');
    const secretOnly = await patchConfig(t, shared.id, { clientSecret: 'x' });
    expect(secretOnly.status).toBe(400);
    expect(Problem.parse(await secretOnly.json()).invalidFields?.[0]?.field).toBe('body.clientId');
    expect((await jiraMyself(t, shared.id)).status).toBe(200);
  });
});
