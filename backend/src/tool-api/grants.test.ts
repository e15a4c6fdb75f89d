import { readSeededOAuth1PrivateKey, SEEDED } from '@testbridge/jira-sim';
import { Problem } from '@testbridge/shared';
import { OAuthConnectionCreated } from '@testbridge/shared/api/oauth';
import { JiraIssueCreated, JiraIssuePage, type JiraUser } from '@testbridge/shared/api/tool-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  authorizeCloud,
  complete,
  connectCloud,
  createOAuthConnection,
  createOAuthTestApp,
  followCallback,
  json,
  type OAuthTestApp,
  startFlow,
} from '../oauth/testing.ts';
import { callJiraApi, collectPages, connectWithToken, createToolKey } from './testing.ts';

const ACME = 'e745c11f-8b46-4ed4-b3cb-313a679e1d9f';
const ALICE = '43ab05deabe6257553edec3f';
const BOB = '67dccba40b8858e62f585a49';
const DEFECT = { project: 'TB', issueType: 'Bug', summary: 'Checkout total is wrong' };

describe('whose grant the test tool’s Jira calls use', () => {
  let t: OAuthTestApp;
  let tool: (user?: string) => Record<string, string>;
  const reporterOf = (created: { key: string }, dc = false) => {
    const instance = dc ? t.sim.world.dc : t.sim.world.sites.get('acme');
    return [...(instance?.issues.values() ?? [])].find((i) => i.key === created.key)?.reporterId;
  };
  const createDefect = async (id: string, user?: string, extra: object = {}) =>
    callJiraApi(t, tool(user), id, '/issues', { ...DEFECT, ...extra });

  beforeAll(async () => {
    t = await createOAuthTestApp();
    tool = await createToolKey(t);
    t.sim.registerDcOAuthClient({
      clientId: 'tb-dc-client',
      clientSecret: 'tb-dc-secret',
      name: 'Testbridge',
      redirectUri: 'http://testbridge.test/oauth/callback',
      scope: 'WRITE',
    });
  });
  afterAll(async () => {
    for (const body of t.responses) {
      for (const secret of [SEEDED.apiTokens.bob, SEEDED.pats.dave, 'sim_at_', 'tb-dc-secret'])
        expect(body).not.toContain(secret);
    }
    await t.cleanup();
  });

  it('creates the issue as the user who authorized themselves, not as the shared grant', async () => {
    const connection = await connectCloud(t, 'Per-user writes');
    const flow = await startFlow(t, connection.id, tool('tool-user-bob'));
    const consent = t.sim.approveConsent(flow.authorizationUrl, { loginHint: 'bob@acme.test' });
    const page = await followCallback(t, consent.redirectUrl);
    const done = await complete(
      t,
      connection.id,
      flow.flowId,
      { code: page.code },
      tool('tool-user-bob'),
    );
    expect(done.status, await done.clone().text()).toBe(200);

    const asBob = await createDefect(connection.id, 'tool-user-bob');
    expect(asBob.status, await asBob.clone().text()).toBe(201);
    expect(reporterOf(JiraIssueCreated.parse(await asBob.json()))).toBe(BOB);
    const shared = await createDefect(connection.id, 'tool-user-without-grant');
    expect(reporterOf(JiraIssueCreated.parse(await shared.json()))).toBe(ALICE);
    // Bob's own grant carries Bob's permissions: he may not assign.
    const assign = await createDefect(connection.id, 'tool-user-bob', { assignee: ALICE });
    expect(Problem.parse(await assign.json()).jira).toMatchObject({
      errors: {
        assignee:
          "Field 'assignee' cannot be set. It is not on the appropriate screen, or unknown.",
      },
    });
  });

  it('asks a user without a grant to authorize before a write when the connection requires it, while reads use the shared grant', async () => {
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

    const refused = await createDefect(connection.id, 'tool-user-dan');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(Problem.parse(await refused.json())).toMatchObject({
      code: 'user_authorization_required',
      startAuthorizationUrl: `http://testbridge.test/api/v1/connections/${connection.id}/authorizations`,
      user: 'tool-user-dan',
    });
    const comment = await callJiraApi(
      t,
      tool('tool-user-dan'),
      connection.id,
      '/issues/TB-1/comments',
      {
        body: 'x',
      },
    );
    expect(Problem.parse(await comment.json()).code).toBe('user_authorization_required');
    const anonymous = await createDefect(connection.id);
    expect(Problem.parse(await anonymous.json()).code).toBe('user_authorization_required');

    const search = await callJiraApi(t, tool('tool-user-dan'), connection.id, '/issues/search', {
      jql: 'project = TB',
      limit: 5,
    });
    expect(search.status, await search.clone().text()).toBe(200);
    expect(JiraIssuePage.parse(await search.json()).items).toHaveLength(5);
  });

  it('returns Jira’s permission errors in Jira’s words (bob cannot assign, dave cannot link)', async () => {
    const bob = await connectWithToken(t, 'Bob', 'cloud_api_token', 'bob');
    const res = await createDefect(bob.id, undefined, { assignee: BOB });
    expect(res.status).toBe(422);
    const problem = Problem.parse(await res.json());
    expect(problem.code).toBe('jira_rejected_request');
    expect(problem.detail).toContain(
      "assignee: Field 'assignee' cannot be set. It is not on the appropriate screen, or unknown.",
    );
    expect(problem.jira).toMatchObject({ status: 400 });
    expect(problem.invalidFields?.map((f) => f.field)).toEqual(['body.assignee']);

    const dave = await connectWithToken(t, 'Dave', 'dc_pat', 'dave');
    const link = await callJiraApi(t, tool(), dave.id, '/issue-links', {
      type: 'Relates',
      inwardIssue: 'TB-1',
      outwardIssue: 'TB-2',
    });
    expect(link.status).toBe(404);
    expect(Problem.parse(await link.json())).toMatchObject({
      code: 'jira_not_found',
      jira: { status: 404, errorMessages: ["No Link Issue Permission for issue 'TB-2'."] },
    });
    const remote = await callJiraApi(t, tool(), dave.id, '/issues/TB-1/remote-links', {
      globalId: 'g-1',
      url: 'https://tests.example.test/1',
      title: 'Test 1',
    });
    expect(remote.status).toBe(403);
    expect(Problem.parse(await remote.json())).toMatchObject({
      code: 'jira_forbidden',
      jira: { status: 403, errorMessages: ['You do not have permission to link issues.'] },
    });
  });

  it('creates issues through Data Center passwords, OAuth 2.0 and OAuth 1.0a as their own users', async () => {
    const basic = await connectWithToken(t, 'DC password', 'dc_basic', 'dave');
    const viaBasic = JiraIssueCreated.parse(await (await createDefect(basic.id)).json());
    expect(reporterOf(viaBasic, true)).toBe('JIRAUSER10001');

    const { connection: oauth2 } = await createOAuthConnection(t, {
      name: 'DC OAuth 2.0',
      jiraUrl: `${t.sim.baseUrl}/dc/jira`,
      auth: { type: 'dc_oauth2', clientId: 'tb-dc-client', clientSecret: 'tb-dc-secret' },
    });
    const flow2 = await startFlow(t, oauth2.id);
    const page2 = await followCallback(
      t,
      t.sim.approveDcConsent(flow2.authorizationUrl, { loginHint: 'erin' }).redirectUrl,
    );
    expect((await complete(t, oauth2.id, flow2.flowId, { code: page2.code })).status).toBe(200);
    const viaOAuth2 = await createDefect(oauth2.id);
    expect(viaOAuth2.status, await viaOAuth2.clone().text()).toBe(201);
    expect(reporterOf(JiraIssueCreated.parse(await viaOAuth2.json()), true)).toBe('JIRAUSER10002');

    const { connection: oauth1 } = await createOAuthConnection(t, {
      name: 'DC OAuth 1.0a',
      jiraUrl: `${t.sim.baseUrl}/dc/jira`,
      auth: {
        type: 'oauth1',
        consumerKey: 'testbridge-oauth1',
        privateKey: readSeededOAuth1PrivateKey(),
      },
    });
    const flow1 = await startFlow(t, oauth1.id);
    const token = new URL(flow1.authorizationUrl).searchParams.get('oauth_token') ?? '';
    const page1 = await followCallback(t, t.sim.approveRequestToken(token).redirectUrl ?? '');
    expect((await complete(t, oauth1.id, flow1.flowId, { code: page1.code })).status).toBe(200);
    const viaOAuth1 = await createDefect(oauth1.id);
    expect(viaOAuth1.status, await viaOAuth1.clone().text()).toBe(201);
    expect(reporterOf(JiraIssueCreated.parse(await viaOAuth1.json()), true)).toBe('JIRAUSER10000');
  });

  it('answers needs_reauthorization for a connection not (or no longer) authorized', async () => {
    const { connection } = await createOAuthConnection(t, {
      name: 'Never authorized',
      jiraUrl: `${t.sim.baseUrl}/cloud/acme`,
      auth: { type: 'cloud_oauth2', app: 'testbridge' },
    });
    const res = await callJiraApi(t, tool(), connection.id, '/projects');
    expect(res.status).toBe(409);
    expect(Problem.parse(await res.json()).code).toBe('needs_reauthorization');
  });

  it('answers needs_reauthorization once Jira has revoked the grant and refresh fails', async () => {
    const connection = await connectCloud(t, 'Revoked in Jira');
    t.sim.revoke({ userId: ALICE, clientId: 'sim-3lo-client' });
    const res = await callJiraApi(t, tool(), connection.id, '/projects');
    expect(res.status).toBe(409);
    expect(Problem.parse(await res.json())).toMatchObject({
      code: 'needs_reauthorization',
      connectionId: connection.id,
    });
  });

  it('loads users page by page through Cloud OAuth (read:jira-user)', async () => {
    const connection = await connectCloud(t, 'Users over OAuth');
    const pages = await collectPages<JiraUser>(
      t,
      tool(),
      connection.id,
      '/users?query=zoe&limit=30',
    );
    expect(pages.pages).toBeGreaterThanOrEqual(3);
    expect(new Set(pages.items.map((u) => u.accountId)).size).toBe(pages.items.length);
    expect(pages.items.every((u) => /\bzoe/i.test(u.displayName))).toBe(true);
  });

  it('refuses writes on a token connection that requires users’ own grants, and still reads', async () => {
    const strict = await connectWithToken(t, 'Strict token', 'cloud_api_token', 'alice', {
      requireUserGrantForWrites: true,
    });
    const write = await createDefect(strict.id, 'tool-user-erin');
    expect(Problem.parse(await write.json()).code).toBe('forbidden');
    expect((await callJiraApi(t, tool('tool-user-erin'), strict.id, '/projects')).status).toBe(200);
  });

  it('needs a tool or admin API key and an existing connection', async () => {
    const connection = await connectWithToken(t, 'Keys', 'dc_pat', 'admin');
    const none = await t.app.request(`/api/v1/connections/${connection.id}/jira/projects`);
    expect(none.status).toBe(401);
    const admin = await callJiraApi(t, t.asAdmin(), connection.id, '/projects');
    expect(admin.status).toBe(200);
    const unknown = await callJiraApi(t, tool(), 'no-such-connection', '/projects');
    expect(Problem.parse(await unknown.json()).code).toBe('not_found');
  });
});
