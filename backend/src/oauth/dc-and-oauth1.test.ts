import { readSeededOAuth1PrivateKey } from '@testbridge/jira-sim';
import { Problem } from '@testbridge/shared';
import { Connection, ConnectionEventPage } from '@testbridge/shared/api/connections';
import { ConnectionCreated } from '@testbridge/shared/api/oauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  advance,
  complete,
  createOAuthConnection,
  createOAuthTestApp,
  followCallback,
  jiraMyself,
  type OAuthTestApp,
  startFlow,
} from './testing.ts';

const HOUR = 3_600_000;

describe('Data Center OAuth 2.0 and OAuth 1.0a application links', () => {
  let t: OAuthTestApp;
  beforeAll(async () => {
    t = await createOAuthTestApp();
    t.sim.registerDcOAuthClient({
      clientId: 'tb-dc-client',
      clientSecret: 'tb-dc-secret',
      name: 'Testbridge',
      redirectUri: 'http://testbridge.test/oauth/callback',
      scope: 'ADMIN',
    });
  });
  afterAll(() => t.cleanup());

  it('connects Data Center with PKCE S256, calls myself, and refreshes with redirect_uri', async () => {
    const { connection } = await createOAuthConnection(t, {
      name: 'DC OAuth 2.0',
      jiraUrl: `${t.sim.baseUrl}/dc/jira`,
      auth: { type: 'dc_oauth2', clientId: 'tb-dc-client', clientSecret: 'tb-dc-secret' },
    });
    expect(connection).toMatchObject({
      deployment: 'data_center',
      status: 'pending_authorization',
    });
    const flow = await startFlow(t, connection.id);
    const url = new URL(flow.authorizationUrl);
    expect(url.pathname).toBe('/dc/jira/rest/oauth2/latest/authorize');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const page = await followCallback(t, t.sim.approveDcConsent(flow.authorizationUrl).redirectUrl);
    expect(page.status, page.html).toBe(200);
    expect((await complete(t, connection.id, flow.flowId, { code: page.code })).status).toBe(200);

    const me = await jiraMyself(t, connection.id);
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ name: 'admin', grant: 'shared' });

    advance(t, 3 * HOUR);
    t.sim.requests.clear();
    expect((await jiraMyself(t, connection.id)).status).toBe(200);
    expect(
      t.sim.requests.list({ path: '/dc/jira/rest/oauth2/latest/token', method: 'POST' }),
    ).toHaveLength(1);
  });

  it('creates OAuth connections through the one create endpoint too, pending authorization', async () => {
    const res = await t.app.request('/api/v1/connections', {
      method: 'POST',
      headers: t.asAdmin({ 'content-type': 'application/json' }),
      body: JSON.stringify({
        name: 'Created at the main endpoint',
        jiraUrl: `${t.sim.baseUrl}/dc/jira`,
        auth: { type: 'oauth1', consumerKey: 'tb-main-endpoint' },
      }),
    });
    expect(res.status).toBe(201);
    const created = ConnectionCreated.parse(await res.json());
    expect(created).toMatchObject({
      status: 'pending_authorization',
      auth: { type: 'oauth1', consumerKey: 'tb-main-endpoint' },
      applicationLink: { consumerKey: 'tb-main-endpoint' },
    });
    expect(created.auth.publicKey).toBe(created.applicationLink?.publicKey);
    const bad = await t.app.request('/api/v1/connections', {
      method: 'POST',
      headers: t.asAdmin({ 'content-type': 'application/json' }),
      body: JSON.stringify({
        name: 'Own app without secret',
        jiraUrl: `${t.sim.baseUrl}/cloud/acme`,
        auth: { type: 'cloud_oauth2', app: 'own', clientId: 'x' },
      }),
    });
    expect(Problem.parse(await bad.json()).invalidFields).toEqual([
      { field: 'body.auth.clientSecret', message: 'is required with app "own"' },
    ]);
  });

  it('connects OAuth 1.0a with a generated key pair and the callback, showing the link fields', async () => {
    const created = await createOAuthConnection(t, {
      name: 'DC OAuth 1.0a',
      jiraUrl: `${t.sim.baseUrl}/dc/jira`,
      auth: { type: 'oauth1', consumerKey: 'tb-generated' },
    });
    const link = created.applicationLink;
    expect(link).toMatchObject({
      consumerKey: 'tb-generated',
      callbackUrl: 'http://testbridge.test/oauth/callback',
      warnings: [],
    });
    expect(link?.publicKey).toContain('BEGIN PUBLIC KEY');
    expect(JSON.stringify(created)).not.toContain('PRIVATE KEY');
    t.sim.registerOAuth1Consumer({
      consumerKey: 'tb-generated',
      name: 'Testbridge',
      publicKeyPem: link?.publicKey ?? '',
    });

    const flow = await startFlow(t, created.connection.id);
    const requestToken = new URL(flow.authorizationUrl).searchParams.get('oauth_token') ?? '';
    const approval = t.sim.approveRequestToken(requestToken);
    const page = await followCallback(t, approval.redirectUrl ?? '');
    expect(page.status, page.html).toBe(200);
    expect(
      (await complete(t, created.connection.id, flow.flowId, { code: page.code })).status,
    ).toBe(200);
    const me = await jiraMyself(t, created.connection.id);
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ name: 'admin' });
  });

  it('connects OAuth 1.0a out of band with a pasted key without armour: the verifier Jira shows is pasted', async () => {
    // Pasted without the armour lines, its base64 broken by stray spaces.
    const privateKey = ` ${readSeededOAuth1PrivateKey()
      .replace(/-----[A-Z ]+-----/g, '')
      .replace(/\n/g, ' \n ')} `;
    const created = await createOAuthConnection(t, {
      name: 'DC OAuth 1.0a oob',
      jiraUrl: `${t.sim.baseUrl}/dc/jira`,
      auth: { type: 'oauth1', consumerKey: 'testbridge-oauth1', privateKey },
    });
    const flow = await startFlow(t, created.connection.id, t.asAdmin(), '?callback=oob');
    const requestToken = new URL(flow.authorizationUrl).searchParams.get('oauth_token') ?? '';
    const approval = t.sim.approveRequestToken(requestToken, { username: 'dave' });
    expect(approval.redirectUrl).toBeNull();

    const wrong = await complete(t, created.connection.id, flow.flowId, {
      code: 'not-the-verifier',
    });
    expect(Problem.parse(await wrong.json()).code).toBe('verification_code_invalid');
    const flow2 = await startFlow(t, created.connection.id, t.asAdmin(), '?callback=oob');
    const token2 = new URL(flow2.authorizationUrl).searchParams.get('oauth_token') ?? '';
    const approval2 = t.sim.approveRequestToken(token2, { username: 'dave' });
    const done = await complete(t, created.connection.id, flow2.flowId, {
      code: approval2.verifier,
    });
    expect(done.status, await done.clone().text()).toBe(200);
    const me = await jiraMyself(t, created.connection.id);
    expect(await me.json()).toMatchObject({ name: 'dave' });
    const history = ConnectionEventPage.parse(
      await (
        await t.app.request(`/api/v1/connections/${created.connection.id}/history`, {
          headers: t.asAdmin(),
        })
      ).json(),
    );
    expect(history.items.map((event) => event.type)).toEqual([
      'diagnostics_run',
      'authorized',
      'created',
    ]);
  });

  it('turns an OAuth 1.0a connection whose token Jira rejects to needs_reauthorization', async () => {
    const created = await createOAuthConnection(t, {
      name: 'DC OAuth 1.0a revoked',
      jiraUrl: `${t.sim.baseUrl}/dc/jira`,
      auth: {
        type: 'oauth1',
        consumerKey: 'testbridge-oauth1',
        privateKey: readSeededOAuth1PrivateKey(),
      },
    });
    const flow = await startFlow(t, created.connection.id);
    const token = new URL(flow.authorizationUrl).searchParams.get('oauth_token') ?? '';
    const page = await followCallback(t, t.sim.approveRequestToken(token).redirectUrl ?? '');
    expect(
      (await complete(t, created.connection.id, flow.flowId, { code: page.code })).status,
    ).toBe(200);
    expect((await jiraMyself(t, created.connection.id)).status).toBe(200);

    t.sim.revoke({ userId: 'JIRAUSER10000', clientId: 'testbridge-oauth1' });
    const refused = await jiraMyself(t, created.connection.id);
    expect(refused.status).toBe(409);
    expect(Problem.parse(await refused.json()).detail).toContain('token_rejected');
    const row = Connection.parse(
      await (
        await t.app.request(`/api/v1/connections/${created.connection.id}`, {
          headers: t.asAdmin(),
        })
      ).json(),
    );
    expect(row).toMatchObject({ status: 'needs_reauthorization' });
    expect(row.statusReason).toContain('token_rejected');
  });
});
