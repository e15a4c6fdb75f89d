import {
  type CloudSite,
  createSim,
  createFixedClock as createSimClock,
  updateIssue,
} from '@testbridge/jira-sim';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectCloud,
  createOAuthTestApp,
  json,
  type OAuthTestApp,
  START,
} from '../oauth/testing.ts';
import { STORE_KINDS } from '../testing/index.ts';
import { drainJiraEvents } from './process.ts';
import { dynamicWebhookUrl } from './service.ts';

const sign = (secret: string, exp: number, alg = 'HS256') =>
  new SignJWT({})
    .setProtectedHeader({ alg, typ: 'JWT' })
    .setIssuer('jira:e745c11f-8b46-4ed4-b3cb-313a679e1d9f')
    .setIssuedAt(exp - 900)
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(secret));

describe.each(STORE_KINDS)('dynamic (OAuth 2.0) webhooks on %s', (kind) => {
  let t: OAuthTestApp;
  let connectionId: string;
  const acme = () => t.sim.world.sites.get('acme') as CloudSite;
  const url = () => new URL(dynamicWebhookUrl(t.deps, connectionId)).pathname;
  const nowSeconds = () => Math.floor(t.clock.now().getTime() / 1000);
  const body = JSON.stringify({
    timestamp: 1,
    webhookEvent: 'jira:issue_updated',
    issue: { id: '10001', key: 'TB-1', fields: { summary: 'x' } },
  });
  const post = (authorization?: string) =>
    t.app.request(url(), {
      method: 'POST',
      headers: { ...json, ...(authorization ? { authorization } : {}) },
      body,
    });

  beforeAll(async () => {
    let deliver: typeof fetch = async () => {
      throw new TypeError('fetch failed');
    };
    const sim = createSim({
      baseUrl: 'http://jira-sim.test',
      clock: createSimClock(START),
      fetch: (input, init) => deliver(input, init),
    });
    t = await createOAuthTestApp({ store: kind, sim });
    deliver = async (input, init) => t.app.request(input, init);
    connectionId = (await connectCloud(t, 'acme cloud')).id;
  });
  afterAll(async () => t.cleanup());

  it('a webhook registered with the app in the simulated Jira delivers a JWT Testbridge verifies', async () => {
    const alice = [...acme().users.values()].find((u) => u.emailAddress === 'alice@acme.test');
    if (!alice) throw new Error('no alice');
    const { access_token } = t.sim.issueCloudTokens({
      clientId: 'sim-3lo-client',
      accountId: alice.id,
      cloudId: acme().cloudId,
      scopes: ['read:jira-work', 'manage:jira-webhook'],
    });
    const res = await t.sim.fetch(
      `${t.sim.baseUrl}/api/ex/jira/${acme().cloudId}/rest/api/3/webhook`,
      {
        method: 'POST',
        headers: { ...json, authorization: `Bearer ${access_token}` },
        body: JSON.stringify({
          url: dynamicWebhookUrl(t.deps, connectionId),
          webhooks: [{ events: ['jira:issue_updated'], jqlFilter: 'project = TB' }],
        }),
      },
    );
    expect(res.status, await res.clone().text()).toBe(200);
    const id = acme().issueKeys.get('TB-7') ?? '';
    updateIssue(t.sim.world, acme(), id, { summary: 'Renamed in Jira' }, null);
    await t.sim.webhooks.flush();
    expect(t.sim.webhooks.attempts().map((a) => a.status)).toEqual([202]);
    expect((await drainJiraEvents(t.deps)).done).toBe(1);
    const [state] = await t.deps.store.db.select().from(t.deps.store.tables.jiraIssueStates);
    expect(state).toMatchObject({ issueId: id, issueKey: 'TB-7', summary: 'Renamed in Jira' });
  });

  it('refuses a missing, expired, wrong-secret or unsigned JWT with 401 and stores nothing', async () => {
    const before = (await t.deps.store.db.select().from(t.deps.store.tables.jiraEvents)).length;
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(
      JSON.stringify({ exp: nowSeconds() + 600 }),
    ).toString('base64url')}.`;
    for (const authorization of [
      undefined,
      `Bearer ${await sign('sim-3lo-secret', nowSeconds() - 10)}`,
      `Bearer ${await sign('another-secret', nowSeconds() + 600)}`,
      `Bearer ${none}`,
    ]) {
      const res = await post(authorization);
      expect(res.status, authorization).toBe(401);
    }
    expect((await t.deps.store.db.select().from(t.deps.store.tables.jiraEvents)).length).toBe(
      before,
    );
    // Only signature and expiry count: any issuer or audience is accepted.
    expect((await post(`Bearer ${await sign('sim-3lo-secret', nowSeconds() + 600)}`)).status).toBe(
      202,
    );
    // A connection that is not Cloud OAuth 2.0 has no dynamic-webhook URL.
    const other = await t.app.request('/webhooks/jira/connections/unknown', {
      method: 'POST',
      headers: {
        ...json,
        authorization: `Bearer ${await sign('sim-3lo-secret', nowSeconds() + 600)}`,
      },
      body,
    });
    expect(other.status).toBe(401);
  });
});
