import {
  AdminStatusAnswer,
  CreateDefectAnswer,
  IssueTestsAnswer,
} from '@testbridge/shared/forge/remote';
import { Problem } from '@testbridge/shared/problem';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createInstallationRepo } from './repo.ts';
import { createForgeTestApp, type ForgeTestApp } from './testing.ts';

const panelContext = (cloudId: string, key = 'SHOP-1') => ({
  cloudId,
  siteUrl: 'https://acme.atlassian.net',
  localId: 'panel-1',
  extension: { type: 'jira:issuePanel', issue: { id: '10001', key } },
});

describe('the Forge remote routes', () => {
  let t: ForgeTestApp;
  let acme: { cloudId: string };
  let globex: { cloudId: string };
  const panelToken = (site: 'acme' | 'globex', key = 'SHOP-1') =>
    t.token(site, {
      principal: 'account-alice',
      moduleType: 'jira:issuePanel',
      context: panelContext(t.site(site).cloudId, key),
    });
  const adminToken = (site: 'acme' | 'globex') =>
    t.token(site, {
      principal: 'account-admin',
      moduleType: 'jira:adminPage',
      context: {
        cloudId: t.site(site).cloudId,
        siteUrl: `https://${site}.atlassian.net`,
        extension: { type: 'jira:adminPage' },
      },
    });

  beforeAll(async () => {
    t = await createForgeTestApp();
    acme = t.site('acme');
    globex = t.site('globex');
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('answers "not connected" (not an error) for a site without a connection, and asks no feature', async () => {
    const res = await t.post('/forge/issue-tests', await panelToken('acme'), {
      issueIdOrKey: 'SHOP-1',
      scope: { kind: 'latest' },
    });
    expect(res.status).toBe(200);
    expect(IssueTestsAnswer.parse(await res.json())).toEqual({
      status: 'not_connected',
      cloudId: acme.cloudId,
      siteUrl: 'https://acme.atlassian.net',
    });
    expect(t.calls.issueTests).toEqual([]);
  });

  it("answers the panel from the connection of the token's site, with the scope and history asked", async () => {
    await t.connect('acme', 'active');
    const res = await t.post('/forge/issue-tests', await panelToken('acme'), {
      issueIdOrKey: 'SHOP-1',
      scope: { kind: 'environment', environment: 'staging' },
      history: 3,
    });
    expect(res.status).toBe(200);
    const answer = IssueTestsAnswer.parse(await res.json());
    expect(answer.status).toBe('connected');
    if (answer.status !== 'connected') return;
    expect(answer.issueTests.connectionId).toBe('conn-acme');
    expect(answer.issueTests.coverage).toBe('NOK');
    // Asked by key, read by the id the token signs (no key lookup).
    expect(t.calls.issueTests.at(-1)).toEqual({
      connectionId: 'conn-acme',
      issueIdOrKey: '10001',
      scope: { kind: 'environment', environment: 'staging' },
      history: 3,
    });
  });

  it("never serves one site's data to another site's token", async () => {
    const before = t.calls.issueTests.length;
    const res = await t.post('/forge/issue-tests', await panelToken('globex'), {
      issueIdOrKey: 'SHOP-1',
      scope: { kind: 'latest' },
    });
    expect(IssueTestsAnswer.parse(await res.json())).toMatchObject({
      status: 'not_connected',
      cloudId: globex.cloudId,
    });
    expect(t.calls.issueTests.length).toBe(before);
    await t.connect('globex', 'active');
    const second = await t.post('/forge/issue-tests', await panelToken('globex'), {
      issueIdOrKey: 'SHOP-1',
      scope: { kind: 'latest' },
    });
    expect(IssueTestsAnswer.parse(await second.json())).toMatchObject({
      status: 'connected',
      issueTests: { connectionId: 'conn-globex' },
    });
  });

  it('refuses a panel asking for another issue than the one it is shown on (403)', async () => {
    const res = await t.post('/forge/issue-tests', await panelToken('acme', 'SHOP-1'), {
      issueIdOrKey: 'SHOP-2',
      scope: { kind: 'latest' },
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: 'forbidden' });
    const fromAdmin = await t.post('/forge/issue-tests', await adminToken('acme'), {
      issueIdOrKey: 'SHOP-1',
      scope: { kind: 'latest' },
    });
    expect(fromAdmin.status).toBe(403);
  });

  it('accepts the issue id as well as the key', async () => {
    const res = await t.post('/forge/issue-tests', await panelToken('acme'), {
      issueIdOrKey: '10001',
      scope: { kind: 'latest' },
    });
    expect(res.status).toBe(200);
  });

  it('names each bad field of the body (400), after checking the token', async () => {
    const res = await t.post('/forge/issue-tests', await panelToken('acme'), {
      issueIdOrKey: '',
      scope: { kind: 'sprint' },
      history: 99,
    });
    expect(res.status).toBe(400);
    const problem = (await res.json()) as { invalidFields: { field: string }[] };
    expect(problem.invalidFields.map((f) => f.field).sort()).toEqual([
      'body.history',
      'body.issueIdOrKey',
      'body.scope.kind',
    ]);
    const unauthenticated = await t.post('/forge/issue-tests', undefined, { scope: 'x' });
    expect(unauthenticated.status).toBe(401);
  });

  it('answers 401 with a bearer challenge and no detail of the token for a bad or missing FIT', async () => {
    const none = await t.post('/forge/admin-status', undefined, {});
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    const valid = await adminToken('acme');
    const tampered = `${valid.slice(0, -4)}AAAA`;
    const bad = await t.post('/forge/admin-status', tampered, {});
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ code: 'unauthenticated' });
    expect(t.logs.text()).not.toContain(valid.split('.')[2]);
  });

  it('records the installation from the token, linked to the connection, idempotently', async () => {
    const installed = await t.token('acme', { moduleType: 'core:endpoint' });
    for (let i = 0; i < 2; i++) {
      const res = await t.post('/forge/lifecycle/installed', installed, { payload: {} });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ recorded: true });
    }
    const repo = createInstallationRepo(t.deps.store.tables);
    const row = await repo.findCurrentForSite(t.deps.store.db, acme.cloudId);
    expect(row).toMatchObject({
      cloudId: acme.cloudId,
      connectionId: 'conn-acme',
      environment: 'DEVELOPMENT',
      appId: t.sim.forgeAppId,
      uninstalledAt: null,
    });
    const claims = decodeJwt(installed) as { app: { installationId: string } };
    expect(row?.installationId).toBe(claims.app.installationId);
    expect(row?.apiBaseUrl).toContain(`/ex/jira/${acme.cloudId}`);
  });

  it('shows the admin page the connection, installation, mapped projects and webhook state', async () => {
    const res = await t.post('/forge/admin-status', await adminToken('acme'), {});
    expect(res.status).toBe(200);
    const answer = AdminStatusAnswer.parse(await res.json());
    expect(answer).toMatchObject({
      status: 'connected',
      connection: { id: 'conn-acme', name: 'acme cloud', status: 'active' },
      installation: { environment: 'DEVELOPMENT', installedAt: '2026-03-02T09:00:00.000Z' },
      mappedProjects: [{ jiraProjectKey: 'SHOP', toolProjectKey: 'shop-web', createDefects: true }],
      // app.ts wires the webhooks feature's health: this site has no webhook yet.
      webhooks: { state: 'not_registered' },
    });
    expect(t.calls.mappingsOf).toEqual(['conn-acme']);
    const fromPanel = await t.post('/forge/admin-status', await panelToken('acme'), {});
    expect(fromPanel.status).toBe(403);
  });

  it('keeps the site URL the admin page saw when the installation is recorded again', async () => {
    const repo = createInstallationRepo(t.deps.store.tables);
    await t.post('/forge/admin-status', await adminToken('acme'), {});
    const seen = await repo.findCurrentForSite(t.deps.store.db, acme.cloudId);
    expect(seen?.siteUrl).toBe('https://acme.atlassian.net');
    await t.post('/forge/lifecycle/installed', await t.token('acme'), {});
    expect((await repo.findCurrentForSite(t.deps.store.db, acme.cloudId))?.siteUrl).toBe(
      'https://acme.atlassian.net',
    );
  });

  it("asks Jira for the site's URL as the app, with the forwarded system token, at install", async () => {
    const repo = createInstallationRepo(t.deps.store.tables);
    const site = t.site('globex');
    const fit = await t.token('globex', { moduleType: 'core:endpoint' });
    // Right after an install Jira may refuse the app's token: recorded all the same.
    const early = t.sim.issueForgeTokens({ site, ttlSeconds: 1 });
    t.sim.clock.advance(1000);
    const refused = await t.post(
      '/forge/lifecycle/installed',
      fit,
      {},
      {
        'x-forge-oauth-system': early.systemToken,
      },
    );
    expect(refused.status).toBe(200);
    expect((await repo.findCurrentForSite(t.deps.store.db, site.cloudId))?.siteUrl).toBeNull();
    expect(t.logs.text()).not.toContain(early.systemToken);

    const { systemToken } = t.sim.issueForgeTokens({ site });
    t.sim.requests.clear();
    const res = await t.post(
      '/forge/lifecycle/installed',
      fit,
      {},
      {
        'x-forge-oauth-system': systemToken,
      },
    );
    expect(res.status).toBe(200);
    expect((await repo.findCurrentForSite(t.deps.store.db, site.cloudId))?.siteUrl).toBe(
      site.baseUrl,
    );
    const asked = t.sim.requests.list({ path: '/api/ex/jira/*/rest/api/2/serverInfo' });
    expect(asked).toHaveLength(1);
    expect(asked[0]?.url).toContain(`/api/ex/jira/${site.cloudId}/`);
    expect(asked[0]?.headers.authorization).toBe(`Bearer ${systemToken}`);
  });

  it('files a defect from the panel only as the viewing user, with the token Forge forwarded', async () => {
    const body = { issueIdOrKey: 'SHOP-1', runId: 'run-1', testId: 'test-1' };
    const without = await t.post('/forge/defects', await panelToken('acme'), body);
    expect(without.status).toBe(403);
    expect(Problem.parse(await without.json()).code).toBe('user_authorization_required');
    expect(t.calls.fileDefect).toEqual([]);

    const userToken = 'forge-user-token-of-alice';
    const res = await t.post('/forge/defects', await panelToken('acme'), body, {
      'x-forge-oauth-user': userToken,
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(CreateDefectAnswer.parse(await res.json()).defect.issueKey).toBe('SHOP-7');
    const [call] = t.calls.fileDefect;
    expect(call).toMatchObject({
      connectionId: 'conn-acme',
      runId: 'run-1',
      testId: 'test-1',
      viewer: {
        accountId: 'account-alice',
        apiBaseUrl: `${t.sim.baseUrl}/api/ex/jira/${acme.cloudId}`,
      },
    });
    expect(call?.viewer.token.reveal()).toBe(userToken);
    expect(t.logs.text()).not.toContain(userToken);
  });

  it('marks the installation gone on preUninstall, once', async () => {
    const fit = await t.token('acme', { moduleType: 'core:endpoint' });
    const first = await t.post('/forge/lifecycle/uninstalled', fit, {});
    expect(await first.json()).toEqual({ recorded: true });
    const again = await t.post('/forge/lifecycle/uninstalled', fit, {});
    expect(await again.json()).toEqual({ recorded: false });
    const repo = createInstallationRepo(t.deps.store.tables);
    expect(await repo.findCurrentForSite(t.deps.store.db, acme.cloudId)).toBeUndefined();
    const admin = AdminStatusAnswer.parse(
      await (await t.post('/forge/admin-status', await adminToken('acme'), {})).json(),
    );
    expect(admin).toMatchObject({ status: 'connected', installation: null });
  });
});
