import { createSim, SEEDED } from '@testbridge/jira-sim';
import { describe, expect, it } from 'vitest';
import { PlainSecret } from '../crypto/secret.ts';
import { createFixedClock } from '../testing/index.ts';
import { fetchTenantCloudId, requestTwoLeggedToken, submitBuilds } from './software-api.ts';

const ACME = 'e745c11f-8b46-4ed4-b3cb-313a679e1d9f';

function setup() {
  const sim = createSim({ baseUrl: 'http://jira-sim.test' });
  const clock = createFixedClock('2026-03-02T09:00:00.000Z');
  const fetch: typeof globalThis.fetch = (input, init) =>
    sim.fetch(input instanceof URL ? input.href : input, init);
  const deps = { fetch, clock };
  const apiUrl = `${sim.baseUrl}/api`;
  const acme = SEEDED.devopsClients.acme;
  const token = () =>
    requestTwoLeggedToken(deps, {
      apiUrl,
      clientId: acme.clientId,
      clientSecret: new PlainSecret(acme.clientSecret),
    });
  const build = {
    pipelineId: 'p',
    buildNumber: 1,
    updateSequenceNumber: 1,
    displayName: 'p #1',
    url: 'https://ci.example/p/1',
    state: 'successful' as const,
    lastUpdated: '2026-03-02T09:00:00.000Z',
    issueKeys: ['TB-1'],
  };
  return { sim, deps, apiUrl, token, build };
}

describe('Jira Software DevOps calls', () => {
  it('gets a 2LO token with a form body and no audience at api.atlassian.com/oauth/token', async () => {
    const { sim, token } = setup();
    const result = await token();
    if (!result.ok) throw new Error(result.failure.message);
    expect(result.value.accessToken.reveal()).toMatch(/^sim_at_/);
    expect(result.value.expiresAt.toISOString()).toBe('2026-03-02T10:00:00.000Z');
    const [sent] = sim.requests.list({ path: '/api/oauth/token' });
    expect(sent?.headers['content-type']).toContain('application/x-www-form-urlencoded');
    const body = new URLSearchParams(sent?.body);
    expect([...body.keys()].sort()).toEqual(['client_id', 'client_secret', 'grant_type']);
  });

  it('classifies a refused secret and an unreachable token endpoint', async () => {
    const { sim, deps, apiUrl, token } = setup();
    const refused = await requestTwoLeggedToken(deps, {
      apiUrl,
      clientId: SEEDED.devopsClients.acme.clientId,
      clientSecret: new PlainSecret('wrong'),
    });
    expect(refused).toMatchObject({ ok: false, failure: { kind: 'unauthorized', status: 401 } });
    sim.addFault({ kind: 'outage', times: 1 });
    expect(await token()).toMatchObject({ ok: false, failure: { kind: 'unreachable' } });
  });

  it("reads a site's cloudId from /_edge/tenant_info", async () => {
    const { sim, deps } = setup();
    expect(await fetchTenantCloudId(deps, `${sim.baseUrl}/cloud/acme/`)).toEqual({
      ok: true,
      value: ACME,
    });
    expect(await fetchTenantCloudId(deps, `${sim.baseUrl}/cloud/nope`)).toMatchObject({
      ok: false,
      failure: { kind: 'refused', status: 404 },
    });
  });

  it('submits builds and parses the answer; 429, 400 and 413 are classified', async () => {
    const { sim, deps, apiUrl, token, build } = setup();
    const got = await token();
    if (!got.ok) throw new Error(got.failure.message);
    const target = { apiUrl, cloudId: ACME, token: got.value.accessToken };
    expect(await submitBuilds(deps, { ...target, body: { builds: [build] } })).toEqual({
      ok: true,
      value: {
        acceptedBuilds: [{ pipelineId: 'p', buildNumber: 1 }],
        rejectedBuilds: [],
        unknownIssueKeys: [],
        unknownAssociations: [],
      },
    });
    sim.addFault({ kind: 'rate-limit', retryAfterSeconds: 30, times: 1 });
    expect(await submitBuilds(deps, { ...target, body: { builds: [build] } })).toMatchObject({
      ok: false,
      failure: { kind: 'rate_limited', retryAfterMs: 30_000 },
    });
    const many = Array.from({ length: 101 }, (_, n) => ({ ...build, buildNumber: n }));
    expect(await submitBuilds(deps, { ...target, body: { builds: many } })).toMatchObject({
      ok: false,
      failure: {
        kind: 'malformed',
        status: 413,
        messages: ['Data is too large. Submit fewer builds in each payload.'],
      },
    });
    expect(
      await submitBuilds(deps, { ...target, body: { properties: { _bad: 'x' }, builds: [build] } }),
    ).toMatchObject({ ok: false, failure: { kind: 'malformed', status: 400 } });
    const other = await submitBuilds(deps, {
      ...target,
      cloudId: '29173f62-6e5f-4147-a120-2e54bd02b2c0',
      body: { builds: [build] },
    });
    expect(other).toMatchObject({ ok: false, failure: { kind: 'unauthorized', status: 401 } });
  });
});
