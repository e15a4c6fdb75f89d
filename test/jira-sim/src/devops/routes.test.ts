import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createSim, SEEDED } from '../index.ts';
import { TEST_BASE_URL } from '../testing.ts';
import { devopsStateOf } from './state.ts';

const ACME = 'e745c11f-8b46-4ed4-b3cb-313a679e1d9f';
const GLOBEX = '29173f62-6e5f-4147-a120-2e54bd02b2c0';

const jenkinsEvent = z.object({ payload: z.record(z.string(), z.unknown()) });
function jenkins(name: 'build' | 'deployment'): Record<string, unknown> {
  const text = readFileSync(
    new URL(`../../fixtures/jenkins/${name}.json`, import.meta.url),
    'utf8',
  );
  return jenkinsEvent.parse(JSON.parse(text)).payload;
}
function recorded(name: string): unknown {
  return JSON.parse(
    readFileSync(new URL(`../../fixtures/jenkins/${name}.json`, import.meta.url), 'utf8'),
  );
}
/** The Jenkins payload pointed at an issue the seeded acme site has. */
const onKnownIssue = (payload: Record<string, unknown>) =>
  z
    .record(z.string(), z.unknown())
    .parse(JSON.parse(JSON.stringify(payload).replaceAll('JEN-25', 'TB-25')));

