import { Problem } from '@testbridge/shared';
import { IssueTests } from '@testbridge/shared/api/coverage';
import { Defect, DefectFiled, DefectList } from '@testbridge/shared/api/defects';
import { TestRun } from '@testbridge/shared/api/results';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  complete,
  connectCloud,
  createOAuthTestApp,
  followCallback,
  json,
  type OAuthTestApp,
  startFlow,
} from '../oauth/testing.ts';
import { drainOutbox } from '../outbox/forwarder.ts';
import { createToolKey } from '../tool-api/testing.ts';
import { createDefectSender } from './sender.ts';

const ALICE = '43ab05deabe6257553edec3f';
const BOB = '67dccba40b8858e62f585a49';

describe('defects filed as the test-tool user’s own grant', () => {
  let t: OAuthTestApp;
  let tool: (user?: string) => Record<string, string>;
  let connectionId: string;
  const acme = () => {
    const site = t.sim.world.sites.get('acme');
    if (!site) throw new Error('no acme');
    return site;
  };
  /** A run whose test `name` failed with `message` (covering TB-1): its run and test ids. */
  async function failure(name: string, message: string) {
    const runRes = await t.app.request('/api/v1/test-runs', {
      method: 'POST',
      headers: { ...tool(), ...json },
      body: JSON.stringify({ projectKey: 'SHOP', name: 'nightly' }),
    });
    const run = TestRun.parse(await runRes.json());
    const upload = await t.app.request(`/api/v1/test-runs/${run.id}/results`, {
      method: 'POST',
      headers: { ...tool(), ...json },
      body: JSON.stringify({
        format: 'testbridge/v1',
        tests: [{ name, status: 'failed', message, requirements: ['TB-1'] }],
      }),
    });
    expect(upload.status, await upload.clone().text()).toBe(200);
    const coverage = await t.app.request(`/api/v1/issues/TB-1/tests?connectionId=${connectionId}`, {
      headers: tool(),
    });
    const test = IssueTests.parse(await coverage.json()).tests.find((c) => c.name === name);
    return { runId: run.id, testId: test?.testId ?? 'missing' };
  }
  const file = (body: object, user?: string) =>
    t.app.request('/api/v1/defects', {
      method: 'POST',
      headers: { ...tool(user), ...json },
      body: JSON.stringify(body),
    });
  const reporterOf = async (id: string) => {
    const res = await t.app.request(`/api/v1/defects/${id}`, { headers: tool() });
    const defect = Defect.parse(await res.json());
    return [...acme().issues.values()].find((i) => i.key === defect.issue?.key)?.reporterId;
  };
  const drain = () => drainOutbox(t.deps, [createDefectSender(t.deps)], { random: () => 0.5 });

  beforeAll(async () => {
    t = await createOAuthTestApp();
    tool = await createToolKey(t);
    const connection = await connectCloud(t, 'Per-user defects');
    connectionId = connection.id;
    const flow = await startFlow(t, connectionId, tool('tool-user-bob'));
    const consent = t.sim.approveConsent(flow.authorizationUrl, { loginHint: 'bob@acme.test' });
    const page = await followCallback(t, consent.redirectUrl);
    const done = await complete(
      t,
      connectionId,
      flow.flowId,
      { code: page.code },
      tool('tool-user-bob'),
    );
    expect(done.status, await done.clone().text()).toBe(200);
    const mapping = await t.app.request('/api/v1/mappings', {
      method: 'POST',
      headers: t.asAdmin(json),
      body: JSON.stringify({
        toolProject: { key: 'SHOP', name: 'Shop' },
        connectionId,
        jiraProjectKey: 'TB',
        createDefects: true,
        defectIssueType: 'Bug',
      }),
    });
    expect(mapping.status, await mapping.clone().text()).toBe(201);
  });
  afterAll(async () => t.cleanup());

  it('files the issue as Bob when Bob asks and has authorized, as the shared grant otherwise', async () => {
    const bobs = DefectFiled.parse(
      await (await file(await failure('pays', 'declined'), 'tool-user-bob')).json(),
    );
    const shared = DefectFiled.parse(
      await (await file(await failure('refunds', 'timeout'), 'tool-user-without-grant')).json(),
    );
    await drain();
    expect(await reporterOf(bobs.defect.id)).toBe(BOB);
    expect(await reporterOf(shared.defect.id)).toBe(ALICE);
  });

  it('asks a user without a grant to authorize first when the connection requires it, storing nothing', async () => {
    const patched = await t.app.request(`/api/v1/connections/${connectionId}`, {
      method: 'PATCH',
      headers: t.asAdmin(json),
      body: JSON.stringify({ requireUserGrantForWrites: true }),
    });
    expect(patched.status, await patched.clone().text()).toBe(200);
    const failed = await failure('ships', 'no courier');
    const res = await file(failed, 'tool-user-carol');
    expect(res.status).toBe(403);
    expect(Problem.parse(await res.json()).code).toBe('user_authorization_required');
    const list = await t.app.request(`/api/v1/defects?testId=${failed.testId}`, {
      headers: tool(),
    });
    expect(DefectList.parse(await list.json()).items).toEqual([]);
  });
});
