import { createSim, SEEDED } from '@testbridge/jira-sim';
import { Problem } from '@testbridge/shared';
import {
  Connection,
  ConnectionDiagnostics,
  ConnectionEventPage,
} from '@testbridge/shared/api/connections';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../testing/index.ts';
import { isVersionAtLeast } from './diagnostics.ts';
import { runDiagnostics } from './run-diagnostics.ts';

type TestApp = Awaited<ReturnType<typeof createTestApp>>;
const json = { 'content-type': 'application/json' };

describe('connection diagnostics against the simulator', () => {
  const sim = createSim({ baseUrl: 'http://jira-sim.test' });
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({
      fetch: sim.fetch as typeof fetch,
      env: { ALLOW_PRIVATE_JIRA_URLS: '1' },
    });
  });
  afterAll(() => t.cleanup());

  const connect = async (name: string, email: string, apiToken: string) => {
    const res = await t.app.request('/api/v1/connections', {
      method: 'POST',
      headers: t.asAdmin(json),
      body: JSON.stringify({
        name,
        jiraUrl: `${sim.baseUrl}/cloud/acme`,
        auth: { type: 'cloud_api_token', email, apiToken },
      }),
    });
    expect(res.status).toBe(201);
    return Connection.parse(await res.json());
  };
  const resultOf = (diagnostics: ConnectionDiagnostics | null, name: string) =>
    diagnostics?.checks.find((check) => check.name === name)?.result;

  it('runs right after connecting and passes every check for a Jira admin', async () => {
    const connection = await connect('Acme as Alice', 'alice@acme.test', SEEDED.apiTokens.alice);
    const failing = connection.diagnostics?.checks.filter((c) => c.result !== 'pass');
    // The simulator speaks plain HTTP here, which only warns (real-TLS cases: tls.test.ts).
    expect(failing?.map((check) => `${check.name}:${check.result}`)).toEqual(['tls:warn']);
    expect(connection.diagnostics?.checks.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        'reachable',
        'deployment',
        'authenticated',
        'permission:LINK_ISSUES',
        'permission:CREATE_ISSUES',
      ]),
    );
  });

  it('checks the permissions in each named project and names each failure by project and permission', async () => {
    const connection = await connect(
      'Acme as Bob, per project',
      'bob@acme.test',
      SEEDED.apiTokens.bob,
    );
    sim.requests.clear();
    const res = await t.app.request(`/api/v1/connections/${connection.id}/diagnostics`, {
      method: 'POST',
      headers: t.asAdmin(json),
      body: JSON.stringify({ projectKeys: ['TB', 'WEB', 'NOPE'] }),
    });
    expect(res.status).toBe(200);
    const { checks } = ConnectionDiagnostics.parse(await res.json());
    const check = (name: string) => checks.find((c) => c.name === name);
    // Bob may create issues somewhere (TB), so the global check passes; WEB is where he may not.
    expect(check('permission:CREATE_ISSUES')?.result).toBe('pass');
    expect(check('project:TB:permission:CREATE_ISSUES')?.result).toBe('pass');
    expect(check('project:WEB:permission:CREATE_ISSUES')).toMatchObject({
      result: 'fail',
      projectKey: 'WEB',
      permission: 'CREATE_ISSUES',
      detail: expect.stringContaining('create defects'),
      hint: expect.stringContaining('permission scheme of WEB'),
    });
    expect(check('project:WEB:permission:BROWSE_PROJECTS')?.result).toBe('pass');
    expect(check('project:TB:permission:LINK_ISSUES')).toMatchObject({
      result: 'fail',
      projectKey: 'TB',
    });
    expect(check('project:NOPE')).toMatchObject({
      result: 'fail',
      projectKey: 'NOPE',
      hint: expect.stringContaining('Browse Projects'),
    });
    expect(checks.some((c) => c.name.startsWith('project:') && c.permission === 'ADMINISTER')).toBe(
      false,
    );
    const asked = sim.requests
      .list({ path: '/cloud/acme/rest/api/3/mypermissions' })
      .map((r) => new URL(r.url, sim.baseUrl).searchParams.get('projectKey'));
    expect(asked).toEqual(expect.arrayContaining([null, 'TB', 'WEB', 'NOPE']));

    const bad = await t.app.request(`/api/v1/connections/${connection.id}/diagnostics`, {
      method: 'POST',
      headers: t.asAdmin(json),
      body: JSON.stringify({ projectKeys: ['not a key'] }),
    });
    expect(bad.status).toBe(400);
    expect(Problem.parse(await bad.json()).invalidFields?.[0]?.field).toBe('body.projectKeys[0]');
  });

  it('checks the projects the mappings provider names for the connection, on Data Center too', async () => {
    const res = await t.app.request('/api/v1/connections', {
      method: 'POST',
      headers: t.asAdmin(json),
      body: JSON.stringify({
        name: 'DC as Dave',
        jiraUrl: `${sim.baseUrl}/dc/jira`,
        auth: { type: 'dc_pat', token: SEEDED.pats.dave },
      }),
    });
    const connection = Connection.parse(await res.json());
    expect(connection.diagnostics?.checks.some((c) => c.name.startsWith('project:'))).toBe(false);
    const asked: string[] = [];
    const projectKeysOf = async (id: string) => {
      asked.push(id);
      return ['TB', 'DCP'];
    };
    const caller = { keyId: 'k', name: 'admin', role: 'admin' as const };
    const diagnostics = await runDiagnostics({ ...t.deps, projectKeysOf }, connection.id, caller);
    expect(asked).toEqual([connection.id]);
    const result = (name: string) => diagnostics.checks.find((c) => c.name === name)?.result;
    expect(result('project:TB:permission:CREATE_ISSUES')).toBe('pass');
    expect(result('project:DCP:permission:CREATE_ISSUES')).toBe('fail');
    expect(result('project:DCP:permission:ASSIGN_ISSUES')).toBe('fail');
  });

  it('names each missing permission with a hint, and only warns for ADMINISTER', async () => {
    const connection = await connect('Acme as Bob', 'bob@acme.test', SEEDED.apiTokens.bob);
    const checks = connection.diagnostics?.checks ?? [];
    const link = checks.find((c) => c.name === 'permission:LINK_ISSUES');
    expect(link).toMatchObject({ result: 'fail', hint: expect.stringContaining('Link Issues') });
    expect(resultOf(connection.diagnostics, 'permission:ASSIGN_ISSUES')).toBe('fail');
    expect(resultOf(connection.diagnostics, 'permission:BROWSE_PROJECTS')).toBe('pass');
    expect(resultOf(connection.diagnostics, 'permission:ADMINISTER')).toBe('warn');
  });

  it('reports an unreachable Jira on demand, stores the result and records it in the history', async () => {
    const connection = await connect('Acme outage', 'alice@acme.test', SEEDED.apiTokens.alice);
    const fault = sim.addFault({ kind: 'outage', path: '/cloud/acme/*' });
    const res = await t.app.request(`/api/v1/connections/${connection.id}/diagnostics`, {
      method: 'POST',
      headers: t.asAdmin(),
    });
    sim.faults.remove(fault.id);
    const diagnostics = ConnectionDiagnostics.parse(await res.json());
    expect(resultOf(diagnostics, 'reachable')).toBe('fail');
    expect(resultOf(diagnostics, 'authenticated')).toBe('fail');
    const stored = Connection.parse(
      await (
        await t.app.request(`/api/v1/connections/${connection.id}`, { headers: t.asAdmin() })
      ).json(),
    );
    expect(stored.diagnostics).toEqual(diagnostics);
    const history = ConnectionEventPage.parse(
      await (
        await t.app.request(`/api/v1/connections/${connection.id}/history`, {
          headers: t.asAdmin(),
        })
      ).json(),
    );
    expect(history.items[0]).toMatchObject({
      type: 'diagnostics_run',
      detail: { fail: expect.any(Number) },
    });
  });

  it('fails the version check when Data Center is too old for the auth type', async () => {
    const res = await t.app.request('/api/v1/connections', {
      method: 'POST',
      headers: t.asAdmin(json),
      body: JSON.stringify({
        name: 'Old DC',
        jiraUrl: `${sim.baseUrl}/dc/jira`,
        auth: { type: 'dc_pat', token: SEEDED.pats.admin },
      }),
    });
    const connection = Connection.parse(await res.json());
    expect(resultOf(connection.diagnostics, 'version')).toBe('pass');
    const version = sim.world.dc.version;
    sim.world.dc.version = '8.13.2';
    try {
      const rerun = await t.app.request(`/api/v1/connections/${connection.id}/diagnostics`, {
        method: 'POST',
        headers: t.asAdmin(),
      });
      const diagnostics = ConnectionDiagnostics.parse(await rerun.json());
      expect(diagnostics.checks.find((c) => c.name === 'version')).toMatchObject({
        result: 'fail',
        detail: expect.stringContaining('8.14'),
      });
    } finally {
      sim.world.dc.version = version;
    }
  });
});

describe('version comparison', () => {
  it('compares dotted versions numerically', () => {
    expect(isVersionAtLeast('8.22.0', '8.22')).toBe(true);
    expect(isVersionAtLeast('8.9.1', '8.22')).toBe(false);
    expect(isVersionAtLeast('10.3.1', '8.22')).toBe(true);
    expect(isVersionAtLeast('8.21.99', '8.22')).toBe(false);
  });
});
