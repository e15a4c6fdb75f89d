import { describe, expect, it } from 'vitest';
import { createSim, SEEDED } from '../index.ts';
import { TEST_BASE_URL } from '../testing.ts';

const ACME = 'e745c11f-8b46-4ed4-b3cb-313a679e1d9f';

function setup() {
  const sim = createSim({ baseUrl: TEST_BASE_URL });
  const token = sim.issueTwoLeggedToken(SEEDED.devopsClients.acme.clientId).access_token;
  const call = (method: string, path: string, body?: unknown) =>
    sim.fetch(`/api/jira/${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  return { sim, call };
}

const build = (buildNumber: number, updateSequenceNumber = 1, state = 'successful') => ({
  pipelineId: 'pipe',
  buildNumber,
  updateSequenceNumber,
  displayName: `pipe #${buildNumber}`,
  url: `https://ci.example/pipe/${buildNumber}`,
  state,
  lastUpdated: '2026-03-02T09:00:00.000Z',
  issueKeys: ['TB-1'],
});

const deployment = (deploymentSequenceNumber: number) => ({
  deploymentSequenceNumber,
  updateSequenceNumber: 1,
  displayName: `deploy ${deploymentSequenceNumber}`,
  url: 'https://ci.example/deploy',
  description: 'deploy',
  lastUpdated: '2026-03-02T09:00:00.000Z',
  state: 'successful',
  pipeline: { id: 'pipe', displayName: 'pipe', url: 'https://ci.example/pipe' },
  environment: { id: 'prod', displayName: 'Production', type: 'production' },
  associations: [{ associationType: 'issueKeys', values: ['TB-1'] }],
});

const propertiesOf = (items: { data: Record<string, unknown>; properties: unknown }[]) =>
  Object.fromEntries(items.map((item) => [String(item.data.buildNumber), item.properties]));

describe('jira-sim DevOps properties', () => {
  it("stores each request's properties and providerMetadata with its items, and never returns them", async () => {
    const { sim, call } = setup();
    const providerMetadata = { product: 'Jenkins 2.440' };
    await call('POST', `builds/0.1/cloud/${ACME}/bulk`, {
      properties: { run: 'a' },
      providerMetadata,
      builds: [build(1), build(2)],
    });
    await call('POST', `builds/0.1/cloud/${ACME}/bulk`, { builds: [build(3)] });
    expect(propertiesOf(sim.devops.builds(ACME))).toEqual({
      1: { run: 'a' },
      2: { run: 'a' },
      3: {},
    });
    expect(sim.devops.builds(ACME).map((item) => item.providerMetadata)).toEqual([
      providerMetadata,
      providerMetadata,
      undefined,
    ]);
    const get = await call('GET', `builds/0.1/cloud/${ACME}/pipelines/pipe/builds/1`);
    const body = JSON.stringify(await get.json());
    expect(body).not.toContain('run');
    expect(body).not.toContain('Jenkins');
  });

  it('keeps data and properties of a stored build when an update is not newer, replaces both when it is', async () => {
    const { sim, call } = setup();
    const bulk = `builds/0.1/cloud/${ACME}/bulk`;
    await call('POST', bulk, { properties: { run: 'a' }, builds: [build(1, 5, 'in_progress')] });
    await call('POST', bulk, { properties: { run: 'b' }, builds: [build(1, 5, 'failed')] });
    await call('POST', bulk, { properties: { run: 'c' }, builds: [build(1, 4, 'failed')] });
    expect(sim.devops.builds(ACME)).toMatchObject([
      { updateSequenceNumber: 5, data: { state: 'in_progress' }, properties: { run: 'a' } },
    ]);
    await call('POST', bulk, { properties: { run: 'd' }, builds: [build(1, 6, 'successful')] });
    expect(sim.devops.builds(ACME)).toMatchObject([
      { updateSequenceNumber: 6, data: { state: 'successful' }, properties: { run: 'd' } },
    ]);
  });

  it('deletes the builds whose properties match all the given ones, and needs at least one', async () => {
    const { sim, call } = setup();
    const bulk = `builds/0.1/cloud/${ACME}/bulk`;
    await call('POST', bulk, { properties: { account: 'x', repo: '1' }, builds: [build(1)] });
    await call('POST', bulk, { properties: { account: 'x', repo: '2' }, builds: [build(2)] });
    await call('POST', bulk, { properties: { account: 'y' }, builds: [build(3)] });
    const byProperties = `builds/0.1/cloud/${ACME}/bulkByProperties`;
    const none = await call('DELETE', byProperties);
    expect(none.status).toBe(400);
    expect(await none.json()).toEqual([
      { message: 'At least one property must be given to delete by' },
    ]);
    expect((await call('DELETE', `${byProperties}?_updateSequenceNumber=9`)).status).toBe(400);
    const del = await call('DELETE', `${byProperties}?account=x&repo=2`);
    expect(del.status).toBe(202);
    expect(Object.keys(propertiesOf(sim.devops.builds(ACME)))).toEqual(['1', '3']);
    await call('DELETE', `${byProperties}?account=x`);
    expect(Object.keys(propertiesOf(sim.devops.builds(ACME)))).toEqual(['3']);
  });

  it('deletes deployments by properties too', async () => {
    const { sim, call } = setup();
    const bulk = `deployments/0.1/cloud/${ACME}/bulk`;
    await call('POST', bulk, { properties: { run: 'a' }, deployments: [deployment(1)] });
    await call('POST', bulk, { properties: { run: 'b' }, deployments: [deployment(2)] });
    expect(sim.devops.deployments(ACME).map((item) => item.properties)).toEqual([
      { run: 'a' },
      { run: 'b' },
    ]);
    const del = await call('DELETE', `deployments/0.1/cloud/${ACME}/bulkByProperties?run=a`);
    expect(del.status).toBe(202);
    expect(sim.devops.deployments(ACME).map((item) => item.data.deploymentSequenceNumber)).toEqual([
      2,
    ]);
  });
});
