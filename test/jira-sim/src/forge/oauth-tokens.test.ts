import { describe, expect, it } from 'vitest';
import { createSim } from '../index.ts';
import { TEST_BASE_URL as BASE, must } from '../testing.ts';
import { findAccountByEmail } from '../world/read.ts';
import { CLOUD_USERS } from '../world/seed-users.ts';

function setup() {
  const sim = createSim({ baseUrl: BASE });
  const acme = must(sim.world.sites.get('acme'));
  const globex = must(sim.world.sites.get('globex'));
  const alice = must(findAccountByEmail(sim.world, CLOUD_USERS.alice.email));
  const bob = must(findAccountByEmail(sim.world, CLOUD_USERS.bob.email));
  const call = (url: string, token: string, init: RequestInit = {}) =>
    sim.fetch(url, {
      ...init,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        ...(init.headers as Record<string, string>),
      },
    });
  const api = (cloudId: string, path: string) => `${BASE}/api/ex/jira/${cloudId}${path}`;
  return { sim, acme, globex, alice, bob, call, api };
}

describe('Forge-forwarded OAuth tokens on app.apiBaseUrl', () => {
  it('acts as exactly the user the user token was minted for, and files issues as them', async () => {
    const { sim, acme, bob, call, api } = setup();
    const { userToken } = sim.issueForgeTokens({ site: acme, accountId: bob.id });
    const me = await call(api(acme.cloudId, '/rest/api/3/myself'), must(userToken));
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ accountId: bob.id });
    const created = await call(api(acme.cloudId, '/rest/api/3/issue'), must(userToken), {
      method: 'POST',
      body: JSON.stringify({
        fields: { project: { key: 'TB' }, issuetype: { name: 'Bug' }, summary: 'as bob' },
      }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    const { key } = (await created.json()) as { key: string };
    const issue = await call(api(acme.cloudId, `/rest/api/3/issue/${key}`), must(userToken));
    expect(await issue.json()).toMatchObject({ fields: { reporter: { accountId: bob.id } } });
  });

  it('refuses an expired, unknown or foreign-site token with 401, and any bearer on the site URL', async () => {
    const { sim, acme, globex, alice, call, api } = setup();
    const { userToken, systemToken } = sim.issueForgeTokens({
      site: acme,
      accountId: alice.id,
      ttlSeconds: 60,
    });
    const myself = api(acme.cloudId, '/rest/api/3/myself');
    expect((await call(myself, must(userToken))).status).toBe(200);
    expect((await call(myself, 'forge_user_unknown')).status).toBe(401);
    expect((await call(api(globex.cloudId, '/rest/api/3/myself'), must(userToken))).status).toBe(
      401,
    );
    expect((await call(`${BASE}/cloud/acme/rest/api/3/myself`, must(userToken))).status).toBe(401);
    sim.clock.advance(60_000);
    expect((await call(myself, must(userToken))).status).toBe(401);
    expect((await call(myself, systemToken)).status).toBe(401);
  });

  it("acts as the app's bot account with the system token, and mints no user token without a user", async () => {
    const { sim, acme, call, api } = setup();
    const tokens = sim.issueForgeTokens({ site: acme });
    expect(tokens.userToken).toBeUndefined();
    const me = await call(api(acme.cloudId, '/rest/api/3/myself'), tokens.systemToken);
    expect(await me.json()).toMatchObject({ accountId: tokens.appAccountId, accountType: 'app' });
    expect(() => sim.issueForgeTokens({ site: acme, accountId: 'not-a-member' })).toThrow(
      RangeError,
    );
  });
});
