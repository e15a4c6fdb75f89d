import { Problem } from '@testbridge/shared';
import { Connection, ConnectionEventPage } from '@testbridge/shared/api/connections';
import { OAuthConnectionCreated } from '@testbridge/shared/api/oauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../http/errors.ts';
import { getJiraMyselfOnBehalfOf } from './on-behalf.ts';
import {
  authorizeCloud,
  complete,
  connectCloud,
  createOAuthTestApp,
  followCallback,
  jiraMyself,
  json,
  type OAuthTestApp,
  startFlow,
} from './testing.ts';

const ACME = 'e745c11f-8b46-4ed4-b3cb-313a679e1d9f';
const BOB = '67dccba40b8858e62f585a49';

async function createKey(t: OAuthTestApp, role: 'tool' | 'admin') {
  const res = await t.app.request('/api/v1/api-keys', {
    method: 'POST',
    headers: t.asAdmin(json),
    body: JSON.stringify({ name: `${role} key`, role }),
  });
  return ((await res.json()) as { key: string }).key;
}

async function historyTypes(t: OAuthTestApp, id: string) {
  const res = await t.app.request(`/api/v1/connections/${id}/history`, { headers: t.asAdmin() });
  return ConnectionEventPage.parse(await res.json())
    .items.map((event) => event.type)
    .filter((type) => type !== 'diagnostics_run');
}

describe('per-user authorization', () => {
  let t: OAuthTestApp;
  let tool: (user?: string) => Record<string, string>;
  beforeAll(async () => {
    t = await createOAuthTestApp();
    const key = await createKey(t, 'tool');
    tool = (user) => ({
      authorization: `Bearer ${key}`,
      ...(user ? { 'x-testbridge-user': user } : {}),
    });
  });
  afterAll(() => t.cleanup());

  it('lets a test-tool user authorize themselves and acts as them on their calls', async () => {
    const connection = await connectCloud(t, 'Per user');
    const refused = await t.app.request(`/api/v1/connections/${connection.id}/authorizations`, {
      method: 'POST',
      headers: tool(),
    });
    expect(Problem.parse(await refused.json()).code).toBe('forbidden');

    const flow = await startFlow(t, connection.id, tool('tool-user-bob'));
    expect(flow.subject).toBe('tool-user-bob');
    const consent = t.sim.approveConsent(flow.authorizationUrl, { loginHint: 'bob@acme.test' });
    const page = await followCallback(t, consent.redirectUrl);
    const stolen = await complete(
      t,
      connection.id,
      flow.flowId,
      { code: page.code },
      tool('someone-else'),
    );
    expect(Problem.parse(await stolen.json()).code).toBe('verification_code_invalid');
    const done = await complete(
      t,
      connection.id,
      flow.flowId,
      { code: page.code },
      tool('tool-user-bob'),
    );
    expect(done.status).toBe(200);

    const asBob = await jiraMyself(t, connection.id, tool('tool-user-bob'));
    expect(await asBob.json()).toMatchObject({ accountId: BOB, grant: 'user' });
    const shared = await jiraMyself(t, connection.id, tool('tool-user-carol'));
    expect(await shared.json()).toMatchObject({ grant: 'shared' });

    const revoked = await t.app.request(`/api/v1/connections/${connection.id}/grant`, {
      method: 'DELETE',
      headers: tool('tool-user-bob'),
    });
    expect(revoked.status).toBe(204);
    const after = await jiraMyself(t, connection.id, tool('tool-user-bob'));
    expect(await after.json()).toMatchObject({ grant: 'shared' });
    expect((await historyTypes(t, connection.id)).slice(0, 2)).toEqual(['revoked', 'authorized']);
  });

  it('asks for a user grant with the URL to start when writes require one', async () => {
    const created = await t.app.request('/api/v1/connections/oauth', {
      method: 'POST',
      headers: t.asAdmin(json),
      body: JSON.stringify({
        name: 'Writes need users',
        jiraUrl: `${t.sim.baseUrl}/cloud/acme`,
        requireUserGrantForWrites: true,
        auth: { type: 'cloud_oauth2', app: 'testbridge' },
      }),
    });
    const { connection } = OAuthConnectionCreated.parse(await created.json());
    await authorizeCloud(t, connection.id, ACME);
    const error = await getJiraMyselfOnBehalfOf(
      t.deps,
      connection.id,
      'tool-user-dan',
      'write',
    ).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: 'user_authorization_required',
      extensions: {
        startAuthorizationUrl: `http://testbridge.test/api/v1/connections/${connection.id}/authorizations`,
        startAuthorizationMethod: 'POST',
      },
    });
    // `authorizationUrl` means Atlassian's consent page elsewhere; this is Testbridge's start.
    expect((error as AppError).extensions).not.toHaveProperty('authorizationUrl');
    // Reads fall back to the shared grant.
    const read = await getJiraMyselfOnBehalfOf(t.deps, connection.id, 'tool-user-dan', 'read');
    expect(read.grant).toBe('shared');
  });
});

describe('updating the OAuth configuration', () => {
  let t: OAuthTestApp;
  beforeAll(async () => {
    t = await createOAuthTestApp();
    t.sim.registerOAuthApp({
      clientId: 'customer-app',
      clientSecret: 'customer-secret',
      name: 'Customer app',
      redirectUris: ['http://testbridge.test/oauth/callback'],
      scopes: ['read:jira-work', 'read:jira-user', 'write:jira-work'],
    });
  });
  afterAll(() => t.cleanup());

  it('needs a new consent under the new client, keeping the connection id', async () => {
    const connection = await connectCloud(t, 'Reconfigured');
    const res = await t.app.request(`/api/v1/connections/${connection.id}/oauth`, {
      method: 'PATCH',
      headers: t.asAdmin(json),
      body: JSON.stringify({ clientId: 'customer-app', clientSecret: 'customer-secret' }),
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).not.toContain('customer-secret');
    const updated = OAuthConnectionCreated.parse(JSON.parse(text)).connection;
    expect(updated).toMatchObject({
      id: connection.id,
      status: 'needs_reauthorization',
      auth: { clientId: 'customer-app' },
    });
    expect(Problem.parse(await (await jiraMyself(t, connection.id)).json()).code).toBe(
      'needs_reauthorization',
    );

    const flow = await authorizeCloud(t, connection.id, ACME);
    expect(new URL(flow.authorizationUrl).searchParams.get('client_id')).toBe('customer-app');
    const restored = Connection.parse(
      await (
        await t.app.request(`/api/v1/connections/${connection.id}`, { headers: t.asAdmin() })
      ).json(),
    );
    expect(restored).toMatchObject({ id: connection.id, status: 'active' });
    expect((await jiraMyself(t, connection.id)).status).toBe(200);
    expect((await historyTypes(t, connection.id)).slice(0, 2)).toEqual([
      're_authorized',
      'configuration_updated',
    ]);
  });

  it('revokes the shared grant, leaving the connection to be authorized again', async () => {
    const connection = await connectCloud(t, 'Revoked here');
    const res = await t.app.request(`/api/v1/connections/${connection.id}/grant`, {
      method: 'DELETE',
      headers: t.asAdmin(),
    });
    expect(res.status).toBe(204);
    expect(Problem.parse(await (await jiraMyself(t, connection.id)).json()).code).toBe(
      'needs_reauthorization',
    );
    expect((await historyTypes(t, connection.id))[0]).toBe('revoked');
  });
});
