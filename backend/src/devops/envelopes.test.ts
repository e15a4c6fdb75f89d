/**
 * Jira applies a bulk request's `properties` and `providerMetadata` to every item in it, so items
 * posted with different envelopes must never share a request, however the outbox batches, splits
 * and retries them. What Jira ends up holding is read back from the simulator.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDevopsTestbed, type DevopsTestbed } from './testing.ts';

const build = (buildNumber: number, updateSequenceNumber = 1, state = 'successful') => ({
  pipelineId: 'web',
  buildNumber,
  updateSequenceNumber,
  displayName: `web #${buildNumber}`,
  url: `https://ci.example/web/${buildNumber}`,
  state,
  lastUpdated: '2026-03-02T09:00:00.000Z',
  issueKeys: ['TB-1'],
});

const deployment = (deploymentSequenceNumber: number) => ({
  deploymentSequenceNumber,
  updateSequenceNumber: 1,
  displayName: `web #${deploymentSequenceNumber} to production`,
  description: 'deploy',
  url: `https://ci.example/web/deploy/${deploymentSequenceNumber}`,
  lastUpdated: '2026-03-02T09:00:00.000Z',
  state: 'successful',
  pipeline: { id: 'web', displayName: 'web', url: 'https://ci.example/web' },
  environment: { id: 'prod', displayName: 'Production', type: 'production' },
  associations: [{ associationType: 'issueKeys', values: ['TB-2'] }],
});

describe('properties and providerMetadata on the way to Jira', () => {
  let b: DevopsTestbed;
  beforeEach(async () => {
    b = await createDevopsTestbed();
  });
  afterEach(() => b.t.cleanup());

  const submits = (api: 'builds' | 'deployments' = 'builds') =>
    b.sim.requests
      .list({ path: `/api/jira/${api}/0.1/cloud/*/bulk`, method: 'POST' })
      .map((request) => ({ status: request.status, body: JSON.parse(request.body) }));
  /** What Jira holds per build number: update, state and the properties it was stored with. */
  const jiraBuilds = () =>
    Object.fromEntries(
      b.sim.devops.builds(b.site.cloudId).map((stored) => [
        String(stored.data.buildNumber),
        {
          updateSequenceNumber: stored.updateSequenceNumber,
          state: stored.data.state,
          properties: stored.properties,
          providerMetadata: stored.providerMetadata,
          storedAt: stored.storedAt,
        },
      ]),
    );
  const sentBuildNumbers = (body: { builds: { buildNumber: number }[] }) =>
    body.builds.map((sent) => sent.buildNumber);

  it('delivers builds posted with different properties and providerMetadata in one request per envelope, each stored with its own', async () => {
    const jenkins = { product: 'Jenkins 2.440' };
    const posts = [
      { properties: { run: 'a' }, builds: [build(1), build(2)] },
      { properties: { run: 'b' }, builds: [build(3)] },
      { properties: { run: 'a' }, providerMetadata: jenkins, builds: [build(4)] },
      { builds: [build(5)] },
      { properties: { run: 'a' }, builds: [build(6)] },
    ];
    for (const body of posts) expect((await b.postJira('builds', body)).status).toBe(202);
    const report = await b.drain();
    expect(report).toMatchObject({ claimed: 6, delivered: 6, rejected: 0 });

    const sent = submits();
    expect(sent).toHaveLength(4);
    expect(sent.map((request) => request.status)).toEqual([202, 202, 202, 202]);
    expect(
      sent.map(({ body }) => [body.properties, body.providerMetadata, sentBuildNumbers(body)]),
    ).toEqual([
      [{ run: 'a' }, undefined, [1, 2, 6]],
      [{ run: 'b' }, undefined, [3]],
      [{ run: 'a' }, jenkins, [4]],
      [undefined, undefined, [5]],
    ]);
    const held = jiraBuilds();
    expect(Object.keys(held)).toHaveLength(6);
    for (const n of ['1', '2', '6']) expect(held[n]?.properties).toEqual({ run: 'a' });
    expect(held['3']).toMatchObject({ properties: { run: 'b' }, providerMetadata: undefined });
    expect(held['4']).toMatchObject({ properties: { run: 'a' }, providerMetadata: jenkins });
    expect(held['5']).toMatchObject({ properties: {}, providerMetadata: undefined });

    // Jira deletes by the properties it stored: exactly the builds posted with run=a go.
    const del = await b.sim.fetch(
      `/api/jira/builds/0.1/cloud/${b.site.cloudId}/bulkByProperties?run=a`,
      {
        method: 'DELETE',
        headers: {
          authorization: `Bearer ${b.sim.issueTwoLeggedToken('sim-2lo-acme').access_token}`,
        },
      },
    );
    expect(del.status).toBe(202);
    expect(Object.keys(jiraBuilds()).sort()).toEqual(['3', '5']);
  });

  it('delivers deployments posted with different properties separately too', async () => {
    await b.postJira('deployments', { properties: { run: 'a' }, deployments: [deployment(1)] });
    await b.postJira('deployments', { properties: { run: 'b' }, deployments: [deployment(2)] });
    await b.postApi('deployments', {
      properties: { run: 'a' },
      deployments: [{ ...deployment(3), displayName: undefined }],
    });
    await b.drain();
    expect(submits('deployments').map(({ body }) => body.properties)).toEqual([
      { run: 'a' },
      { run: 'b' },
    ]);
    const held = b.sim.devops
      .deployments(b.site.cloudId)
      .map((stored) => [stored.data.deploymentSequenceNumber, stored.properties]);
    expect(held).toEqual([
      [1, { run: 'a' }],
      [3, { run: 'a' }],
      [2, { run: 'b' }],
    ]);
  });

  it('sends only the newest update of a build, with the properties that update was posted with', async () => {
    const [older] = await b.eventIds(
      await b.postJira('builds', {
        properties: { run: 'a' },
        builds: [build(1, 1, 'in_progress')],
      }),
    );
    const [newer] = await b.eventIds(
      await b.postJira('builds', { properties: { run: 'b' }, builds: [build(1, 2, 'failed')] }),
    );
    await b.drain();
    expect(submits().map(({ body }) => body.properties)).toEqual([{ run: 'b' }]);
    expect(jiraBuilds()['1']).toMatchObject({
      updateSequenceNumber: 2,
      state: 'failed',
      properties: { run: 'b' },
    });
    expect((await b.event(String(older))).verdict).toBe('superseded');
    expect((await b.event(String(newer))).verdict).toBe('accepted');
  });

  it('when a later request fails, keeps what Jira took and retries only the rest; a newer update wins', async () => {
    const [first, second] = await b.eventIds(
      await b.postJira('builds', { properties: { run: 'a' }, builds: [build(1), build(2)] }),
    );
    const [third] = await b.eventIds(
      await b.postJira('builds', { properties: { run: 'b' }, builds: [build(3)] }),
    );
    // The first request (run=a) goes through, the second (run=b) meets a 503.
    b.sim.addFault({
      kind: 'status',
      status: 503,
      path: '/api/jira/builds/*/bulk',
      after: 1,
      times: 1,
    });
    const failed = await b.drain();
    expect(failed).toMatchObject({ claimed: 3, retried: 1, delivered: 2 });
    expect(submits().map((request) => request.status)).toEqual([202, 503]);
    const deliveredAt = b.sim.clock.now();
    expect(jiraBuilds()).toMatchObject({
      1: { properties: { run: 'a' }, storedAt: deliveredAt },
      2: { properties: { run: 'a' }, storedAt: deliveredAt },
    });
    expect(jiraBuilds()['3']).toBeUndefined();
    expect(await b.event(String(third))).toMatchObject({ status: 'pending', attempts: 1 });
    // What Jira took in the first request keeps its verdict and is not sent again.
    for (const id of [first, second]) {
      expect(await b.event(String(id))).toMatchObject({ status: 'delivered', verdict: 'accepted' });
    }

    // Meanwhile CI reports build 1 again, newer and with other properties.
    b.advance(1_000);
    const [update] = await b.eventIds(
      await b.postJira('builds', {
        properties: { run: 'c' },
        builds: [build(1, 2, 'failed')],
      }),
    );
    b.advance(60_000);
    await b.drain();

    const retried = submits().slice(2);
    expect(retried.map(({ status }) => status)).toEqual([202, 202]);
    expect(retried.map(({ body }) => [body.properties, sentBuildNumbers(body)])).toEqual([
      [{ run: 'b' }, [3]],
      [{ run: 'c' }, [1]],
    ]);
    const held = jiraBuilds();
    expect(held['2']).toMatchObject({ properties: { run: 'a' }, storedAt: deliveredAt });
    expect(held['1']).toMatchObject({
      updateSequenceNumber: 2,
      state: 'failed',
      properties: { run: 'c' },
    });
    expect(held['3']).toMatchObject({ properties: { run: 'b' } });
    expect(Object.keys(held)).toHaveLength(3);
    for (const id of [first, second, third, update]) {
      expect(await b.event(String(id))).toMatchObject({ status: 'delivered', verdict: 'accepted' });
    }
  });

  it('splits a batch Jira refuses with 400 into halves that keep their own properties; an older update resent after a newer one changes nothing', async () => {
    // CI reports build 1 out of order: the newer update first, then an older one (a slow retry).
    const [newer] = await b.eventIds(
      await b.postJira('builds', { properties: { run: 'new' }, builds: [build(1, 2, 'failed')] }),
    );
    const [other] = await b.eventIds(
      await b.postJira('builds', { properties: { run: 'b' }, builds: [build(2)] }),
    );
    const [older] = await b.eventIds(
      await b.postJira('builds', {
        properties: { run: 'old' },
        builds: [build(1, 1, 'in_progress')],
      }),
    );
    b.sim.addFault({ kind: 'status', status: 400, path: '/api/jira/builds/*/bulk', times: 1 });
    const report = await b.drain();
    expect(report).toMatchObject({ claimed: 3, delivered: 3, rejected: 0 });

    const sent = submits();
    expect(
      sent.map(({ status, body }) => [status, body.properties, sentBuildNumbers(body)]),
    ).toEqual([
      // The whole batch: the older update of build 1 is left out (superseded), 400 on the first request.
      [400, { run: 'new' }, [1]],
      // Left half (newer build 1, build 2), one request per envelope.
      [202, { run: 'new' }, [1]],
      [202, { run: 'b' }, [2]],
      // Right half: the older update alone, which Jira ignores.
      [202, { run: 'old' }, [1]],
    ]);
    expect(jiraBuilds()).toMatchObject({
      1: { updateSequenceNumber: 2, state: 'failed', properties: { run: 'new' } },
      2: { properties: { run: 'b' } },
    });
    expect(await b.event(String(newer))).toMatchObject({ verdict: 'accepted' });
    expect(await b.event(String(other))).toMatchObject({ verdict: 'accepted' });
    // Jira lists an ignored stale update as accepted (it is "not reported as a failure").
    expect(await b.event(String(older))).toMatchObject({ status: 'delivered' });
  });
});
