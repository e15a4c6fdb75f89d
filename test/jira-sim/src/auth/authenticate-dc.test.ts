import { describe, expect, it } from 'vitest';
import { createSim } from '../index.ts';
import { SEEDED } from './seed-credentials.ts';

const BASE = 'http://jira-sim.test';
const DC = `${BASE}/dc/jira`;
const basic = (user: string, secret: string) =>
  `Basic ${Buffer.from(`${user}:${secret}`).toString('base64')}`;

describe('Data Center authentication', () => {
  it('accepts a PAT as a bearer token', async () => {
    const sim = createSim({ baseUrl: BASE });
    const res = await sim.fetch(`${DC}/rest/api/2/myself`, {
      headers: { Authorization: `Bearer ${SEEDED.pats.dave}` },
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      name: 'dave',
      key: expect.stringMatching(/^JIRAUSER\d+$/),
      self: `${DC}/rest/api/2/user?username=dave`,
    });
  });

  it('rejects an unknown or revoked PAT with 401 and Seraph header', async () => {
    const sim = createSim({ baseUrl: BASE });
    const unknown = await sim.fetch(`${DC}/rest/api/2/myself`, {
      headers: { Authorization: 'Bearer nope' },
    });
    expect(unknown.status).toBe(401);
    expect(unknown.headers.get('x-seraph-loginreason')).toBe('AUTHENTICATED_FAILED');
    sim.revoke({ token: SEEDED.pats.admin });
    expect(
      (
        await sim.fetch(`${DC}/rest/api/2/myself`, {
          headers: { Authorization: `Bearer ${SEEDED.pats.admin}` },
        })
      ).status,
    ).toBe(401);
  });

  it('does not take a PAT as a Basic password', async () => {
    const sim = createSim({ baseUrl: BASE });
    const res = await sim.fetch(`${DC}/rest/api/2/myself`, {
      headers: { Authorization: basic('admin', SEEDED.pats.admin) },
    });
    expect(res.status).toBe(401);
  });

  it('accepts Basic username + password and rejects a wrong password', async () => {
    const sim = createSim({ baseUrl: BASE });
    const ok = await sim.fetch(`${DC}/rest/api/2/myself`, {
      headers: { Authorization: basic('admin', 'admin') },
    });
    expect(ok.status).toBe(200);
    const bad = await sim.fetch(`${DC}/rest/api/2/myself`, {
      headers: { Authorization: basic('admin', 'nimda') },
    });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({
      errorMessages: [
        'You are not authenticated. Authentication required to perform this operation.',
      ],
      errors: {},
    });
  });

  it('reports deploymentType Server and a version of at least 8.22', async () => {
    const sim = createSim({ baseUrl: BASE });
    const res = await sim.fetch(`${DC}/rest/api/2/serverInfo`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      deploymentType: 'Server',
      version: '9.12.2',
      versionNumbers: [9, 12, 2],
      baseUrl: DC,
    });
  });

  it('has no REST v3: 404 as Jersey answers it', async () => {
    const sim = createSim({ baseUrl: BASE });
    const res = await sim.fetch(`${DC}/rest/api/3/myself`, {
      headers: { Authorization: basic('admin', 'admin') },
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      message: `null for uri: ${DC}/rest/api/3/myself`,
      'status-code': 404,
    });
  });
});
