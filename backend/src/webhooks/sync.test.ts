import {
  createVersion,
  deleteProject,
  deleteVersion,
  releaseVersion,
  updateProject,
  updateVersion,
} from '@testbridge/jira-sim';
import { Mapping } from '@testbridge/shared/api/mappings';
import { MappingVersionList } from '@testbridge/shared/api/webhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../testing/index.ts';
import { createEventsTestbed, type EventsTestbed } from './testing.ts';

describe.each(STORE_KINDS)('versions and projects followed from Jira on %s', (kind) => {
  let bed: EventsTestbed;
  const tb = () => {
    const project = [...bed.acme().projects.values()].find((p) => p.key === 'TB');
    if (!project) throw new Error('no TB');
    return project;
  };
  const versions = async () => {
    const res = await bed.t.app.request(`/api/v1/mappings/${bed.mapping.id}/versions`, {
      headers: bed.tool,
    });
    expect(res.status, await res.clone().text()).toBe(200);
    return MappingVersionList.parse(await res.json()).items;
  };
  const mapping = async () => {
    const res = await bed.t.app.request(`/api/v1/mappings/${bed.mapping.id}`, {
      headers: bed.tool,
    });
    return Mapping.parse(await res.json());
  };

  beforeAll(async () => {
    bed = await createEventsTestbed(kind);
    const endpoint = await bed.issueEndpoint();
    await bed.registerAdminHook(endpoint.url, endpoint.secret, endpoint.events);
  });
  afterAll(async () => bed.t.cleanup());

  it("the mapping's versions mirror Jira: created, renamed, released, unreleased, deleted", async () => {
    const { world } = bed.sim;
    const site = bed.acme();
    const before = (await versions()).length;
    // Deliveries may arrive in any order; Jira's timestamps tell which state is newer.
    const tick = () => bed.sim.clock.advance(1000);
    const v2 = createVersion(world, site, { projectId: tb().id, name: '2.0' }, null);
    const v21 = createVersion(world, site, { projectId: tb().id, name: '2.1' }, null);
    await bed.settle();
    expect((await versions()).map((v) => v.name)).toEqual(expect.arrayContaining(['2.0', '2.1']));
    tick();
    updateVersion(world, site, v2.id, { name: '2.0 GA', releaseDate: '2026-02-01' }, null);
    tick();
    releaseVersion(world, site, v2.id, true, null);
    tick();
    releaseVersion(world, site, v21.id, true, null);
    tick();
    releaseVersion(world, site, v21.id, false, null);
    await bed.settle();
    tick();
    deleteVersion(world, site, v21.id, null);
    await bed.settle();
    const after = await versions();
    expect(after).toHaveLength(before + 1);
    expect(after.find((v) => v.id === v2.id)).toEqual({
      id: v2.id,
      name: '2.0 GA',
      released: true,
      archived: false,
      releaseDate: '2026-02-01',
    });
    expect(after.find((v) => v.id === v21.id)).toBeUndefined();
  });

  it('a project update keeps the mapping active; a deleted project marks it deleted and keeps it', async () => {
    const { world } = bed.sim;
    bed.sim.clock.advance(1000);
    updateProject(world, bed.acme(), tb().id, { name: 'Testbridge Demo (renamed)' }, null);
    await bed.settle();
    expect(await mapping()).toMatchObject({
      jiraProjectStatus: 'active',
      jiraProject: { key: 'TB' },
    });
    bed.sim.clock.advance(1000);
    deleteProject(world, bed.acme(), tb().id, null);
    await bed.settle();
    expect(await mapping()).toMatchObject({
      id: bed.mapping.id,
      jiraProjectStatus: 'deleted',
      jiraProject: { key: 'TB' },
    });
  });
});
