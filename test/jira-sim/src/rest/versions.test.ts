import { describe, expect, it } from 'vitest';
import type { WorldChange } from '../world/events.ts';
import { createRestTestKit, jsonInit, pluck, readArray, readObject } from './test-kit.ts';

describe('project versions', () => {
  it('lists all versions and pages them with orderBy and status filters', async () => {
    const kit = createRestTestKit();
    const all = await readArray(await kit.site('alice', '/rest/api/3/project/TB/versions'));
    expect(pluck(all, 'name')).toEqual(['1.0', '1.1', '2.0', '2.1']);
    const page = await readObject(
      await kit.site(
        'alice',
        '/rest/api/3/project/TB/version?orderBy=-name&status=unreleased&maxResults=1',
      ),
    );
    expect(page).toMatchObject({ startAt: 0, maxResults: 1, total: 2, isLast: false });
    expect(pluck(page.values, 'name')).toEqual(['2.1']);
    expect(String(page.nextPage)).toContain('startAt=1');
    expect((await kit.site('alice', '/rest/api/3/project/TB/version?orderBy=colour')).status).toBe(
      400,
    );
  });

  it('creates a version (201) and refuses a duplicate name and a caller without Administer projects', async () => {
    const kit = createRestTestKit();
    const changes: WorldChange[] = [];
    kit.sim.onWorldChange((change) => changes.push(change));
    const body = { name: '3.0', project: 'TB', releaseDate: '2026-06-01' };
    const res = await kit.site('alice', '/rest/api/3/version', jsonInit('POST', body));
    expect(res.status).toBe(201);
    expect(await readObject(res)).toMatchObject({
      name: '3.0',
      released: false,
      releaseDate: '2026-06-01',
    });
    expect(changes.map((c) => c.type)).toEqual(['version_created']);
    const duplicate = await kit.site('alice', '/rest/api/3/version', jsonInit('POST', body));
    expect(duplicate.status).toBe(400);
    expect(await duplicate.json()).toEqual({
      errorMessages: [],
      errors: { name: 'A version with this name already exists in this project.' },
    });
    expect(
      (await kit.site('bob', '/rest/api/3/version', jsonInit('POST', { ...body, name: '4.0' })))
        .status,
    ).toBe(403);
  });

  it('releases, moves and deletes a version, each emitting its change', async () => {
    const kit = createRestTestKit();
    const versions = await readArray(await kit.site('alice', '/rest/api/3/project/TB/versions'));
    const id = String(versions[3]?.id);
    const changes: WorldChange[] = [];
    kit.sim.onWorldChange((change) => changes.push(change));
    const released = await kit.site(
      'alice',
      `/rest/api/3/version/${id}`,
      jsonInit('PUT', { released: true }),
    );
    expect(await readObject(released)).toMatchObject({ released: true });
    const moved = await kit.site(
      'alice',
      `/rest/api/3/version/${id}/move`,
      jsonInit('POST', { position: 'First' }),
    );
    expect(moved.status).toBe(200);
    const order = await readArray(await kit.site('alice', '/rest/api/3/project/TB/versions'));
    expect(pluck(order, 'name')).toEqual(['2.1', '1.0', '1.1', '2.0']);
    expect(
      (await kit.site('alice', `/rest/api/3/version/${id}`, { method: 'DELETE' })).status,
    ).toBe(204);
    expect(changes.map((c) => c.type)).toEqual([
      'version_released',
      'version_moved',
      'version_deleted',
    ]);
    expect((await kit.site('alice', `/rest/api/3/version/${id}`)).status).toBe(404);
  });
});
