import {
  JiraCompatibleBuildsAccepted,
  PartlyAcceptedDevopsItems,
} from '@testbridge/shared/api/devops';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createDevopsTestbed,
  type DevopsTestbed,
  jenkinsPayload,
  onKnownIssue,
} from './testing.ts';

const jenkinsResponse = z.object({
  acceptedBuilds: z.array(z.object({ pipelineId: z.string(), buildNumber: z.number() })),
  rejectedBuilds: z.array(z.unknown()),
  unknownIssueKeys: z.array(z.string()),
  events: z.array(z.object({ id: z.string(), statusUrl: z.string() })),
});

describe('builds and deployments from CI to Jira', () => {
  let b: DevopsTestbed;
  beforeEach(async () => {
    b = await createDevopsTestbed();
  });
  afterEach(() => b.t.cleanup());

  const submits = () =>
    b.sim.requests.list({ path: '/api/jira/*/0.1/cloud/*/bulk', method: 'POST' });

  it("takes the Jenkins plugin's build unchanged at the Jira-compatible door and delivers it", async () => {
    const res = await b.postJira('builds', onKnownIssue(jenkinsPayload('build')));
    expect(res.status).toBe(202);
    const body = jenkinsResponse.parse(await res.json());
    expect(body.acceptedBuilds).toEqual([{ pipelineId: 'pipelineId', buildNumber: 12 }]);
    expect(body.rejectedBuilds).toEqual([]);
    const id = String(body.events[0]?.id);
    expect(body.events[0]?.statusUrl).toBe(`http://testbridge.test/api/v1/devops/events/${id}`);
    expect((await b.event(id)).status).toBe('pending');
    expect(submits()).toHaveLength(0);

    const report = await b.drain();
    expect(report).toMatchObject({ delivered: 1, requests: 1 });
    expect(await b.event(id)).toMatchObject({
      status: 'delivered',
      verdict: 'accepted',
      explanation: 'Jira accepted this build.',
      key: { pipelineId: 'pipelineId', buildNumber: 12 },
    });
    const [sent] = submits();
    expect(sent?.path).toBe(`/api/jira/builds/0.1/cloud/${b.site.cloudId}/bulk`);
    expect(JSON.parse(sent?.body ?? '{}')).toEqual(onKnownIssue(jenkinsPayload('build')));
  });

  it("takes the Jenkins plugin's deployment at both doors and delivers both", async () => {
    const jira = await b.postJira('deployments', onKnownIssue(jenkinsPayload('deployment')));
    expect(jira.status).toBe(202);
    expect(await jira.clone().json()).toMatchObject({
      acceptedDeployments: [
        { pipelineId: 'pipelineId', environmentId: 'stg-east', deploymentSequenceNumber: 42 },
      ],
    });
    const api = await b.postApi('deployments', {
      deploymentSequenceNumber: 43,
      state: 'successful',
      url: 'https://ci.example/deploy/43',
      pipeline: { id: 'pipelineId' },
      environment: { id: 'prod-eu', displayName: 'Production EU' },
      issueKeys: ['TB-3'],
    });
    expect(api.status).toBe(202);
    const ids = [...(await b.eventIds(jira)), ...(await b.eventIds(api))];
    await b.drain();
    for (const id of ids) expect((await b.event(id)).verdict).toBe('accepted');
    // Different envelopes (the plugin sends properties) travel in separate requests.
    expect(submits()).toHaveLength(2);
    const sent = JSON.parse(submits()[1]?.body ?? '{}');
    expect(sent.deployments[0]).toMatchObject({
      pipeline: {
        id: 'pipelineId',
        displayName: 'pipelineId',
        url: 'https://ci.example/deploy/43',
      },
      environment: { id: 'prod-eu', displayName: 'Production EU', type: 'production' },
      displayName: 'pipelineId #43 to Production EU',
    });
  });

  it('takes both Jenkins payloads unchanged at /api/v1/devops too, and delivers them', async () => {
    const build = await b.postApi('builds', onKnownIssue(jenkinsPayload('build')));
    const deployment = await b.postApi('deployments', onKnownIssue(jenkinsPayload('deployment')));
    expect([build.status, deployment.status]).toEqual([202, 202]);
    const ids = [...(await b.eventIds(build)), ...(await b.eventIds(deployment))];
    await b.drain();
    for (const id of ids) expect((await b.event(id)).verdict).toBe('accepted');
    const sent = submits().map((r) => JSON.parse(r.body));
    expect(sent).toEqual(
      expect.arrayContaining([
        onKnownIssue(jenkinsPayload('build')),
        onKnownIssue(jenkinsPayload('deployment')),
      ]),
    );
  });

  it('posts one build or many at /api/v1/devops/builds with friendly defaults', async () => {
    const one = await b.postApi('builds', {
      pipelineId: 'web',
      buildNumber: 7,
      state: 'failed',
      url: 'https://ci.example/web/7',
      issueKeys: ['TB-1'],
      testInfo: { totalNumber: 10, numberPassed: 9, numberFailed: 1 },
    });
    expect(one.status).toBe(202);
    const many = await b.postApi('builds', {
      builds: [8, 9].map((n) => ({
        pipelineId: 'web',
        buildNumber: n,
        state: 'successful',
        url: `https://ci.example/web/${n}`,
        associations: [{ associationType: 'issueKeys', values: ['TB-2'] }],
      })),
    });
    expect(await b.eventIds(many)).toHaveLength(2);
    await b.drain();
    expect(submits()).toHaveLength(1);
    const sent = JSON.parse(submits()[0]?.body ?? '{}');
    expect(sent.builds[0]).toMatchObject({
      displayName: 'web #7',
      updateSequenceNumber: b.t.clock.now().getTime(),
      lastUpdated: b.t.clock.now().toISOString(),
    });
    const list = await b.t.app.request('/api/v1/devops/events?pipelineId=web', {
      headers: b.ciAuth,
    });
    const events = z
      .object({ items: z.array(z.object({ status: z.string() })) })
      .parse(await list.json());
    expect(events.items.map((e) => e.status)).toEqual(['delivered', 'delivered', 'delivered']);
  });

  it('gives a CI retry of the same update the same event, and sends only the newest update', async () => {
    const build = (usn: number, state: string) => ({
      pipelineId: 'retry',
      buildNumber: 3,
      updateSequenceNumber: usn,
      state,
      url: 'https://ci.example/retry/3',
      issueKeys: ['TB-4'],
    });
    const first = await b.eventIds(await b.postApi('builds', build(1, 'in_progress')));
    const again = await b.eventIds(await b.postApi('builds', build(1, 'in_progress')));
    expect(again).toEqual(first);
    const [newer] = await b.eventIds(await b.postApi('builds', build(2, 'successful')));
    await b.drain();
    expect(await b.event(String(first[0]))).toMatchObject({
      status: 'delivered',
      verdict: 'superseded',
    });
    expect(await b.event(String(newer))).toMatchObject({
      status: 'delivered',
      verdict: 'accepted',
    });
    const sent = JSON.parse(submits()[0]?.body ?? '{}');
    expect(sent.builds).toEqual([
      expect.objectContaining({ updateSequenceNumber: 2, state: 'successful' }),
    ]);
  });

  it('explains unknown issue keys and Jira rejections to CI', async () => {
    const unchanged = await b.postJira('builds', jenkinsPayload('build'));
    const [unknownId] = await b.eventIds(unchanged);
    const partly = await b.postApi('builds', {
      pipelineId: 'p',
      buildNumber: 1,
      state: 'successful',
      url: 'https://ci.example/p/1',
      issueKeys: ['TB-1', 'NOPE-1'],
    });
    const [partlyId] = await b.eventIds(partly);
    await b.drain();
    expect(await b.event(String(unknownId))).toMatchObject({
      status: 'rejected',
      verdict: 'unknown_issue_keys',
      jira: { errors: ['No valid issues found for build'], unknownIssueKeys: ['JEN-25'] },
    });
    expect((await b.event(String(unknownId))).explanation).toContain('JEN-25');
    expect(await b.event(String(partlyId))).toMatchObject({
      status: 'delivered',
      verdict: 'accepted_with_unknown_issue_keys',
      jira: { unknownIssueKeys: ['NOPE-1'] },
    });
  });

  it("answers an invalid build in rejectedBuilds with Jira's words while its valid siblings are accepted, committed and delivered", async () => {
    const payload = onKnownIssue(jenkinsPayload('build'));
    const builds = z.array(z.record(z.string(), z.unknown())).parse(payload.builds);
    const first = builds[0] ?? {};
    const bad = {
      ...payload,
      builds: [
        first,
        { ...first, buildNumber: 13, pipelineId: undefined, state: 'done' },
        { ...first, buildNumber: 14, url: undefined },
        { ...first, buildNumber: 15 },
      ],
    };
    const res = await b.postJira('builds', bad);
    expect(res.status).toBe(202);
    const answer = JiraCompatibleBuildsAccepted.parse(await res.json());
    expect(answer.acceptedBuilds).toEqual([
      { pipelineId: 'pipelineId', buildNumber: 12 },
      { pipelineId: 'pipelineId', buildNumber: 15 },
    ]);
    expect(answer.rejectedBuilds).toEqual([
      {
        key: { buildNumber: 13 },
        errors: [
          { message: "'pipelineId' is required" },
          {
            message:
              "'state' is not valid. Allowed values are: [pending, in_progress, successful, failed, cancelled, unknown].",
          },
        ],
      },
      {
        key: { pipelineId: 'pipelineId', buildNumber: 14 },
        errors: [{ message: "'url' is required" }],
      },
    ]);
    expect(answer.events).toHaveLength(2);
    expect(await b.drain()).toMatchObject({ claimed: 2, delivered: 2 });
    expect(
      b.sim.devops
        .builds(b.site.cloudId)
        .map((stored) => stored.data.buildNumber)
        .sort(),
    ).toEqual([12, 15]);

    const tooMany = await b.postApi('builds', {
      builds: Array.from({ length: 101 }, (_, n) => ({
        pipelineId: 'p',
        buildNumber: n,
        state: 'pending',
        url: 'https://ci.example',
      })),
    });
    expect(tooMany.status).toBe(400);
    const tooManyAtJira = await b.postJira('builds', {
      builds: Array.from({ length: 101 }, () => first),
    });
    expect(tooManyAtJira.status).toBe(413);
    expect(await tooManyAtJira.json()).toEqual([
      { message: 'Data is too large. Submit fewer builds in each payload.' },
    ]);
    const list = await b.t.app.request('/api/v1/outbox/items?status=pending', {
      headers: b.t.asAdmin(),
    });
    expect(z.object({ items: z.array(z.unknown()) }).parse(await list.json()).items).toEqual([]);
  });

  it('accepts the valid items at /api/v1/devops and names the rejected ones by index in a problem', async () => {
    const good = (buildNumber: number) => ({
      pipelineId: 'web',
      buildNumber,
      state: 'successful',
      url: `https://ci.example/web/${buildNumber}`,
      issueKeys: ['TB-1'],
    });
    const res = await b.postApi('builds', {
      builds: [good(1), { ...good(2), url: 'not a url' }, good(3), { ...good(4), state: 'done' }],
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const problem = z
      .object({
        code: z.string(),
        invalidFields: z.array(z.object({ field: z.string() })),
      })
      .and(PartlyAcceptedDevopsItems)
      .parse(await res.json());
    expect(problem.code).toBe('validation_failed');
    expect(problem.invalidFields.map((f) => f.field)).toEqual([
      'body.builds[1].url',
      'body.builds[3].state',
    ]);
    expect(problem.rejectedIndexes).toEqual([1, 3]);
    expect(problem.events.map((event) => [event.index, event.key])).toEqual([
      [0, { pipelineId: 'web', buildNumber: 1 }],
      [2, { pipelineId: 'web', buildNumber: 3 }],
    ]);
    const deployments = await b.postApi('deployments', {
      deployments: [
        {
          deploymentSequenceNumber: 1,
          state: 'successful',
          url: 'https://ci.example/d/1',
          pipeline: { id: 'web' },
          environment: { id: 'prod' },
          issueKeys: ['TB-1'],
        },
        {
          deploymentSequenceNumber: 2,
          state: 'successful',
          pipeline: { id: 'web' },
          environment: { id: 'prod' },
          issueKeys: ['TB-1'],
        },
      ],
    });
    expect(deployments.status).toBe(400);
    const partly = PartlyAcceptedDevopsItems.parse(await deployments.json());
    expect(partly.rejectedIndexes).toEqual([1]);
    expect(await b.drain()).toMatchObject({ claimed: 3, delivered: 3 });
    expect(
      b.sim.devops
        .builds(b.site.cloudId)
        .map((stored) => stored.data.buildNumber)
        .sort(),
    ).toEqual([1, 3]);
    expect(b.sim.devops.deployments(b.site.cloudId)).toHaveLength(1);
  });

  it('survives 429 (waiting for Retry-After), 5xx and a long outage, then delivers everything', async () => {
    const ids = await b.eventIds(await b.postJira('builds', onKnownIssue(jenkinsPayload('build'))));
    b.sim.addFault({
      kind: 'rate-limit',
      path: '/api/jira/builds/*',
      retryAfterSeconds: 120,
      times: 1,
    });
    await b.drain();
    expect((await b.event(String(ids[0]))).status).toBe('pending');
    b.advance(119_000);
    await b.drain();
    expect(submits()).toHaveLength(1);
    b.advance(1_000);
    b.sim.addFault({ kind: 'status', status: 503, path: '/api/jira/builds/*', times: 1 });
    await b.drain();
    const event = await b.event(String(ids[0]));
    expect(event).toMatchObject({ status: 'pending', lastError: expect.stringContaining('503') });
    expect(event.explanation).toContain('503');
    const outage = b.sim.addFault({ kind: 'outage' });
    for (let hour = 0; hour < 12; hour++) {
      b.advance(3_600_000);
      await b.drain();
    }
    expect((await b.event(String(ids[0]))).status).toBe('pending');
    b.sim.faults.remove(outage.id);
    b.advance(3_600_000);
    await b.drain();
    expect(await b.event(String(ids[0]))).toMatchObject({
      status: 'delivered',
      verdict: 'accepted',
    });
  });

  it('never calls a Jira read endpoint with the 2LO token', async () => {
    await b.postJira('builds', onKnownIssue(jenkinsPayload('build')));
    await b.postJira('deployments', onKnownIssue(jenkinsPayload('deployment')));
    await b.drain();
    const twoLeggedTokens = b.sim.requests
      .list()
      .filter((r) => /^Bearer sim_at_/.test(r.headers.authorization ?? ''));
    expect(twoLeggedTokens.length).toBeGreaterThan(0);
    for (const request of twoLeggedTokens) {
      expect(request.method).toBe('POST');
      expect(request.path).toMatch(/^\/api\/jira\/(builds|deployments)\/0\.1\/cloud\/[^/]+\/bulk$/);
    }
    expect(b.sim.requests.list({ method: 'GET' }).map((r) => r.path)).toEqual([
      '/cloud/acme/_edge/tenant_info',
    ]);
  });
});
