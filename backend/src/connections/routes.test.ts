import { createSim, SEEDED } from '@testbridge/jira-sim';
import { Problem } from '@testbridge/shared';
import { Connection, ConnectionEventPage } from '@testbridge/shared/api/connections';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../testing/index.ts';

type TestApp = Awaited<ReturnType<typeof createTestApp>>;
const json = { 'content-type': 'application/json' };

describe('connections with token credentials, against the simulator', () => {
  const sim = createSim({ baseUrl: 'http://jira-sim.test' });
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      fetch: sim.fetch as typeof fetch,
      env: { ALLOW_PRIVATE_JIRA_URLS: '1' },
    });
  });
  afterAll(() => t.cleanup());

  const create = (body: unknown, headers = t.asAdmin(json)) =>
    t.app.request('/api/v1/connections', { method: 'POST', headers, body: JSON.stringify(body) });

  it('connects a Cloud site with email + API token after Jira accepts them', async () => {
    const res = await create({
      name: 'Acme Cloud',
      jiraUrl: `${sim.baseUrl}/cloud/acme`,
      auth: { type: 'cloud_api_token', email: 'alice@acme.test', apiToken: SEEDED.apiTokens.alice },
    });
    expect(res.status).toBe(201);
    const text = await res.text();
    expect(text).not.toContain(SEEDED.apiTokens.alice);
    const connection = Connection.parse(JSON.parse(text));
    expect(connection).toMatchObject({
      deployment: 'cloud',
      status: 'active',
      auth: { type: 'cloud_api_token', username: 'alice@acme.test' },
    });
    expect(connection.serverVersion).toMatch(/^\d+\./);
    // The cloudId comes from the site's /_edge/tenant_info (Forge and DevOps name sites by it).
    expect(connection.cloudId).toBe(sim.world.sites.get('acme')?.cloudId);
    expect(sim.requests.list({ path: '/cloud/acme/_edge/tenant_info' })).toHaveLength(1);
    // Once to check the credentials, once more by the diagnostics that follow.
    expect(sim.requests.list({ path: '/cloud/acme/rest/api/3/myself' })).toHaveLength(2);
  });

  it('connects Data Center with a personal access token and with a password', async () => {
    const pat = await create({
      name: 'DC with PAT',
      jiraUrl: `${sim.baseUrl}/dc/jira`,
      auth: { type: 'dc_pat', token: SEEDED.pats.admin },
    });
    expect(pat.status).toBe(201);
    expect(Connection.parse(await pat.json())).toMatchObject({ deployment: 'data_center' });
    const basic = await create({
      name: 'DC with password',
      jiraUrl: `${sim.baseUrl}/dc/jira/`,
      auth: { type: 'dc_basic', username: 'admin', password: SEEDED.dcPasswords.admin },
    });
    expect(basic.status).toBe(201);
    expect(Connection.parse(await basic.json()).jiraUrl).toBe(`${sim.baseUrl}/dc/jira`);
  });

  it("stores nothing and answers 422 with Jira's answer when it refuses the credentials", async () => {
    const res = await create({
      name: 'Wrong token',
      jiraUrl: `${sim.baseUrl}/cloud/acme`,
      auth: { type: 'cloud_api_token', email: 'alice@acme.test', apiToken: 'not-the-token' },
    });
    expect(res.status).toBe(422);
    const problem = Problem.parse(await res.json());
    expect(problem.code).toBe('jira_rejected_request');
    expect(problem.invalidFields?.[0]?.field).toBe('body.auth');
    expect(problem.jira).toMatchObject({ status: 401 });
    const dc = await create({
      name: 'Wrong password',
      jiraUrl: `${sim.baseUrl}/dc/jira`,
      auth: { type: 'dc_basic', username: 'admin', password: 'not-the-password' },
    });
    expect(dc.status).toBe(422);
    expect(Problem.parse(await dc.json()).invalidFields?.[0]?.field).toBe('body.auth');
    const list = await t.app.request('/api/v1/connections', { headers: t.asAdmin() });
    const names = ((await list.json()) as { items: { name: string }[] }).items.map((c) => c.name);
    expect(names).not.toContain('Wrong token');
  });

  it('refuses an auth type that does not exist on the detected deployment', async () => {
    const res = await create({
      name: 'PAT on Cloud',
      jiraUrl: `${sim.baseUrl}/cloud/acme`,
      auth: { type: 'dc_pat', token: SEEDED.pats.admin },
    });
    expect(res.status).toBe(400);
    expect(Problem.parse(await res.json()).invalidFields?.[0]?.field).toBe('body.auth.type');
  });

  it('refuses a second connection with the same name', async () => {
    const res = await create({
      name: 'Acme Cloud',
      jiraUrl: `${sim.baseUrl}/cloud/acme`,
      auth: { type: 'cloud_api_token', email: 'alice@acme.test', apiToken: SEEDED.apiTokens.alice },
    });
    expect(res.status).toBe(409);
  });

  it('names the invalid fields of a bad body and the unknown auth type', async () => {
    const res = await create({ name: '', jiraUrl: 'ftp://x', auth: { type: 'magic' } });
    expect(res.status).toBe(400);
    const fields = Problem.parse(await res.json()).invalidFields?.map((f) => f.field);
    expect(fields).toEqual(expect.arrayContaining(['body.name', 'body.jiraUrl', 'body.auth.type']));
  });

  it('lets a tool key read connections but not create them', async () => {
    const toolKey = await t.app.request('/api/v1/api-keys', {
      method: 'POST',
      headers: t.asAdmin(json),
      body: JSON.stringify({ name: 'tool', role: 'tool' }),
    });
    const { key } = (await toolKey.json()) as { key: string };
    const headers = { authorization: `Bearer ${key}`, ...json };
    expect((await t.app.request('/api/v1/connections', { headers })).status).toBe(200);
    const denied = await create(
      { name: 'x', jiraUrl: 'https://x.test', auth: { type: 'dc_pat', token: 'x' } },
      headers,
    );
    expect(denied.status).toBe(403);
  });

  it('keeps a paged history of what happened, newest first', async () => {
    const list = await t.app.request('/api/v1/connections', { headers: t.asAdmin() });
    const acme = ((await list.json()) as { items: { id: string; name: string }[] }).items.find(
      (c) => c.name === 'Acme Cloud',
    );
    const first = ConnectionEventPage.parse(
      await (
        await t.app.request(`/api/v1/connections/${acme?.id}/history?limit=2`, {
          headers: t.asAdmin(),
        })
      ).json(),
    );
    expect(first.items.map((e) => e.type)).toEqual(['diagnostics_run', 'authorized']);
    expect(first.nextCursor).not.toBeNull();
    const second = ConnectionEventPage.parse(
      await (
        await t.app.request(
          `/api/v1/connections/${acme?.id}/history?limit=2&cursor=${first.nextCursor}`,
          {
            headers: t.asAdmin(),
          },
        )
      ).json(),
    );
    expect(second.items.map((e) => e.type)).toEqual(['created']);
    expect(second.items[0]?.actor).toContain('bootstrap admin');
    expect(second.nextCursor).toBeNull();
  });

  it('deletes a connection with its credentials', async () => {
    const created = Connection.parse(
      await (
        await create({
          name: 'Short-lived',
          jiraUrl: `${sim.baseUrl}/dc/jira`,
          auth: { type: 'dc_pat', token: SEEDED.pats.dave },
        })
      ).json(),
    );
    const del = await t.app.request(`/api/v1/connections/${created.id}`, {
      method: 'DELETE',
      headers: t.asAdmin(),
    });
    expect(del.status).toBe(204);
    const gone = await t.app.request(`/api/v1/connections/${created.id}`, { headers: t.asAdmin() });
    expect(gone.status).toBe(404);
  });
});

describe('connections without private URLs allowed', () => {
  it('refuses a Jira URL on a private address or over http, naming the field', async () => {
    const t = await createTestApp({ lookupHost: async () => ['10.1.2.3'] });
    try {
      for (const jiraUrl of ['http://jira.example.com', 'https://jira.internal.example.com']) {
        const res = await t.app.request('/api/v1/connections', {
          method: 'POST',
          headers: t.asAdmin(json),
          body: JSON.stringify({ name: 'x', jiraUrl, auth: { type: 'dc_pat', token: 'x' } }),
        });
        expect(res.status).toBe(400);
        expect(Problem.parse(await res.json())).toMatchObject({
          code: 'url_not_allowed',
          invalidFields: [{ field: 'body.jiraUrl' }],
        });
      }
    } finally {
      await t.cleanup();
    }
  });
});
