import { describe, expect, it } from 'vitest';
import { createSim } from '../index.ts';
import { must } from '../testing.ts';
import type { WorldChange } from '../world/events.ts';

const BASE = 'http://jira-sim.test';
const json = (body: unknown) => ({
  method: 'POST',
  headers: { 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
});

describe('control API', () => {
  it('reads, sets and advances the clock', async () => {
    const sim = createSim({ baseUrl: BASE });
    expect(await (await sim.fetch(`${BASE}/_sim/clock`)).json()).toEqual({
      now: '2026-03-02T09:00:00.000Z',
      epochMs: Date.parse('2026-03-02T09:00:00Z'),
    });
    await sim.fetch(`${BASE}/_sim/clock`, {
      ...json({ now: '2026-04-01T00:00:00Z' }),
      method: 'PUT',
    });
    await sim.fetch(`${BASE}/_sim/clock/advance`, json({ ms: 60_000 }));
    expect(new Date(sim.clock.now()).toISOString()).toBe('2026-04-01T00:01:00.000Z');
  });

  it('rejects a clock body that is not a time', async () => {
    const sim = createSim({ baseUrl: BASE });
    const res = await sim.fetch(`${BASE}/_sim/clock`, {
      ...json({ now: 'tomorrow' }),
      method: 'PUT',
    });
    expect(res.status).toBe(400);
  });

  it('creates, moves and deletes issues and releases versions, emitting world changes', async () => {
    const sim = createSim({ baseUrl: BASE });
    const changes: WorldChange[] = [];
    sim.onWorldChange((change) => changes.push(change));
    const created = await sim.fetch(
      `${BASE}/_sim/world/acme/issues`,
      json({ projectKey: 'TB', summary: 'From a test' }),
    );
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ key: 'TB-41' });
    const moved = await sim.fetch(
      `${BASE}/_sim/world/acme/issues/TB-41/move`,
      json({ projectKey: 'WEB' }),
    );
    expect(await moved.json()).toMatchObject({ key: 'WEB-41' });
    expect(
      (await sim.fetch(`${BASE}/_sim/world/acme/issues/WEB-41`, { method: 'DELETE' })).status,
    ).toBe(204);
    const version = must([...sim.world.dc.versions.values()].find((v) => !v.released));
    const released = await sim.fetch(
      `${BASE}/_sim/world/dc/versions/${version.id}/release`,
      json({}),
    );
    expect(await released.json()).toMatchObject({ id: version.id, released: true });
    expect(changes.map((c) => `${c.instance.id}:${c.type}`)).toEqual([
      'acme:issue_created',
      'acme:issue_updated',
      'acme:issue_deleted',
      'dc:version_released',
    ]);
  });

  it('answers 404 for an unknown instance or issue', async () => {
    const sim = createSim({ baseUrl: BASE });
    expect(
      (
        await sim.fetch(
          `${BASE}/_sim/world/nowhere/issues`,
          json({ projectKey: 'TB', summary: 'x' }),
        )
      ).status,
    ).toBe(404);
    expect(
      (await sim.fetch(`${BASE}/_sim/world/acme/issues/TB-999`, { method: 'DELETE' })).status,
    ).toBe(404);
  });

  it('revokes by token and demands a filter', async () => {
    const sim = createSim({ baseUrl: BASE });
    expect((await sim.fetch(`${BASE}/_sim/grants/revoke`, json({}))).status).toBe(400);
    const res = await sim.fetch(`${BASE}/_sim/grants/revoke`, json({ token: 'sim-pat-erin' }));
    expect(await res.json()).toEqual({ revoked: 1 });
  });

  it('registers a PAT that then authenticates', async () => {
    const sim = createSim({ baseUrl: BASE });
    const erin = must([...sim.world.dc.users.values()].find((u) => u.username === 'erin'));
    expect(
      (await sim.fetch(`${BASE}/_sim/dc/pats`, json({ token: 'fresh-pat', userId: erin.id })))
        .status,
    ).toBe(201);
    const me = await sim.fetch(`${BASE}/dc/jira/rest/api/2/myself`, {
      headers: { Authorization: 'Bearer fresh-pat' },
    });
    expect(await me.json()).toMatchObject({ name: 'erin' });
  });
});
