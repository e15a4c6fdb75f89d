import { Mapping } from '@testbridge/shared/api/mappings';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createResultsTestbed, json } from '../results/testing.ts';
import { STORE_KINDS } from '../testing/index.ts';
import { connectWithToken } from '../tool-api/testing.ts';

describe.each(STORE_KINDS)('mappings on %s', (kind) => {
  let bed: Awaited<ReturnType<typeof createResultsTestbed>>;
  beforeAll(async () => {
    bed = await createResultsTestbed(kind);
  });
  afterAll(async () => bed.t.cleanup());

  const post = (
    body: Record<string, unknown>,
    headers: Record<string, string> = bed.t.asAdmin(json),
  ) =>
    bed.t.app.request('/api/v1/mappings', { method: 'POST', headers, body: JSON.stringify(body) });
  const mapping = (over: Record<string, unknown> = {}) => ({
    toolProject: { key: 'API', name: 'API tests' },
    connectionId: bed.connection.id,
    jiraProjectKey: 'TB',
    ...over,
  });

  it('stores the Jira project id and the defect issue type Jira knows, and lists for tool keys', async () => {
    const res = await post(
      mapping({ defectIssueType: 'bug', labels: ['qa'], webhookMode: 'manual' }),
    );
    expect(res.status).toBe(201);
    const created = Mapping.parse(await res.json());
    expect(created).toMatchObject({
      jiraProject: { key: 'TB' },
      defectIssueType: { id: '10003', name: 'Bug' },
      labels: ['qa'],
      components: [],
      webhookMode: 'manual',
      createDefects: false,
    });
    expect(created.jiraProject.id).toMatch(/^\d+$/);
    const list = await bed.t.app.request(`/api/v1/mappings?connectionId=${bed.connection.id}`, {
      headers: bed.tool,
    });
    expect(
      ((await list.json()) as { items: Mapping[] }).items.map((m) => m.toolProject.key),
    ).toEqual(['API', 'WEBAPP']);
  });

  it('answers 409 for a tool project mapped already, 403 to a tool key writing', async () => {
    const again = await post(mapping());
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ code: 'conflict' });
    expect(
      (await post(mapping({ toolProject: { key: 'X', name: 'x' } }), { ...bed.tool, ...json }))
        .status,
    ).toBe(403);
  });

  it('names what Jira lacks: an unknown project, a missing permission, an unknown issue type', async () => {
    const missing = await post(
      mapping({ toolProject: { key: 'N', name: 'n' }, jiraProjectKey: 'NOPE' }),
    );
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect(await missing.json()).toMatchObject({
      code: 'jira_not_found',
      invalidFields: [{ field: 'body.jiraProjectKey' }],
    });

    const bob = await connectWithToken(
      { ...bed.t, sim: bed.sim, responses: [] },
      'bob',
      'cloud_api_token',
      'bob',
    );
    const denied = await post(
      mapping({
        toolProject: { key: 'B', name: 'b' },
        connectionId: bob.id,
        jiraProjectKey: 'WEB',
      }),
    );
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({
      code: 'jira_forbidden',
      missingPermissions: ['CREATE_ISSUES'],
      projectKey: 'WEB',
    });

    const badType = await post(
      mapping({ toolProject: { key: 'T', name: 't' }, defectIssueType: 'Incident' }),
    );
    expect(badType.status).toBe(400);
    expect(await badType.json()).toMatchObject({
      code: 'validation_failed',
      invalidFields: [{ field: 'body.defectIssueType' }],
    });
    const list = await bed.t.app.request('/api/v1/mappings', { headers: bed.tool });
    expect(((await list.json()) as { items: Mapping[] }).items).toHaveLength(2);
  });

  it('lets diagnostics check the mapped projects', async () => {
    const res = await bed.t.app.request(`/api/v1/connections/${bed.connection.id}/diagnostics`, {
      method: 'POST',
      headers: bed.t.asAdmin(json),
      body: '{}',
    });
    const body = JSON.stringify(await res.json());
    expect(body).toContain('project:TB:permission:CREATE_ISSUES');
  });

  it('keeps the results when a mapping changes or goes, and refuses uploads while unmapped', async () => {
    const run = await bed.createRun(bed.tool);
    await bed.uploadOk(bed.tool, run.id, [
      { name: 'kept', status: 'passed', requirements: ['TB-7'] },
    ]);
    const webapp = bed.mapping.id;
    const patched = await bed.t.app.request(`/api/v1/mappings/${webapp}`, {
      method: 'PATCH',
      headers: bed.t.asAdmin(json),
      body: JSON.stringify({ jiraProjectKey: 'WEB', defectIssueType: null, components: ['UI'] }),
    });
    expect(patched.status, await patched.clone().text()).toBe(200);
    expect(await patched.json()).toMatchObject({
      jiraProject: { key: 'WEB' },
      defectIssueType: null,
      components: ['UI'],
    });
    expect((await bed.coverage('TB-7')).counts.total).toBe(1);

    const gone = await bed.t.app.request(`/api/v1/mappings/${webapp}`, {
      method: 'DELETE',
      headers: bed.t.asAdmin(),
    });
    expect(gone.status).toBe(204);
    expect((await bed.coverage('TB-7')).counts.total).toBe(1);
    const refused = await bed.upload(
      bed.tool,
      run.id,
      JSON.stringify({ format: 'testbridge/v1', tests: [] }),
    );
    expect(refused.status).toBe(409);
    const again = await post(mapping({ toolProject: { key: 'WEBAPP', name: 'Web app' } }));
    expect(again.status).toBe(201);
    const imported = await bed.uploadOk(bed.tool, run.id, [
      { name: 'kept', status: 'failed', requirements: ['TB-7'] },
    ]);
    expect(imported.run.files).toBe(2);
    expect((await bed.coverage('TB-7')).coverage).toBe('NOK');
  });
});
