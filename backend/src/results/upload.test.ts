import { gzipSync } from 'node:zlib';
import { TestRun } from '@testbridge/shared/api/results';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jenkinsPayload } from '../devops/testing.ts';
import { STORE_KINDS } from '../testing/index.ts';
import { type Case, createResultsTestbed, json, report } from './testing.ts';

const suite: Case[] = [
  { key: 'CK-1', name: 'pays', status: 'passed', requirements: ['TB-3'] },
  { key: 'CK-2', name: 'refunds', status: 'failed', message: 'no', requirements: ['TB-3'] },
  { name: 'skips', status: 'skipped', requirements: ['TB-4'] },
];

describe.each(STORE_KINDS)('uploads on %s', (kind) => {
  let bed: Awaited<ReturnType<typeof createResultsTestbed>>;
  beforeAll(async () => {
    bed = await createResultsTestbed(kind, { RESULTS_UPLOAD_LIMIT_BYTES: '4096' });
  });
  afterAll(async () => bed.t.cleanup());

  const getRun = async (id: string, headers = bed.tool) =>
    TestRun.parse(await (await bed.t.app.request(`/api/v1/test-runs/${id}`, { headers })).json());
  const stagedRows = async () =>
    (await bed.t.deps.store.db.select().from(bed.t.deps.store.tables.resultStagedCases)).length;
  const basic = () => ({
    authorization: `Basic ${Buffer.from(`${bed.ci.clientId}:${bed.ci.clientSecret}`).toString('base64')}`,
  });

  it('takes the same suite from a tool key and from CI credentials (token or Basic) as the same tests', async () => {
    const byTool = await bed.createRun(bed.tool, { environment: 'ci' });
    await bed.uploadOk(bed.tool, byTool.id, suite);
    const before = await bed.coverage('TB-3');
    const ciAuth = { authorization: bed.ciAuth.authorization };
    const byCi = await bed.createRun(ciAuth, { environment: 'ci' });
    expect(byCi.createdBy).toEqual({ kind: 'ci', id: bed.ci.id });
    const res = await bed.upload(ciAuth, byCi.id, report(suite));
    expect(res.status, await res.clone().text()).toBe(200);
    const byBasic = await bed.createRun(basic());
    expect((await bed.upload(basic(), byBasic.id, report(suite))).status).toBe(200);
    const after = await bed.coverage('TB-3');
    expect(after.tests.map((t) => t.testId)).toEqual(before.tests.map((t) => t.testId));
    expect(after.tests.map((t) => t.history.length)).toEqual([3, 3]);
    // CI credentials see only the runs they created.
    expect(
      (await bed.t.app.request(`/api/v1/test-runs/${byTool.id}`, { headers: ciAuth })).status,
    ).toBe(404);
    const list = await bed.t.app.request('/api/v1/test-runs?projectKey=WEBAPP', {
      headers: ciAuth,
    });
    const ids = ((await list.json()) as { items: TestRun[] }).items.map((r) => r.id);
    expect(ids).toEqual([byBasic.id, byCi.id]);
    expect(
      (await bed.t.app.request('/api/v1/test-runs', { method: 'POST', headers: json, body: '{}' }))
        .status,
    ).toBe(401);
  });

  it('fills the testInfo of the named build while it waits in the outbox, and Jira gets it', async () => {
    const payload = jenkinsPayload('build') as { builds: Record<string, unknown>[] };
    const { testInfo: _sent, ...first } = payload.builds[0] ?? {};
    const build = { ...first, pipelineId: 'pipe-7', buildNumber: 7, issueKeys: ['TB-25'] };
    const posted = await bed.postJira('builds', { ...payload, builds: [build] });
    expect(posted.status).toBe(202);
    const run = await bed.createRun(
      { authorization: bed.ciAuth.authorization },
      { build: { pipelineId: 'pipe-7', buildNumber: 7 } },
    );
    const res = await bed.upload(
      { authorization: bed.ciAuth.authorization },
      run.id,
      report(suite),
    );
    const imported = (await res.json()) as { file: { buildTestInfo: string }; run: TestRun };
    expect(imported.file.buildTestInfo).toBe('filled');
    expect(imported.run.build).toMatchObject({
      pipelineId: 'pipe-7',
      buildNumber: 7,
      url: 'https://url.com',
    });
    // A second file of the same run updates the counts it filled.
    const second = await bed.upload(
      { authorization: bed.ciAuth.authorization },
      run.id,
      report([{ name: 'more', status: 'passed' }]),
    );
    expect(((await second.json()) as { file: { buildTestInfo: string } }).file.buildTestInfo).toBe(
      'filled',
    );
    await bed.drain();
    const sent = bed.sim.requests.list({
      path: '/api/jira/builds/0.1/cloud/*/bulk',
      method: 'POST',
    });
    const bodies = sent.map(
      (r) => JSON.parse(r.body) as { builds: { pipelineId: string; testInfo?: unknown }[] },
    );
    const ours = bodies.flatMap((b) => b.builds).find((b) => b.pipelineId === 'pipe-7');
    expect(ours?.testInfo).toEqual({
      totalNumber: 4,
      numberPassed: 2,
      numberFailed: 1,
      numberSkipped: 1,
    });
    // Delivered: a later file leaves it.
    const late = await bed.upload(
      { authorization: bed.ciAuth.authorization },
      run.id,
      report(suite),
    );
    expect(((await late.json()) as { file: { buildTestInfo: string } }).file.buildTestInfo).toBe(
      'no_pending_build',
    );
  });

  it('leaves a testInfo the CI sent', async () => {
    const payload = jenkinsPayload('build') as { builds: Record<string, unknown>[] };
    const build = {
      ...payload.builds[0],
      pipelineId: 'pipe-8',
      buildNumber: 8,
      issueKeys: ['TB-25'],
    };
    expect((await bed.postJira('builds', { ...payload, builds: [build] })).status).toBe(202);
    const run = await bed.createRun(bed.tool, { build: { pipelineId: 'pipe-8', buildNumber: 8 } });
    const imported = await bed.uploadOk(bed.tool, run.id, suite);
    expect(imported.file.buildTestInfo).toBe('already_set');
  });

  it('reads gzip', async () => {
    const run = await bed.createRun(bed.tool);
    const res = await bed.upload(bed.tool, run.id, gzipSync(report(suite)), {
      'content-encoding': 'gzip',
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect((await getRun(run.id)).counts.total).toBe(3);
  });

  it('refuses each kind of bad input with problem+json and writes nothing', async () => {
    const run = await bed.createRun(bed.tool);
    const cases: [string | Uint8Array, Record<string, string>, number, Record<string, unknown>][] =
      [
        [
          '{\n "format": "testbridge/v1",\n "tests": [\n  oops',
          {},
          400,
          { detail: expect.stringContaining('report.json line 4, column 3: is not valid JSON') },
        ],
        [
          report([suite[0] as Case, { name: 'x', status: 'exploded' }]),
          {},
          400,
          { invalidFields: [{ field: 'body.tests[1].status' }] },
        ],
        [
          report([{ name: 'x', status: 'passed', requirements: ['not a key'] }]),
          {},
          400,
          { invalidFields: [{ field: 'body.tests[0].requirements[0]' }] },
        ],
        ['<testsuite/>', { 'content-type': 'text/plain' }, 415, { code: 'unsupported_media_type' }],
        [report(suite), { 'content-encoding': 'br' }, 415, { code: 'unsupported_media_type' }],
        ['not gzip at all', { 'content-encoding': 'gzip' }, 400, { code: 'validation_failed' }],
        [
          report(Array.from({ length: 300 }, (_, i) => ({ name: `t${i}`, status: 'passed' }))),
          {},
          413,
          { code: 'body_too_large' },
        ],
        [
          gzipSync(' '.repeat(100_000)),
          { 'content-encoding': 'gzip' },
          413,
          { code: 'body_too_large' },
        ],
      ];
    for (const [body, headers, status, problem] of cases) {
      const res = await bed.upload(bed.tool, run.id, body, headers);
      expect(res.status, await res.clone().text()).toBe(status);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      expect(await res.json()).toMatchObject(problem);
    }
    const after = await getRun(run.id);
    expect(after).toMatchObject({ files: 0, counts: { total: 0 } });
    expect(await stagedRows()).toBe(0);
  });

  it('writes nothing when Jira cannot resolve the requirement keys', async () => {
    const run = await bed.createRun(bed.tool);
    const fault = bed.sim.addFault({
      kind: 'status',
      status: 503,
      path: '*/search/jql',
      times: 20,
    });
    const res = await bed.upload(
      bed.tool,
      run.id,
      report([{ name: 'new', status: 'passed', requirements: ['TB-30'] }]),
    );
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ code: 'jira_unreachable' });
    void fault;
    expect(await getRun(run.id)).toMatchObject({ files: 0, counts: { total: 0 } });
    expect(await stagedRows()).toBe(0);
  });

  it('refuses bad run metadata and unknown runs', async () => {
    const bad = await bed.t.app.request('/api/v1/test-runs', {
      method: 'POST',
      headers: { ...bed.tool, ...json },
      body: JSON.stringify({ projectKey: 'NOT-MAPPED', name: 'x', startedAt: 'yesterday' }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ invalidFields: [{ field: 'body.startedAt' }] });
    const unmapped = await bed.t.app.request('/api/v1/test-runs', {
      method: 'POST',
      headers: { ...bed.tool, ...json },
      body: JSON.stringify({ projectKey: 'NOT-MAPPED', name: 'x' }),
    });
    expect(await unmapped.json()).toMatchObject({ invalidFields: [{ field: 'body.projectKey' }] });
    expect((await bed.upload(bed.tool, 'nope', report(suite))).status).toBe(404);
  });
});