function setup() {
  const sim = createSim({ baseUrl: TEST_BASE_URL });
  const token = sim.issueTwoLeggedToken(SEEDED.devopsClients.acme.clientId).access_token;
  const post = (
    api: 'builds' | 'deployments',
    body: unknown,
    options: { cloudId?: string; auth?: string } = {},
  ) =>
    sim.fetch(`/api/jira/${api}/0.1/cloud/${options.cloudId ?? ACME}/bulk`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: options.auth ?? `Bearer ${token}`,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  return { sim, token, post };
}

const build = (overrides: Record<string, unknown> = {}) => ({
  pipelineId: 'pipe',
  buildNumber: 1,
  updateSequenceNumber: 1,
  displayName: 'pipe #1',
  url: 'https://ci.example/pipe/1',
  state: 'successful',
  lastUpdated: '2026-03-02T09:00:00.000Z',
  issueKeys: ['TB-1'],
  ...overrides,
});

describe('jira-sim Builds API', () => {
  it("accepts the Jenkins plugin's build on a known issue, in the recorded answer shape", async () => {
    const { sim, post } = setup();
    const res = await post('builds', onKnownIssue(jenkins('build')));
    expect(res.status).toBe(202);
    const body = await res.json();
    expect(Object.keys(body as object).sort()).toEqual(
      Object.keys(recorded('accepted_builds') as object).sort(),
    );
    expect(body).toEqual({
      acceptedBuilds: [{ pipelineId: 'pipelineId', buildNumber: 12 }],
      rejectedBuilds: [],
      unknownIssueKeys: [],
    });
    const stored = devopsStateOf(sim.deps).sites.get(ACME)?.builds;
    expect(stored?.size).toBe(1);
  });

  it('rejects a build whose issue keys are all unknown, as Jira told the Jenkins plugin', async () => {
    const { post } = setup();
    const res = await post('builds', jenkins('build'));
    expect(res.status).toBe(202);
    const expected = recorded('rejected_builds_unknown_issue_keys');
    const body = z
      .object({
        rejectedBuilds: z.array(z.object({ errors: z.array(z.object({ message: z.string() })) })),
      })
      .loose()
      .parse(await res.json());
    expect(body.unknownIssueKeys).toEqual(['JEN-25']);
    expect(body.rejectedBuilds[0]?.errors).toEqual(
      z
        .object({ rejectedBuilds: z.array(z.object({ errors: z.array(z.unknown()) })) })
        .parse(expected).rejectedBuilds[0]?.errors,
    );
  });

  it("rejects an item without url with Jira's message and accepts the others", async () => {
    const { post } = setup();
    const { url: _url, ...noUrl } = build({ buildNumber: 36 });
    const res = await post('builds', { builds: [noUrl, build({ buildNumber: 37 })] });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({
      acceptedBuilds: [{ pipelineId: 'pipe', buildNumber: 37 }],
      rejectedBuilds: [
        {
          key: { pipelineId: 'pipe', buildNumber: 36 },
          errors: [{ message: "'url' is required" }],
        },
      ],
      unknownIssueKeys: [],
    });
  });

  it('checks item fields against the OpenAPI schema (state, date-time, lengths)', async () => {
    const { post } = setup();
    const res = await post('builds', {
      builds: [build({ state: 'done', lastUpdated: 'yesterday', displayName: 'x'.repeat(256) })],
    });
    const body = z
      .object({
        rejectedBuilds: z.array(z.object({ errors: z.array(z.object({ message: z.string() })) })),
      })
      .loose()
      .parse(await res.json());
    const messages = body.rejectedBuilds[0]?.errors.map((e) => e.message) ?? [];
    expect(messages.some((m) => m.startsWith("'state'"))).toBe(true);
    expect(messages.some((m) => m.startsWith("'lastUpdated'"))).toBe(true);
    expect(messages.some((m) => m.startsWith("'displayName'"))).toBe(true);
  });

  it("words a state outside the enum as Jira does, and takes the Jenkins plugin's nulls as absent", async () => {
    const { sim, post } = setup();
    const res = await post('builds', {
      properties: null,
      providerMetadata: { product: null },
      builds: [
        build({ buildNumber: 1, state: 'done' }),
        build({
          buildNumber: 2,
          description: null,
          label: null,
          testInfo: null,
          references: null,
          associations: null,
          schemaVersion: null,
        }),
        build({ buildNumber: 3, url: null }),
      ],
    });
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({
      acceptedBuilds: [{ pipelineId: 'pipe', buildNumber: 2 }],
      rejectedBuilds: [
        {
          key: { pipelineId: 'pipe', buildNumber: 1 },
          errors: [
            {
              message:
                "'state' is not valid. Allowed values are: [pending, in_progress, successful, failed, cancelled, unknown].",
            },
          ],
        },
        {
          key: { pipelineId: 'pipe', buildNumber: 3 },
          errors: [{ message: "'url' is required" }],
        },
      ],
      unknownIssueKeys: [],
    });
    const stored = sim.devops.builds(ACME).find((item) => item.data.buildNumber === 2);
    expect(stored?.data).not.toHaveProperty('label');
  });

  it('links builds through associations and reports unknown associations', async () => {
    const { post } = setup();
    const res = await post('builds', {
      builds: [
        build({
          issueKeys: undefined,
          associations: [{ associationType: 'issueIdOrKeys', values: ['TB-2', 'NOPE-9'] }],
        }),
      ],
    });
    expect(await res.json()).toEqual({
      acceptedBuilds: [{ pipelineId: 'pipe', buildNumber: 1 }],
      rejectedBuilds: [],
      unknownIssueKeys: [],
      unknownAssociations: [{ associationType: 'issueIdOrKeys', values: ['NOPE-9'] }],
    });
  });

  it('refuses malformed requests as a whole: no builds, too many, too many properties, 500 values', async () => {
    const { post } = setup();
    expect((await post('builds', { builds: [] })).status).toBe(400);
    expect((await post('builds', '{"builds": [')).status).toBe(400);
    const many = Array.from({ length: 101 }, (_, i) => build({ buildNumber: i }));
    const tooMany = await post('builds', { builds: many });
    expect(tooMany.status).toBe(413);
    expect(await tooMany.json()).toEqual([
      { message: 'Data is too large. Submit fewer builds in each payload.' },
    ]);
    const properties = Object.fromEntries(Array.from({ length: 6 }, (_, i) => [`k${i}`, 'v']));
    expect((await post('builds', { properties, builds: [build()] })).status).toBe(400);
    expect((await post('builds', { properties: { _x: 'v' }, builds: [build()] })).status).toBe(400);
    const values = Array.from({ length: 501 }, (_, i) => `TB-${i + 1}`);
    const big = await post('builds', {
      builds: [
        build({ issueKeys: undefined, associations: [{ associationType: 'issueKeys', values }] }),
      ],
    });
    expect(big.status).toBe(400);
  });

  it('ignores an update whose updateSequenceNumber is not newer, without failing it', async () => {
    const { sim, post, token } = setup();
    await post('builds', { builds: [build({ updateSequenceNumber: 5, state: 'in_progress' })] });
    const older = await post('builds', {
      builds: [build({ updateSequenceNumber: 4, state: 'failed' })],
    });
    expect(await older.json()).toMatchObject({
      acceptedBuilds: [{ pipelineId: 'pipe', buildNumber: 1 }],
    });
    const get = await sim.fetch(`/api/jira/builds/0.1/cloud/${ACME}/pipelines/pipe/builds/1`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(await get.json()).toMatchObject({ state: 'in_progress', updateSequenceNumber: 5 });
    const del = await sim.fetch(`/api/jira/builds/0.1/cloud/${ACME}/pipelines/pipe/builds/1`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(del.status).toBe(202);
  });

  it('requires a 2LO token of that very site', async () => {
    const { sim, post } = setup();
    expect((await post('builds', { builds: [build()] }, { auth: '' })).status).toBe(401);
    expect((await post('builds', { builds: [build()] }, { cloudId: GLOBEX })).status).toBe(401);
    const threeLo = sim.issueCloudTokens({
      accountId: '43ab05deabe6257553edec3f',
      cloudId: ACME,
      scopes: ['read:jira-work', 'write:jira-work'],
    }).access_token;
    expect(
      (await post('builds', { builds: [build()] }, { auth: `Bearer ${threeLo}` })).status,
    ).toBe(403);
  });
});

describe('jira-sim Deployments API', () => {
  it("accepts the Jenkins plugin's deployment on a known issue and stores it by key", async () => {
    const { sim, post, token } = setup();
    const res = await post('deployments', onKnownIssue(jenkins('deployment')));
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({
      acceptedDeployments: [
        { pipelineId: 'pipelineId', environmentId: 'stg-east', deploymentSequenceNumber: 42 },
      ],
      rejectedDeployments: [],
      unknownIssueKeys: [],
    });
    const get = await sim.fetch(
      `/api/jira/deployments/0.1/cloud/${ACME}/pipelines/pipelineId/environments/stg-east/deployments/42`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect(await get.json()).toMatchObject({ environment: { type: 'staging' } });
  });

  it('rejects a deployment without an environment type or on unknown issues only', async () => {
    const { post } = setup();
    const payload = jenkins('deployment');
    const res = await post('deployments', payload);
    expect(await res.json()).toMatchObject({
      rejectedDeployments: [{ errors: [{ message: 'No valid issues found for deployment' }] }],
      unknownAssociations: [{ associationType: 'issueKeys', values: ['JEN-25'] }],
    });
    const untyped = JSON.parse(
      JSON.stringify(onKnownIssue(payload)).replace(',"type":"staging"', ''),
    );
    const body = z
      .object({
        rejectedDeployments: z.array(
          z.object({ errors: z.array(z.object({ message: z.string() })) }),
        ),
      })
      .loose()
      .parse(await (await post('deployments', untyped)).json());
    expect(body.rejectedDeployments[0]?.errors).toEqual([
      { message: "'environment.type' is required" },
    ]);
  });
});
