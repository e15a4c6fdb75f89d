import { Problem } from '@testbridge/shared';
import { Connection, ConnectionEventPage } from '@testbridge/shared/api/connections';
import { AuthorizationFlow } from '@testbridge/shared/api/oauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOAuthRepo } from './repo.ts';
import {
  complete,
  createOAuthConnection,
  createOAuthTestApp,
  followCallback,
  jiraMyself,
  json,
  type OAuthTestApp,
  startFlow,
} from './testing.ts';

const ACME = 'e745c11f-8b46-4ed4-b3cb-313a679e1d9f';
const GLOBEX = '29173f62-6e5f-4147-a120-2e54bd02b2c0';

async function flowOf(t: OAuthTestApp, connectionId: string, flowId: string) {
  const res = await t.app.request(`/api/v1/connections/${connectionId}/authorizations/${flowId}`, {
    headers: t.asAdmin(),
  });
  return AuthorizationFlow.parse(await res.json());
}

async function connectionOf(t: OAuthTestApp, id: string) {
  const res = await t.app.request(`/api/v1/connections/${id}`, { headers: t.asAdmin() });
  return Connection.parse(await res.json());
}

async function historyOf(t: OAuthTestApp, id: string) {
  const res = await t.app.request(`/api/v1/connections/${id}/history`, { headers: t.asAdmin() });
  return ConnectionEventPage.parse(await res.json()).items;
}

async function cloudConnection(t: OAuthTestApp, name: string, site: string, extra = {}) {
  const { connection } = await createOAuthConnection(t, {
    name,
    jiraUrl: `${t.sim.baseUrl}/cloud/${site}`,
    auth: { type: 'cloud_oauth2', app: 'testbridge' },
    ...extra,
  });
  return connection;
}

