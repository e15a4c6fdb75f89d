import { Problem } from '@testbridge/shared';
import { Defect, DefectCreateUrl, DefectFiled } from '@testbridge/shared/api/defects';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainOutbox } from '../outbox/forwarder.ts';
import { createResultsTestbed, json } from '../results/testing.ts';
import { STORE_KINDS } from '../testing/index.ts';
import { createDefectSender } from './sender.ts';

const failing = (message: string) => ({
  name: 'checkout charges the card',
  classname: 'shop.CheckoutTest',
  status: 'failed',
  message,
  stack: `${message}\n    at CheckoutTest.charge(CheckoutTest.java:42)`,
  requirements: ['TB-1', 'TB-2'],
});

describe.each(STORE_KINDS)('defects on %s', (kind) => {
  let bed: Awaited<ReturnType<typeof createResultsTestbed>>;
  const site = () => {
    const acme = bed.sim.world.sites.get('acme');
    if (!acme) throw new Error('no acme site');
    return acme;
  };
  const drain = () =>
    drainOutbox(bed.t.deps, [createDefectSender(bed.t.deps)], { random: () => 0.5 });
  const file = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    bed.t.app.request('/api/v1/defects', {
      method: 'POST',
      headers: { ...bed.tool, ...json, ...headers },
      body: JSON.stringify(body),
    });
  const get = async (id: string) => {
    const res = await bed.t.app.request(`/api/v1/defects/${id}`, { headers: bed.tool });
    expect(res.status).toBe(200);
    return Defect.parse(await res.json());
  };
  /** A run whose checkout test failed with `message`; its run and test ids. */
  async function failedRun(message: string) {
    const run = await bed.createRun(bed.tool);
    await bed.uploadOk(bed.tool, run.id, [failing(message), { name: 'logs in', status: 'passed' }]);
    const coverage = await bed.coverage('TB-1');
    const test = coverage.tests.find((t) => t.name === 'checkout charges the card');
    if (!test) throw new Error('test not covering TB-1');
    return { runId: run.id, testId: test.testId };
  }
  /** Where people open issues: the connection's link base URL. */
  const browseBase = () =>
    (bed.connection.linkBaseUrl ?? bed.connection.jiraUrl).replace(/\/+$/, '');
  const issuesLabelled = (label: string) =>
    [...site().issues.values()].filter((issue) => issue.labels.includes(label));

  beforeAll(async () => {
    bed = await createResultsTestbed(kind);
  });
  afterAll(async () => bed.t.cleanup());

  it('files a failure once in Jira: the issue, a link to each requirement, a remote link to the run', async () => {
    const failure = await failedRun('expected 200 but was 500');
    const res = await file(failure);
    expect(res.status, await res.clone().text()).toBe(202);
    const filed = DefectFiled.parse(await res.json());
    expect(filed.existing).toBe(false);
    expect(filed.defect).toMatchObject({ state: 'pending', issue: null, projectKey: 'WEBAPP' });
    expect(filed.defect.summary).toBe(
      'Test failure: checkout charges the card: expected 200 but was 500',
    );

    await drain();
    const defect = await get(filed.defect.id);
    expect(defect.state).toBe('created');
    const key = defect.issue?.key ?? '';
    expect(key).toMatch(/^TB-\d+$/);
    expect(defect.issue?.url).toBe(`${browseBase()}/browse/${key}`);

    const [issue, ...others] = issuesLabelled(`testbridge-defect-${defect.id}`);
    expect(others).toEqual([]);
    expect(issue?.key).toBe(key);
    expect(site().issueTypes.get(issue?.issueTypeId ?? '')?.name).toBe('Bug');
    expect(JSON.stringify(issue?.description)).toContain('CheckoutTest.java:42');
    const requirementIds = ['TB-1', 'TB-2'].map((k) => site().issueKeys.get(k));
    const links = [...site().issueLinks.values()].filter((l) => l.outwardIssueId === issue?.id);
    expect(links.map((l) => l.inwardIssueId).sort()).toEqual([...requirementIds].sort());
    const remote = [...site().remoteLinks.values()].filter((l) => l.issueId === issue?.id);
    expect(remote.map((l) => l.globalId)).toEqual([`testbridge:run:${failure.runId}`]);

    const coverage = await bed.coverage('TB-2');
    const row = coverage.tests.find((t) => t.testId === failure.testId);
    expect(row?.openDefects).toEqual([
      { id: defect.id, issueKey: key, url: defect.issue?.url, state: 'created' },
    ]);
  });

  it('links a rerun that fails the same way to the open defect instead of filing another', async () => {
    const first = await failedRun('Timeout after 30000 ms waiting for #pay');
    const filed = DefectFiled.parse(await (await file(first)).json());
    await drain();
    const again = await failedRun('Timeout after 30000 ms waiting for #pay');
    const res = await file(again);
    expect(res.status).toBe(200);
    const second = DefectFiled.parse(await res.json());
    expect(second.existing).toBe(true);
    expect(second.defect.id).toBe(filed.defect.id);
    expect(second.defect.executionIds).toHaveLength(2);
    await drain();
    expect(issuesLabelled(`testbridge-defect-${filed.defect.id}`)).toHaveLength(1);

    const other = await failedRun('NullPointerException in PaymentService');
    const third = DefectFiled.parse(await (await file(other)).json());
    expect(third.existing).toBe(false);
    expect(third.defect.id).not.toBe(filed.defect.id);
  });

  it('finds the issue it created when Jira’s answer was lost, instead of creating a second', async () => {
    const failure = await failedRun('disk full while writing receipt');
    const filed = DefectFiled.parse(await (await file(failure)).json());
    // Jira creates the issue but the answer never arrives; the forwarder tries again later.
    bed.sim.addFault({
      kind: 'drop-answer',
      method: 'POST',
      path: '/cloud/acme/rest/api/3/issue',
      times: 1,
    });
    await drain();
    bed.advance(60_000);
    await drain();
    const defect = await get(filed.defect.id);
    expect(defect.state).toBe('created');
    expect(issuesLabelled(`testbridge-defect-${filed.defect.id}`)).toHaveLength(1);
  });

  it('reports what Jira refused, and lets the failure be filed again', async () => {
    const res = await bed.t.app.request(`/api/v1/mappings/${bed.mapping.id}`, {
      method: 'PATCH',
      headers: bed.t.asAdmin(json),
      body: JSON.stringify({ components: ['Payments'] }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const failure = await failedRun('card declined: insufficient funds');
    const filed = DefectFiled.parse(await (await file(failure)).json());
    await drain();
    const defect = await get(filed.defect.id);
    expect(defect.state).toBe('failed');
    expect(defect.failureReason).toContain("Field 'components' cannot be set");
    await bed.t.app.request(`/api/v1/mappings/${bed.mapping.id}`, {
      method: 'PATCH',
      headers: bed.t.asAdmin(json),
      body: JSON.stringify({ components: [] }),
    });
    const retry = await file(failure);
    expect(retry.status).toBe(202);
    await drain();
    expect((await get(DefectFiled.parse(await retry.json()).defect.id)).state).toBe('created');
  });

  it('refuses what cannot be a defect, naming why', async () => {
    const failure = await failedRun('boom');
    const coverage = await bed.coverage('TB-1');
    const passed = coverage.tests.find((t) => t.name === 'logs in');
    // `logs in` covers nothing; its execution is found by run and test id all the same.
    expect(passed).toBeUndefined();
    const missing = await file({ runId: failure.runId, testId: 'nope' });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    const bad = await file({ runId: failure.runId });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('body.testId');

    await bed.t.app.request(`/api/v1/mappings/${bed.mapping.id}`, {
      method: 'PATCH',
      headers: bed.t.asAdmin(json),
      body: JSON.stringify({ createDefects: false }),
    });
    const off = await file(failure);
    expect(off.status).toBe(409);
    expect(Problem.parse(await off.json()).detail).toContain('Create defects in Jira');
    await bed.t.app.request(`/api/v1/mappings/${bed.mapping.id}`, {
      method: 'PATCH',
      headers: bed.t.asAdmin(json),
      body: JSON.stringify({ createDefects: true }),
    });
  });

  it('prefills Jira’s own create screen for tools that open Jira’s dialog', async () => {
    const failure = await failedRun('expected list of 3, got 2');
    const res = await bed.t.app.request(
      `/api/v1/defects/create-url?runId=${failure.runId}&testId=${failure.testId}`,
      { headers: bed.tool },
    );
    expect(res.status).toBe(200);
    const url = new URL(DefectCreateUrl.parse(await res.json()).url);
    expect(url.origin + url.pathname).toBe(`${browseBase()}/secure/CreateIssueDetails!init.jspa`);
    expect(url.searchParams.get('summary')).toBe(
      'Test failure: checkout charges the card: expected list of 3, got 2',
    );
    expect(url.searchParams.get('pid')).toBe(
      [...site().projects.values()].find((p) => p.key === 'TB')?.id ?? 'missing',
    );
  });
});
