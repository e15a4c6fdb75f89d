import { describe, expect, it } from 'vitest';
import { createSim } from '../index.ts';
import { must } from '../testing.ts';
import { findAccountByEmail } from '../world/read.ts';
import { CLOUD_USERS } from '../world/seed-users.ts';
import { SEEDED } from './seed-credentials.ts';

const BASE = 'http://jira-sim.test';
const basic = (user: string, secret: string) =>
  `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;

function setup() {
  const sim = createSim({ baseUrl: BASE });
  const acme = must(sim.world.sites.get('acme'));
  const globex = must(sim.world.sites.get('globex'));
  const alice = must(findAccountByEmail(sim.world, CLOUD_USERS.alice.email));
  const bob = must(findAccountByEmail(sim.world, CLOUD_USERS.bob.email));
  const gateway = (cloudId: string, path: string, token?: string) =>
    sim.fetch(
      `${BASE}/api/ex/jira/${cloudId}${path}`,
      token === undefined ? {} : { headers: { Authorization: `Bearer ${token}` } },
    );
  return { sim, acme, globex, alice, bob, gateway };
}

describe('site URL (basic auth with e-mail + API token)', () => {
  it('serves tenant_info without authentication', async () => {
    const { sim, acme } = setup();
    const res = await sim.fetch(`${BASE}/cloud/acme/_edge/tenant_info`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ cloudId: acme.cloudId });
  });

  it('answers myself for the API token owner', async () => {
    const { sim, alice } = setup();
    const res = await sim.fetch(`${BASE}/cloud/acme/rest/api/3/myself`, {
      headers: { Authorization: basic(CLOUD_USERS.alice.email, SEEDED.apiTokens.alice) },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-aaccountid')).toBe(alice.id);
    expect(await res.json()).toMatchObject({
      accountId: alice.id,
      emailAddress: CLOUD_USERS.alice.email,
      accountType: 'atlassian',
      active: true,
    });
  });

  it('rejects a wrong API token with 401', async () => {
    const { sim } = setup();
    const res = await sim.fetch(`${BASE}/cloud/acme/rest/api/3/myself`, {
      headers: { Authorization: basic(CLOUD_USERS.alice.email, 'wrong') },
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      errorMessages: ['Client must be authenticated to access this resource.'],
      errors: {},
    });
  });

  it("rejects another account's token and a site the account is not on", async () => {
    const { sim } = setup();
    const foreign = await sim.fetch(`${BASE}/cloud/acme/rest/api/3/myself`, {
      headers: { Authorization: basic(CLOUD_USERS.alice.email, SEEDED.apiTokens.bob) },
    });
    expect(foreign.status).toBe(401);
    const notMember = await sim.fetch(`${BASE}/cloud/globex/rest/api/3/myself`, {
      headers: { Authorization: basic(CLOUD_USERS.bob.email, SEEDED.apiTokens.bob) },
    });
    expect(notMember.status).toBe(401);
  });

  it('refuses an OAuth bearer token on the site URL (only api.atlassian.com takes them)', async () => {
    const { sim, acme, alice } = setup();
    const { access_token } = sim.issueCloudTokens({
      accountId: alice.id,
      cloudId: acme.cloudId,
      scopes: ['read:jira-user'],
    });
    const res = await sim.fetch(`${BASE}/cloud/acme/rest/api/3/myself`, {
      headers: { Authorization: `Bearer ${access_token}` },
    });
    expect(res.status).toBe(401);
  });

  it('answers serverInfo anonymously with deploymentType Cloud but myself needs a user', async () => {
    const { sim } = setup();
    const info = await sim.fetch(`${BASE}/cloud/acme/rest/api/2/serverInfo`);
    expect(info.status).toBe(200);
    expect(await info.json()).toMatchObject({
      deploymentType: 'Cloud',
      baseUrl: `${BASE}/cloud/acme`,
      serverTime: '2026-03-02T09:00:00.000+0000',
    });
    const me = await sim.fetch(`${BASE}/cloud/acme/rest/api/3/myself`);
    expect(me.status).toBe(401);
    expect(await me.json()).toEqual({
      errorMessages: ['Client must be authenticated to access this resource.'],
      errors: {},
    });
  });
});

describe('API gateway (bearer tokens)', () => {
  it('accepts a 3LO token with read:jira-user on myself', async () => {
    const { sim, acme, alice, gateway } = setup();
    const { access_token } = sim.issueCloudTokens({
      accountId: alice.id,
      cloudId: acme.cloudId,
      scopes: ['read:jira-user'],
    });
    const res = await gateway(acme.cloudId, '/rest/api/3/myself', access_token);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ accountId: alice.id });
  });

  it('answers a missing token with the gateway body', async () => {
    const { acme, gateway } = setup();
    const res = await gateway(acme.cloudId, '/rest/api/3/myself');
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ code: 401, message: 'Unauthorized' });
  });

  it('rejects a token whose scopes do not cover the operation', async () => {
    const { sim, acme, alice, gateway } = setup();
    const { access_token } = sim.issueCloudTokens({
      accountId: alice.id,
      cloudId: acme.cloudId,
      scopes: ['read:jira-work'],
    });
    const res = await gateway(acme.cloudId, '/rest/api/3/myself', access_token);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ code: 401, message: 'Unauthorized; scope does not match' });
  });

  it('accepts granular scopes when the token has the whole granular set', async () => {
    const { sim, acme, alice, gateway } = setup();
    const scopes = [
      'read:application-role:jira',
      'read:group:jira',
      'read:user:jira',
      'read:avatar:jira',
    ];
    const { access_token } = sim.issueCloudTokens({
      accountId: alice.id,
      cloudId: acme.cloudId,
      scopes,
    });
    expect((await gateway(acme.cloudId, '/rest/api/3/myself', access_token)).status).toBe(200);
  });

  it('rejects a token on a site its grant does not cover', async () => {
    const { sim, acme, globex, alice, gateway } = setup();
    const { access_token } = sim.issueCloudTokens({
      accountId: alice.id,
      cloudId: acme.cloudId,
      scopes: ['read:jira-user'],
    });
    const res = await gateway(globex.cloudId, '/rest/api/3/myself', access_token);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ code: 401, message: 'Unauthorized' });
  });

  it('rejects an access token after its hour is up', async () => {
    const { sim, acme, alice, gateway } = setup();
    const { access_token, expires_in } = sim.issueCloudTokens({
      accountId: alice.id,
      cloudId: acme.cloudId,
      scopes: ['read:jira-user'],
    });
    expect(expires_in).toBe(3600);
    sim.clock.advance(3599_000);
    expect((await gateway(acme.cloudId, '/rest/api/3/myself', access_token)).status).toBe(200);
    sim.clock.advance(1000);
    expect((await gateway(acme.cloudId, '/rest/api/3/myself', access_token)).status).toBe(401);
  });

  it('gives a 2LO token no platform REST access, not even serverInfo', async () => {
    const { sim, acme, gateway } = setup();
    const { access_token } = sim.issueTwoLeggedToken(SEEDED.devopsClients.acme.clientId);
    for (const path of ['/rest/api/3/myself', '/rest/api/3/serverInfo']) {
      const denied = await gateway(acme.cloudId, path, access_token);
      expect(denied.status).toBe(401);
      expect(await denied.json()).toEqual({
        code: 401,
        message: 'Unauthorized; scope does not match',
      });
    }
  });

  it('stops accepting tokens once the grant is revoked', async () => {
    const { sim, acme, alice, gateway } = setup();
    const { access_token } = sim.issueCloudTokens({
      accountId: alice.id,
      cloudId: acme.cloudId,
      scopes: ['read:jira-user'],
    });
    expect(sim.revoke({ userId: alice.id })).toBeGreaterThan(0);
    expect((await gateway(acme.cloudId, '/rest/api/3/myself', access_token)).status).toBe(401);
  });
});