describe('the Jira site of a Cloud consent', () => {
  let t: OAuthTestApp;
  beforeAll(async () => {
    t = await createOAuthTestApp();
    // alice consents on acme once, so every later consent of hers covers acme and globex.
    const warmUp = await cloudConnection(t, 'Warm-up', 'acme');
    const flow = await startFlow(t, warmUp.id);
    t.sim.approveConsent(flow.authorizationUrl, { cloudId: ACME });
  });
  afterAll(() => t.cleanup());

  it('takes the connection’s own site without asking when the consent covers it and another', async () => {
    const connection = await cloudConnection(t, 'Globex, two sites', 'globex');
    const flow = await startFlow(t, connection.id);
    const page = await followCallback(
      t,
      t.sim.approveConsent(flow.authorizationUrl, { cloudId: GLOBEX }).redirectUrl,
    );
    expect(page.html).not.toContain('data-testid="site-choice"');
    const status = await flowOf(t, connection.id, flow.flowId);
    expect(status.status).toBe('awaiting_verification');
    expect(status.sites).toHaveLength(2);
    const done = await complete(t, connection.id, flow.flowId, { code: page.code });
    expect(done.status, await done.clone().text()).toBe(200);
    expect(await connectionOf(t, connection.id)).toMatchObject({
      status: 'active',
      cloudId: GLOBEX,
      jiraUrl: `${t.sim.baseUrl}/cloud/globex`,
    });
    expect((await historyOf(t, connection.id)).map((event) => event.type)).not.toContain(
      'site_changed',
    );
  });

  it('reports site_choice_required with the sites when none is the connection’s, and answers that state to a completion without a choice', async () => {
    const connection = await cloudConnection(t, 'Elsewhere', 'acme');
    // The site the admin named is covered by neither site of the consent.
    await t.deps.store.transaction((tx) =>
      createOAuthRepo(t.deps.store).updateConnection(tx, connection.id, {
        jiraUrl: 'https://initech.atlassian.net',
      }),
    );
    const flow = await startFlow(t, connection.id);
    const page = await followCallback(
      t,
      t.sim.approveConsent(flow.authorizationUrl, { cloudId: GLOBEX }).redirectUrl,
    );
    expect(page.html).toContain('data-testid="site-choice"');
    expect(page.html).toContain(`data-cloud-id="${ACME}"`);
    expect(page.html).toContain(`${t.sim.baseUrl}/cloud/globex`);
    const status = await flowOf(t, connection.id, flow.flowId);
    expect(status.status).toBe('site_choice_required');
    expect(status.sites).toEqual(
      expect.arrayContaining([
        { cloudId: ACME, name: 'acme', url: `${t.sim.baseUrl}/cloud/acme` },
        { cloudId: GLOBEX, name: 'globex', url: `${t.sim.baseUrl}/cloud/globex` },
      ]),
    );
    const unchosen = await complete(t, connection.id, flow.flowId, { code: page.code });
    expect(unchosen.status).toBe(202);
    expect(AuthorizationFlow.parse(await unchosen.json())).toMatchObject({
      status: 'site_choice_required',
      sites: expect.arrayContaining([expect.objectContaining({ cloudId: GLOBEX })]),
    });
    const notCovered = await complete(t, connection.id, flow.flowId, {
      code: page.code,
      cloudId: 'not-a-site',
    });
    expect(Problem.parse(await notCovered.json()).invalidFields?.[0]?.field).toBe('body.cloudId');
    const chosen = await complete(t, connection.id, flow.flowId, {
      code: page.code,
      cloudId: ACME,
    });
    expect(chosen.status, await chosen.clone().text()).toBe(200);
    expect(await connectionOf(t, connection.id)).toMatchObject({
      cloudId: ACME,
      jiraUrl: `${t.sim.baseUrl}/cloud/acme`,
    });
  });

  it('moves the connection, its link base and its history to the other site the admin chose', async () => {
    const connection = await cloudConnection(t, 'Acme, carol', 'acme', {
      linkBaseUrl: `${t.sim.baseUrl}/cloud/acme`,
    });
    // carol is on globex only: her consent covers one site, not the connection's.
    const flow = await startFlow(t, connection.id);
    const page = await followCallback(
      t,
      t.sim.approveConsent(flow.authorizationUrl, { loginHint: 'carol@globex.test' }).redirectUrl,
    );
    expect((await flowOf(t, connection.id, flow.flowId)).status).toBe('site_choice_required');
    const chosen = await complete(t, connection.id, flow.flowId, {
      code: page.code,
      cloudId: GLOBEX,
    });
    expect(chosen.status, await chosen.clone().text()).toBe(200);
    expect(await connectionOf(t, connection.id)).toMatchObject({
      status: 'active',
      cloudId: GLOBEX,
      jiraUrl: `${t.sim.baseUrl}/cloud/globex`,
      linkBaseUrl: `${t.sim.baseUrl}/cloud/globex`,
    });
    const changed = (await historyOf(t, connection.id)).find((e) => e.type === 'site_changed');
    expect(changed?.detail).toMatchObject({
      fromUrl: `${t.sim.baseUrl}/cloud/acme`,
      toUrl: `${t.sim.baseUrl}/cloud/globex`,
      toCloudId: GLOBEX,
      userGrantsDropped: 0,
    });
    const me = await jiraMyself(t, connection.id);
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ displayName: 'Carol Globex' });
  });

  it('drops the users’ grants of the old site when a re-authorization moves the connection', async () => {
    const connection = await cloudConnection(t, 'Acme, moved later', 'acme');
    const shared = await startFlow(t, connection.id);
    const sharedPage = await followCallback(
      t,
      t.sim.approveConsent(shared.authorizationUrl, { cloudId: ACME }).redirectUrl,
    );
    await complete(t, connection.id, shared.flowId, { code: sharedPage.code });
    const bob = t.asAdmin({ 'x-testbridge-user': 'bob' });
    const bobFlow = await startFlow(t, connection.id, bob);
    const bobPage = await followCallback(
      t,
      t.sim.approveConsent(bobFlow.authorizationUrl, { loginHint: 'bob@acme.test' }).redirectUrl,
    );
    expect(
      (await complete(t, connection.id, bobFlow.flowId, { code: bobPage.code }, bob)).status,
    ).toBe(200);

    const again = await startFlow(t, connection.id);
    const page = await followCallback(
      t,
      t.sim.approveConsent(again.authorizationUrl, { loginHint: 'carol@globex.test' }).redirectUrl,
    );
    const moved = await complete(t, connection.id, again.flowId, {
      code: page.code,
      cloudId: GLOBEX,
    });
    expect(moved.status, await moved.clone().text()).toBe(200);
    const changed = (await historyOf(t, connection.id)).find((e) => e.type === 'site_changed');
    expect(changed?.detail).toMatchObject({
      fromCloudId: ACME,
      toCloudId: GLOBEX,
      userGrantsDropped: 1,
    });
    const grants = await t.app.request(`/api/v1/connections/${connection.id}/user-grants`, {
      headers: t.asAdmin(),
    });
    expect(await grants.json()).toEqual({ items: [] });
  });

  it('fails a user’s consent that does not reach the connection’s site', async () => {
    const connection = await cloudConnection(t, 'Acme, users', 'acme');
    const shared = await startFlow(t, connection.id);
    const sharedPage = await followCallback(
      t,
      t.sim.approveConsent(shared.authorizationUrl, { cloudId: ACME }).redirectUrl,
    );
    await complete(t, connection.id, shared.flowId, { code: sharedPage.code });
    const user = t.asAdmin({ 'x-testbridge-user': 'carol' });
    const flow = await startFlow(t, connection.id, user);
    const page = await followCallback(
      t,
      t.sim.approveConsent(flow.authorizationUrl, { loginHint: 'carol@globex.test' }).redirectUrl,
    );
    expect(page.status).toBe(400);
    expect(page.html).toContain(`${t.sim.baseUrl}/cloud/acme`);
    const status = await flowOf(t, connection.id, flow.flowId);
    expect(status).toMatchObject({ status: 'failed', failure: expect.stringContaining('globex') });
    const other = await complete(
      t,
      connection.id,
      flow.flowId,
      { cloudId: GLOBEX },
      {
        ...user,
        ...json,
      },
    );
    expect(Problem.parse(await other.json()).code).toBe('oauth_state_invalid');
    expect((await connectionOf(t, connection.id)).cloudId).toBe(ACME);
  });
});
