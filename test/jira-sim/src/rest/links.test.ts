import { describe, expect, it } from 'vitest';
import type { WorldChange } from '../world/events.ts';
import { createRestTestKit, jsonInit, pluck, readArray, readObject } from './test-kit.ts';

const testRun = (title: string) => ({
  globalId: 'testbridge:run-42:case-7',
  application: { type: 'com.testbridge', name: 'Testbridge' },
  relationship: 'tested by',
  object: {
    url: 'https://testbridge.test/runs/42/cases/7',
    title,
    status: { resolved: false },
  },
});

describe('remote links', () => {
  it('creates with 201, then updates the same globalId with 200 instead of duplicating', async () => {
    const kit = createRestTestKit();
    const path = '/rest/api/3/issue/TB-1/remotelink';
    const first = await kit.site('alice', path, jsonInit('POST', testRun('Run 42: failed')));
    expect(first.status).toBe(201);
    const created = await readObject(first);
    expect(created).toEqual({
      id: expect.any(Number),
      self: `http://jira-sim.test/cloud/acme/rest/api/3/issue/TB-1/remotelink/${String(created.id)}`,
    });
    const second = await kit.site('alice', path, jsonInit('POST', testRun('Run 42: passed')));
    expect(second.status).toBe(200);
    expect((await readObject(second)).id).toBe(created.id);
    const links = await readArray(await kit.site('alice', path));
    expect(links).toHaveLength(1);
    expect(links[0]).toMatchObject({
      globalId: 'testbridge:run-42:case-7',
      object: { title: 'Run 42: passed' },
    });
    const byGlobalId = await kit.site(
      'alice',
      `${path}?globalId=${encodeURIComponent('testbridge:run-42:case-7')}`,
    );
    expect(await readObject(byGlobalId)).toMatchObject({ id: created.id });
  });

  it('deletes by globalId and by id', async () => {
    const kit = createRestTestKit();
    const path = '/rest/api/3/issue/TB-1/remotelink';
    await kit.site('alice', path, jsonInit('POST', testRun('a')));
    const other = await readObject(
      await kit.site('alice', path, jsonInit('POST', { ...testRun('b'), globalId: 'other' })),
    );
    const byGlobal = await kit.site('alice', `${path}?globalId=testbridge%3Arun-42%3Acase-7`, {
      method: 'DELETE',
    });
    expect(byGlobal.status).toBe(204);
    const byId = await kit.site('alice', `${path}/${String(other.id)}`, { method: 'DELETE' });
    expect(byId.status).toBe(204);
    expect(await readArray(await kit.site('alice', path))).toEqual([]);
    expect((await kit.site('alice', path, { method: 'DELETE' })).status).toBe(400);
  });

  it('refuses a user without Link issues with 403, and a body without object', async () => {
    const kit = createRestTestKit();
    const path = '/rest/api/3/issue/TB-1/remotelink';
    const bob = await kit.site('bob', path, jsonInit('POST', testRun('x')));
    expect(bob.status).toBe(403);
    expect(await bob.json()).toMatchObject({ errorMessages: [expect.any(String)], errors: {} });
    const invalid = await kit.site('alice', path, jsonInit('POST', { globalId: 'x' }));
    expect(invalid.status).toBe(400);
  });

  it('works the same on Data Center', async () => {
    const kit = createRestTestKit();
    const path = '/rest/api/2/issue/TB-1/remotelink';
    expect((await kit.dc('admin', path, jsonInit('POST', testRun('x')))).status).toBe(201);
    expect((await kit.dc('admin', path, jsonInit('POST', testRun('y')))).status).toBe(200);
    expect((await kit.dc('dave', path, jsonInit('POST', testRun('z')))).status).toBe(403);
  });
});

describe('issue links', () => {
  const body = {
    type: { name: 'Blocks' },
    inwardIssue: { key: 'TB-1' },
    outwardIssue: { key: 'TB-2' },
  };

  it('links two issues (201, no body), emits issuelink_created, and reads the link back', async () => {
    const kit = createRestTestKit();
    const changes: WorldChange[] = [];
    kit.sim.onWorldChange((change) => changes.push(change));
    const res = await kit.site('alice', '/rest/api/3/issueLink', jsonInit('POST', body));
    expect(res.status).toBe(201);
    expect(await res.text()).toBe('');
    expect(changes.map((c) => c.type)).toEqual(['issuelink_created']);
    const location = res.headers.get('location') ?? '';
    const id = location.split('/').at(-1) ?? '';
    const link = await readObject(await kit.site('alice', `/rest/api/3/issueLink/${id}`));
    expect(link).toMatchObject({
      type: { name: 'Blocks' },
      inwardIssue: { key: 'TB-1' },
      outwardIssue: { key: 'TB-2' },
    });
    const issue = await readObject(
      await kit.site('alice', '/rest/api/3/issue/TB-1?fields=issuelinks'),
    );
    expect(pluck(pluck([issue.fields], 'issuelinks')[0], 'id')).toEqual([id]);
    expect(
      (await kit.site('alice', `/rest/api/3/issueLink/${id}`, { method: 'DELETE' })).status,
    ).toBe(204);
    expect((await kit.site('alice', `/rest/api/3/issueLink/${id}`)).status).toBe(404);
  });

  it('answers a missing Link issues permission and an unknown link type with 404', async () => {
    const kit = createRestTestKit();
    const bob = await kit.site('bob', '/rest/api/3/issueLink', jsonInit('POST', body));
    expect(bob.status).toBe(404);
    expect(await bob.json()).toEqual({
      errorMessages: ["No Link Issue Permission for issue 'TB-2'."],
      errors: {},
    });
    const type = await kit.site(
      'alice',
      '/rest/api/3/issueLink',
      jsonInit('POST', { ...body, type: { name: 'Fixes' } }),
    );
    expect(type.status).toBe(404);
    expect(await type.json()).toEqual({
      errorMessages: ["No issue link type with name 'Fixes' found."],
      errors: {},
    });
  });

  it('lists the link types', async () => {
    const kit = createRestTestKit();
    const res = await readObject(await kit.site('alice', '/rest/api/3/issueLinkType'));
    expect(pluck(res.issueLinkTypes, 'name')).toEqual([
      'Blocks',
      'Cloners',
      'Duplicate',
      'Relates',
    ]);
  });
});
