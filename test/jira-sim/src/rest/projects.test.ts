import { describe, expect, it } from 'vitest';
import { must } from '../testing.ts';
import { createStandardPermissions } from '../world/permissions.ts';
import { findProject } from '../world/read.ts';
import { setUserPermissions } from '../world/version-changes.ts';
import { createRestTestKit, pluck, readArray, readObject } from './test-kit.ts';

describe('project search (Cloud)', () => {
  it('pages projects with startAt/maxResults/total/isLast and a nextPage link', async () => {
    const kit = createRestTestKit();
    const res = await kit.site('alice', '/rest/api/3/project/search?maxResults=2');
    expect(res.status).toBe(200);
    const page = await readObject(res);
    expect(page).toMatchObject({ startAt: 0, maxResults: 2, total: 3, isLast: false });
    expect(pluck(page.values, 'key')).toEqual(['OPS', 'TB']);
    expect(page.nextPage).toBe(
      'http://jira-sim.test/cloud/acme/rest/api/3/project/search?maxResults=2&startAt=2',
    );
    const last = await readObject(await kit.site('alice', '/rest/api/3/project/search?startAt=2'));
    expect(last).toMatchObject({ startAt: 2, total: 3, isLast: true });
    expect(last.nextPage).toBeUndefined();
  });

  it('caps maxResults at 100 as Jira does', async () => {
    const kit = createRestTestKit();
    const page = await readObject(
      await kit.site('alice', '/rest/api/3/project/search?maxResults=500'),
    );
    expect(page.maxResults).toBe(100);
  });

  it('lists only projects the caller can browse', async () => {
    const kit = createRestTestKit();
    const ops = must(findProject(kit.acme, 'OPS'));
    const restricted = createStandardPermissions();
    restricted.byProject.set(ops.id, new Set());
    setUserPermissions(kit.acme, kit.bob.id, restricted);
    const page = await readObject(await kit.site('bob', '/rest/api/3/project/search'));
    expect(pluck(page.values, 'key')).toEqual(['TB', 'WEB']);
  });

  it('rejects an orderBy Jira does not know with 400', async () => {
    const kit = createRestTestKit();
    const res = await kit.site('alice', '/rest/api/3/project/search?orderBy=colour');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ errorMessages: [expect.any(String)], errors: {} });
  });

  it('needs read:jira-work on a 3LO token (scope mismatch otherwise)', async () => {
    const kit = createRestTestKit();
    const ok = await kit.gateway(kit.tokenFor(['read:jira-work']), '/rest/api/3/project/search');
    expect(ok.status).toBe(200);
    const wrong = await kit.gateway(kit.tokenFor(['read:jira-user']), '/rest/api/3/project/search');
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({
      code: 401,
      message: 'Unauthorized; scope does not match',
    });
  });
});

describe('project and issue types', () => {
  it('returns a project with its issue types and versions', async () => {
    const kit = createRestTestKit();
    const res = await kit.site('alice', '/rest/api/3/project/TB');
    expect(res.status).toBe(200);
    const project = await readObject(res);
    expect(project).toMatchObject({
      key: 'TB',
      name: 'Testbridge Demo',
      projectTypeKey: 'software',
    });
    expect(pluck(project.issueTypes, 'name')).toContain('Bug');
    expect(pluck(project.versions, 'name')).toEqual(['1.0', '1.1', '2.0', '2.1']);
  });

  it("answers an unknown project with Jira's 404", async () => {
    const kit = createRestTestKit();
    const res = await kit.site('alice', '/rest/api/3/project/NOPE');
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      errorMessages: ["No project could be found with key 'NOPE'."],
      errors: {},
    });
  });

  it('lists the issue types of one project and requires projectId', async () => {
    const kit = createRestTestKit();
    const ops = must(findProject(kit.acme, 'OPS'));
    const res = await kit.site('alice', `/rest/api/3/issuetype/project?projectId=${ops.id}`);
    expect(res.status).toBe(200);
    expect(pluck(await readArray(res), 'name')).toEqual(['Task', 'Subtask']);
    const missing = await kit.site('alice', '/rest/api/3/issuetype/project');
    expect(missing.status).toBe(400);
  });

  it('serves Data Center projects as a plain array and has no project/search', async () => {
    const kit = createRestTestKit();
    const res = await kit.dc('admin', '/rest/api/2/project');
    expect(res.status).toBe(200);
    expect(pluck(await readArray(res), 'key')).toEqual(['TB', 'DCP']);
    const search = await kit.dc('admin', '/rest/api/2/project/search');
    expect(search.status).toBe(404);
  });
});
