/** Test support for results: the app on the simulator, an acme connection, a mapping, CI creds. */
import { ResultsImported, TestRun } from '@testbridge/shared/api/results';
import { expect } from 'vitest';
import { createDevopsTestbed } from '../devops/testing.ts';
import type { OAuthTestApp } from '../oauth/testing.ts';
import type { StoreKind } from '../testing/index.ts';
import { connectWithToken, createToolKey } from '../tool-api/testing.ts';

export const json = { 'content-type': 'application/json' };

export type Case = Record<string, unknown> & { name: string; status: string };
export const report = (tests: Case[]) => JSON.stringify({ format: 'testbridge/v1', tests });

export async function createResultsTestbed(store: StoreKind, env: Record<string, string> = {}) {
  const bed = await createDevopsTestbed({ store, env });
  const t: OAuthTestApp = { ...bed.t, sim: bed.sim, responses: [] };
  const connection = await connectWithToken(t, 'acme', 'cloud_api_token', 'alice');
  const tool = (await createToolKey(t))();
  const mapRes = await t.app.request('/api/v1/mappings', {
    method: 'POST',
    headers: t.asAdmin(json),
    body: JSON.stringify({
      toolProject: { key: 'WEBAPP', name: 'Web app' },
      connectionId: connection.id,
      jiraProjectKey: 'TB',
      createDefects: true,
      defectIssueType: 'Bug',
    }),
  });
  expect(mapRes.status, await mapRes.clone().text()).toBe(201);
  const mapping = (await mapRes.json()) as { id: string };

  async function createRun(headers: Record<string, string>, body: Record<string, unknown> = {}) {
    const res = await t.app.request('/api/v1/test-runs', {
      method: 'POST',
      headers: { ...headers, ...json },
      body: JSON.stringify({ projectKey: 'WEBAPP', name: 'nightly', ...body }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    return TestRun.parse(await res.json());
  }
  function upload(
    headers: Record<string, string>,
    runId: string,
    body: string | Uint8Array,
    extra: Record<string, string> = {},
    fileName = 'report.json',
  ) {
    return t.app.request(`/api/v1/test-runs/${runId}/results?fileName=${fileName}`, {
      method: 'POST',
      headers: { ...headers, ...json, ...extra },
      body,
    });
  }
  async function uploadOk(headers: Record<string, string>, runId: string, tests: Case[]) {
    const res = await upload(headers, runId, report(tests));
    expect(res.status, await res.clone().text()).toBe(200);
    return ResultsImported.parse(await res.json());
  }
  async function coverage(issue: string, query = '') {
    const res = await t.app.request(
      `/api/v1/issues/${issue}/tests?connectionId=${connection.id}${query}`,
      { headers: tool },
    );
    expect(res.status, await res.clone().text()).toBe(200);
    return res.json() as Promise<import('@testbridge/shared/api/coverage').IssueTests>;
  }
  return { ...bed, t, connection, tool, mapping, createRun, upload, uploadOk, coverage };
}
