import { ConnectionDiagnostics } from '@testbridge/shared/api/connections';
import { AuthorizationFlow } from '@testbridge/shared/api/oauth';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectCloud,
  createOAuthConnection,
  createOAuthTestApp,
  followCallback,
  type OAuthTestApp,
  startFlow,
} from './testing.ts';

/**
 * Atlassian lets an app request only the scopes added to it in the developer console; asking for
 * more fails at authorize with `invalid_scope` (jira-protocols §1.1). A customer's own app set up
 * without `write:jira-work` must be reported with the missing scope named, not half-connected.
 */
describe('a customer app that lacks a scope Testbridge needs', () => {
  let t: OAuthTestApp;
  beforeAll(async () => {
    t = await createOAuthTestApp();
    t.sim.registerOAuthApp({
      clientId: 'read-only-app',
      clientSecret: 'read-only-secret',
      name: 'Read-only QA app',
      scopes: ['read:jira-work', 'read:jira-user'],
      redirectUris: ['http://testbridge.test/oauth/callback'],
    });
  });
  afterAll(() => t.cleanup());

  it('fails the flow with the scope Jira refused named on the page, the flow and the connection', async () => {
    const { connection } = await createOAuthConnection(t, {
      name: 'Own app without write',
      jiraUrl: `${t.sim.baseUrl}/cloud/acme`,
      auth: {
        type: 'cloud_oauth2',
        app: 'own',
        clientId: 'read-only-app',
        clientSecret: 'read-only-secret',
      },
    });
    const flow = await startFlow(t, connection.id);
    // The browser opens the authorization URL; Atlassian sends it straight back with the error.
    const authorize = await t.sim.fetch(flow.authorizationUrl, { redirect: 'manual' });
    expect(authorize.status).toBe(302);
    const redirect = authorize.headers.get('location') ?? '';
    expect(new URL(redirect).searchParams.get('error')).toBe('invalid_scope');

    const page = await followCallback(t, redirect);
    expect(page.status).toBe(400);
    expect(page.html).toContain('write:jira-work');
    expect(page.code).toBeNull();
    const res = await t.app.request(
      `/api/v1/connections/${connection.id}/authorizations/${flow.flowId}`,
      { headers: t.asAdmin() },
    );
    const failed = AuthorizationFlow.parse(await res.json());
    expect(failed.status).toBe('failed');
    expect(failed.failure).toContain('invalid_scope');
    expect(failed.failure).toContain('write:jira-work');
    const list = await t.app.request(`/api/v1/connections/${connection.id}`, {
      headers: t.asAdmin(),
    });
    expect(await list.json()).toMatchObject({ status: 'pending_authorization' });
  });

  it('reports the scopes a grant lacks in the diagnostics, by name, with a hint', async () => {
    const connection = await connectCloud(t, 'Narrow grant');
    // A grant whose token answer listed fewer scopes than asked for (Atlassian returns the
    // granted scopes in `scope`); the stored grant is what the diagnostics judge.
    const grants = t.deps.store.tables.grants;
    await t.deps.store.transaction((tx) =>
      tx
        .update(grants)
        .set({ scopes: 'read:jira-work offline_access' })
        .where(eq(grants.connectionId, connection.id)),
    );
    const res = await t.app.request(`/api/v1/connections/${connection.id}/diagnostics`, {
      method: 'POST',
      headers: t.asAdmin(),
    });
    expect(res.status).toBe(200);
    const scopes = ConnectionDiagnostics.parse(await res.json()).checks.find(
      (check) => check.name === 'scopes',
    );
    expect(scopes).toMatchObject({ result: 'fail' });
    expect(scopes?.detail).toContain('read:jira-user');
    expect(scopes?.detail).toContain('write:jira-work');
    expect(scopes?.hint).toBeTruthy();
  });
});
