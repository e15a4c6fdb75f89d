import { Problem } from '@testbridge/shared';
import { Connection, ConnectionEventPage } from '@testbridge/shared/api/connections';
import { AuthorizationFlow } from '@testbridge/shared/api/oauth';
import { sql } from 'drizzle-orm';
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

describe('Cloud OAuth 2.0 (3LO) consent with a verification code', () => {
  let t: OAuthTestApp;
  beforeAll(async () => {
    t = await createOAuthTestApp();
  });
  afterAll(() => t.cleanup());

  it('takes a connection from creation to an authenticated myself call through the gateway', async () => {
    const { connection } = await createOAuthConnection(t, {
      name: 'Acme 3LO',
      jiraUrl: `${t.sim.baseUrl}/cloud/acme`,
      auth: { type: 'cloud_oauth2', app: 'testbridge' },
    });
    expect(connection).toMatchObject({ status: 'pending_authorization', deployment: 'cloud' });

    const flow = await startFlow(t, connection.id);
    const url = new URL(flow.authorizationUrl);
    expect(url.searchParams.get('redirect_uri')).toBe('http://testbridge.test/oauth/callback');
    expect(url.searchParams.get('scope')).toBe(
      'read:jira-work read:jira-user write:jira-work offline_access',
    );
    expect(url.searchParams.get('audience')).toBe('api.atlassian.com');
    expect(url.searchParams.get('state')?.length).toBeGreaterThanOrEqual(43);

    const consent = t.sim.approveConsent(flow.authorizationUrl);
    const page = await followCallback(t, consent.redirectUrl);
    expect(page.status).toBe(200);
    expect(page.code).toMatch(/^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{2}$/);
    expect(page.html).not.toMatch(/sim_at_|sim_rt_/);

    const status = await t.app.request(
      `/api/v1/connections/${connection.id}/authorizations/${flow.flowId}`,
      { headers: t.asAdmin() },
    );
    expect(AuthorizationFlow.parse(await status.json()).status).toBe('awaiting_verification');

    const done = await complete(t, connection.id, flow.flowId, { code: page.code });
    expect(done.status).toBe(200);
    expect(AuthorizationFlow.parse(await done.json())).toMatchObject({
      status: 'completed',
      missingScopes: [],
    });

    const got = Connection.parse(
      await (
        await t.app.request(`/api/v1/connections/${connection.id}`, { headers: t.asAdmin() })
      ).json(),
    );
    expect(got).toMatchObject({
      status: 'active',
      cloudId: 'e745c11f-8b46-4ed4-b3cb-313a679e1d9f',
    });
    expect(got.grantedScopes).toEqual(
      expect.arrayContaining(['read:jira-work', 'read:jira-user', 'write:jira-work']),
    );
    // Diagnostics ran after connecting, through the gateway with the new grant.
    expect(got.diagnostics?.checks).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'authenticated', result: 'pass' }),
        expect.objectContaining({ name: 'scopes', result: 'pass' }),
      ]),
    );

    const me = await jiraMyself(t, connection.id);
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({
      accountId: '43ab05deabe6257553edec3f',
      grant: 'shared',
    });
    expect(
      t.sim.requests.list({
        path: '/api/ex/jira/e745c11f-8b46-4ed4-b3cb-313a679e1d9f/rest/api/3/myself',
      }),
    ).toHaveLength(2); // the diagnostics' and ours

    const history = ConnectionEventPage.parse(
      await (
        await t.app.request(`/api/v1/connections/${connection.id}/history`, {
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

  it('refuses a wrong, a reused, an expired code and one pasted by another caller', async () => {
    const { connection } = await createOAuthConnection(t, {
      name: 'Acme codes',
      jiraUrl: `${t.sim.baseUrl}/cloud/acme`,
      auth: {
        type: 'cloud_oauth2',
        app: 'own',
        clientId: 'sim-3lo-client',
        clientSecret: 'sim-3lo-secret',
      },
    });
    const flow = await startFlow(t, connection.id);
    const page = await followCallback(t, t.sim.approveConsent(flow.authorizationUrl).redirectUrl);
    const problemOf = async (res: Response) => {
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      return Problem.parse(await res.json());
    };

    const wrong = await complete(t, connection.id, flow.flowId, { code: 'AAAA-AAAA-AA' });
    expect(wrong.status).toBe(400);
    expect((await problemOf(wrong)).code).toBe('verification_code_invalid');

    const keyRes = await t.app.request('/api/v1/api-keys', {
      method: 'POST',
      headers: t.asAdmin({ 'content-type': 'application/json' }),
      body: JSON.stringify({ name: 'other admin', role: 'admin' }),
    });
    const otherKey = ((await keyRes.json()) as { key: string }).key;
    const other = await complete(
      t,
      connection.id,
      flow.flowId,
      { code: page.code },
      {
        authorization: `Bearer ${otherKey}`,
      },
    );
    expect((await problemOf(other)).code).toBe('verification_code_invalid');

    expect((await complete(t, connection.id, flow.flowId, { code: page.code })).status).toBe(200);
    const reused = await complete(t, connection.id, flow.flowId, { code: page.code });
    expect((await problemOf(reused)).code).toBe('verification_code_invalid');

    const late = await startFlow(t, connection.id);
    const latePage = await followCallback(
      t,
      t.sim.approveConsent(late.authorizationUrl).redirectUrl,
    );
    advance(t, 6 * 60_000);
    const expired = await complete(t, connection.id, late.flowId, { code: latePage.code });
    expect(await problemOf(expired)).toMatchObject({
      code: 'verification_code_invalid',
      detail: expect.stringContaining('expired'),
    });
  });

  it('fails the flow after five wrong codes, so a code cannot be guessed', async () => {
    const { connection } = await createOAuthConnection(t, {
      name: 'Acme guessing',
      jiraUrl: `${t.sim.baseUrl}/cloud/acme`,
      auth: { type: 'cloud_oauth2', app: 'testbridge' },
    });
    const flow = await startFlow(t, connection.id);
    const page = await followCallback(
      t,
      t.sim.approveConsent(flow.authorizationUrl, {
        cloudId: 'e745c11f-8b46-4ed4-b3cb-313a679e1d9f',
      }).redirectUrl,
    );
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await complete(t, connection.id, flow.flowId, { code: `WRNG-CODE-${i}${i}` });
      codes.push(Problem.parse(await res.json()).code);
    }
    expect(codes).toEqual([...Array(4).fill('verification_code_invalid'), 'oauth_state_invalid']);
    const right = await complete(t, connection.id, flow.flowId, { code: page.code });
    expect(Problem.parse(await right.json()).code).toBe('oauth_state_invalid');
  });

  it('shows an error page naming the problem for Deny, a reused state and an expired flow', async () => {
    const { connection } = await createOAuthConnection(t, {
      name: 'Acme deny',
      jiraUrl: `${t.sim.baseUrl}/cloud/acme`,
      auth: { type: 'cloud_oauth2', app: 'testbridge' },
    });
    const flow = await startFlow(t, connection.id);
    const denied = await followCallback(
      t,
      t.sim.approveConsent(flow.authorizationUrl, { deny: true }).redirectUrl,
    );
    expect(denied.status).toBe(400);
    expect(denied.html).toContain('access_denied');
    expect(denied.code).toBeNull();
    const status = AuthorizationFlow.parse(
      await (
        await t.app.request(`/api/v1/connections/${connection.id}/authorizations/${flow.flowId}`, {
          headers: t.asAdmin(),
        })
      ).json(),
    );
    expect(status).toMatchObject({
      status: 'failed',
      failure: expect.stringContaining('access_denied'),
    });

    const again = await t.app.request(
      `/oauth/callback?code=x&state=${new URL(flow.authorizationUrl).searchParams.get('state')}`,
    );
    expect(again.status).toBe(400);
    expect(await again.text()).toContain('oauth_state_invalid');

    const slow = await startFlow(t, connection.id);
    const consent = t.sim.approveConsent(slow.authorizationUrl);
    advance(t, 11 * 60_000);
    const expired = await followCallback(t, consent.redirectUrl);
    expect(expired.html).toContain('oauth_state_expired');
  });

  it('keeps tokens, secrets and used codes out of every response, log line and the store', async () => {
    const { connection } = await createOAuthConnection(t, {
      name: 'Secrets',
      jiraUrl: `${t.sim.baseUrl}/cloud/acme`,
      auth: {
        type: 'cloud_oauth2',
        app: 'own',
        clientId: 'sim-3lo-client',
        clientSecret: 'sim-3lo-secret',
      },
    });
    const flow = await startFlow(t, connection.id);
    const consent = t.sim.approveConsent(flow.authorizationUrl, {
      cloudId: 'e745c11f-8b46-4ed4-b3cb-313a679e1d9f',
    });
    const page = await followCallback(t, consent.redirectUrl);
    const code = page.code ?? 'missing';
    const done = await complete(t, connection.id, flow.flowId, {
      code,
      cloudId: 'e745c11f-8b46-4ed4-b3cb-313a679e1d9f',
    });
    expect(done.status).toBe(200);
    advance(t, 2 * 3_600_000);
    expect((await jiraMyself(t, connection.id)).status).toBe(200);

    const secrets = /sim_at_|sim_rt_|sim-3lo-secret/;
    const used = new RegExp(code.replaceAll('-', '-?'));
    expect(t.responses.join('\n')).not.toMatch(secrets);
    expect(t.logs.text()).not.toMatch(secrets);
    expect(t.logs.text()).not.toMatch(used);
    const rows = await Promise.all(
      ['grants', 'oauth_flows', 'connections', 'connection_events'].map((table) =>
        t.deps.store.query(t.deps.store.db, sql`SELECT * FROM ${sql.identifier(table)}`),
      ),
    );
    const dump = JSON.stringify(rows);
    expect(dump).not.toMatch(secrets);
    expect(dump).not.toMatch(used);
  });
});
