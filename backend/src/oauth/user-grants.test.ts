import { Problem } from '@testbridge/shared';
import { Connection, ConnectionEventPage } from '@testbridge/shared/api/connections';
import { UserGrantList } from '@testbridge/shared/api/oauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../http/errors.ts';
import { getJiraMyselfOnBehalfOf } from './on-behalf.ts';
import {
  advance,
  complete,
  connectCloud,
  createOAuthConnection,
  createOAuthTestApp,
  followCallback,
  jiraMyself,
  json,
  type OAuthTestApp,
  START,
  startFlow,
} from './testing.ts';

const BOB = '67dccba40b8858e62f585a49';

async function grantsOf(t: OAuthTestApp, id: string) {
  const res = await t.app.request(`/api/v1/connections/${id}/user-grants`, {
    headers: t.asAdmin(),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return UserGrantList.parse(await res.json()).items;
}

async function asTool(t: OAuthTestApp, headers: Record<string, string> = {}) {
  const res = await t.app.request('/api/v1/api-keys', {
    method: 'POST',
    headers: t.asAdmin(json),
    body: JSON.stringify({ name: 'tool key', role: 'tool' }),
  });
  return { authorization: `Bearer ${((await res.json()) as { key: string }).key}`, ...headers };
}

async function authorizeBob(t: OAuthTestApp, id: string) {
  const bob = t.asAdmin({ 'x-testbridge-user': 'tool-user-bob' });
  const flow = await startFlow(t, id, bob);
  const consent = t.sim.approveConsent(flow.authorizationUrl, { loginHint: 'bob@acme.test' });
  const page = await followCallback(t, consent.redirectUrl);
  expect((await complete(t, id, flow.flowId, { code: page.code }, bob)).status).toBe(200);
  return bob;
}

describe('per-user grants as the connection lists them', () => {
  let t: OAuthTestApp;
  beforeAll(async () => {
    t = await createOAuthTestApp();
  });
  afterAll(() => t.cleanup());

  it('declares X-Testbridge-User on every OAuth route that reads it', async () => {
    const doc = (await (await t.app.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, { operationId?: string; parameters?: unknown[] }>>;
    };
    const headerOf = (path: string, method: string) =>
      (doc.paths[path]?.[method]?.parameters ?? []).find(
        (p) => (p as { in: string; name: string }).in === 'header',
      ) as { name: string; required?: boolean } | undefined;
    const base = '/api/v1/connections/{id}';
    for (const [path, method] of [
      [`${base}/authorizations`, 'post'],
      [`${base}/authorizations/{flowId}/complete`, 'post'],
      [`${base}/grant`, 'delete'],
      [`${base}/jira-myself`, 'get'],
    ] as const) {
      expect(headerOf(path, method), `${method} ${path}`).toMatchObject({
        name: 'x-testbridge-user',
      });
      expect(headerOf(path, method)?.required).not.toBe(true);
    }
    expect(doc.paths[`${base}/user-grants`]?.get?.operationId).toBe('listUserGrants');
    expect(doc.paths[`${base}/user-grants/{user}`]?.delete?.operationId).toBe('revokeUserGrant');
    expect(doc.paths[base]?.patch?.operationId).toBe('updateConnection');
  });

  it('records the Jira account a user grant acts as, and when it was granted and last used', async () => {
    const connection = await connectCloud(t, 'Listed grants');
    expect(await grantsOf(t, connection.id)).toEqual([]);
    const bob = await authorizeBob(t, connection.id);
    expect(await grantsOf(t, connection.id)).toEqual([
      {
        user: 'tool-user-bob',
        jiraAccount: { accountId: BOB, displayName: 'Bob Limited' },
        scopes: expect.arrayContaining(['read:jira-work', 'write:jira-work']),
        grantedAt: new Date(START).toISOString(),
        lastUsedAt: null,
      },
    ]);
    advance(t, 60_000);
    expect((await jiraMyself(t, connection.id, bob)).status).toBe(200);
    const firstUse = new Date(Date.parse(START) + 60_000).toISOString();
    expect((await grantsOf(t, connection.id))[0]?.lastUsedAt).toBe(firstUse);
    advance(t, 30_000); // within the minute: no write per call
    await jiraMyself(t, connection.id, bob);
    expect((await grantsOf(t, connection.id))[0]?.lastUsedAt).toBe(firstUse);
    advance(t, 60_000);
    await jiraMyself(t, connection.id, bob);
    expect((await grantsOf(t, connection.id))[0]?.lastUsedAt).toBe(
      new Date(Date.parse(START) + 150_000).toISOString(),
    );
    // The shared grant is not a user grant and never listed.
    await jiraMyself(t, connection.id);
    expect((await grantsOf(t, connection.id)).map((grant) => grant.user)).toEqual([
      'tool-user-bob',
    ]);
  });

  it('records a Data Center user grant’s account by username', async () => {
    t.sim.registerDcOAuthClient({
      clientId: 'tb-dc-users',
      clientSecret: 'tb-dc-users-secret',
      name: 'Testbridge',
      redirectUri: 'http://testbridge.test/oauth/callback',
      scope: 'WRITE',
    });
    const { connection } = await createOAuthConnection(t, {
      name: 'DC users',
      jiraUrl: `${t.sim.baseUrl}/dc/jira`,
      auth: { type: 'dc_oauth2', clientId: 'tb-dc-users', clientSecret: 'tb-dc-users-secret' },
    });
    const erin = t.asAdmin({ 'x-testbridge-user': 'tool-user-erin' });
    const flow = await startFlow(t, connection.id, erin);
    const consent = t.sim.approveDcConsent(flow.authorizationUrl, { loginHint: 'erin' });
    const page = await followCallback(t, consent.redirectUrl);
    expect((await complete(t, connection.id, flow.flowId, { code: page.code }, erin)).status).toBe(
      200,
    );
    expect((await grantsOf(t, connection.id))[0]?.jiraAccount).toEqual({
      accountId: 'erin',
      displayName: 'Erin Engineer',
    });
  });

  it('lets an admin revoke one user’s grant, recorded in the history', async () => {
    const connection = await connectCloud(t, 'Revoked user grant');
    const bob = await authorizeBob(t, connection.id);
    const path = `/api/v1/connections/${connection.id}/user-grants/tool-user-bob`;
    const byTool = await t.app.request(path, { method: 'DELETE', headers: await asTool(t) });
    expect(byTool.status).toBe(403);
    const res = await t.app.request(path, { method: 'DELETE', headers: t.asAdmin() });
    expect(res.status).toBe(204);
    expect(await grantsOf(t, connection.id)).toEqual([]);
    expect(await (await jiraMyself(t, connection.id, bob)).json()).toMatchObject({
      grant: 'shared',
    });
    const again = await t.app.request(path, { method: 'DELETE', headers: t.asAdmin() });
    expect(Problem.parse(await again.json()).code).toBe('not_found');
    const history = ConnectionEventPage.parse(
      await (
        await t.app.request(`/api/v1/connections/${connection.id}/history`, {
          headers: t.asAdmin(),
        })
      ).json(),
    );
    expect(history.items.find((event) => event.type === 'revoked')?.detail).toMatchObject({
      subject: 'tool-user-bob',
    });
  });

  it('changes requireUserGrantForWrites after creation', async () => {
    const connection = await connectCloud(t, 'Writes later');
    const patch = (body: unknown) =>
      t.app.request(`/api/v1/connections/${connection.id}`, {
        method: 'PATCH',
        headers: t.asAdmin(json),
        body: JSON.stringify(body),
      });
    const write = () =>
      getJiraMyselfOnBehalfOf(t.deps, connection.id, 'tool-user-dan', 'write').catch(
        (caught: unknown) => caught,
      );
    expect(await write()).toMatchObject({ grant: 'shared' });

    const on = await patch({ requireUserGrantForWrites: true });
    expect(on.status, await on.clone().text()).toBe(200);
    expect(Connection.parse(await on.json()).requireUserGrantForWrites).toBe(true);
    const refused = await write();
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({
      code: 'user_authorization_required',
      extensions: {
        startAuthorizationUrl: `http://testbridge.test/api/v1/connections/${connection.id}/authorizations`,
      },
    });

    const off = await patch({ requireUserGrantForWrites: false });
    expect(Connection.parse(await off.json()).requireUserGrantForWrites).toBe(false);
    expect(await write()).toMatchObject({ grant: 'shared' });

    const bad = await patch({ requireUserGrantForWrites: 'yes' });
    expect(bad.status).toBe(400);
    expect(Problem.parse(await bad.json()).invalidFields?.[0]?.field).toBe(
      'body.requireUserGrantForWrites',
    );
    const byTool = await t.app.request(`/api/v1/connections/${connection.id}`, {
      method: 'PATCH',
      headers: await asTool(t, json),
      body: JSON.stringify({ requireUserGrantForWrites: true }),
    });
    expect(byTool.status).toBe(403);
    const history = ConnectionEventPage.parse(
      await (
        await t.app.request(`/api/v1/connections/${connection.id}/history`, {
          headers: t.asAdmin(),
        })
      ).json(),
    );
    expect(
      history.items.filter((event) => event.type === 'settings_updated').map((e) => e.detail),
    ).toEqual([
      { requireUserGrantForWrites: false, previous: true },
      { requireUserGrantForWrites: true, previous: false },
    ]);
  });
});
