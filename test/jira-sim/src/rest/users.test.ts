import { describe, expect, it } from 'vitest';
import { createStandardPermissions } from '../world/permissions.ts';
import { createRestTestKit, pluck, readArray, readObject } from './test-kit.ts';

describe('users/search (all users)', () => {
  it('pages through 2,600+ users at most 1000 at a time, inactive ones included', async () => {
    const kit = createRestTestKit();
    const total = kit.acme.users.size;
    expect(total).toBeGreaterThan(2500);
    const first = await readArray(
      await kit.site('alice', '/rest/api/3/users/search?maxResults=5000'),
    );
    expect(first).toHaveLength(1000);
    const rest = await readArray(
      await kit.site('alice', '/rest/api/3/users/search?startAt=2000&maxResults=1000'),
    );
    expect(rest).toHaveLength(total - 2000);
    expect(pluck(rest, 'active')).toContain(false);
    const defaults = await readArray(await kit.site('alice', '/rest/api/3/users/search'));
    expect(defaults).toHaveLength(50);
  });

  it('needs read:jira-user on a 3LO token', async () => {
    const kit = createRestTestKit();
    const ok = await kit.gateway(kit.tokenFor(['read:jira-user']), '/rest/api/3/users/search');
    expect(ok.status).toBe(200);
    const wrong = await kit.gateway(kit.tokenFor(['read:jira-work']), '/rest/api/3/users/search');
    expect(wrong.status).toBe(401);
  });
});

describe('user/search', () => {
  it('requires a query or accountId and refuses username (GDPR strict mode)', async () => {
    const kit = createRestTestKit();
    expect((await kit.site('alice', '/rest/api/3/user/search')).status).toBe(400);
    const username = await kit.site('alice', '/rest/api/3/user/search?username=bob');
    expect(username.status).toBe(400);
    expect(await username.json()).toEqual({
      errorMessages: ["'username' is not supported in GDPR strict mode."],
      errors: {},
    });
  });

  it('finds active users by prefix, and nothing for anonymous callers', async () => {
    const kit = createRestTestKit();
    const found = await readArray(await kit.site('alice', '/rest/api/3/user/search?query=bob'));
    expect(pluck(found, 'accountId')).toEqual([kit.bob.id]);
    expect(found[0]).not.toHaveProperty('name');
    expect(await readArray(await kit.anonymous('/rest/api/3/user/search?query=bob'))).toEqual([]);
  });

  it('never returns matches past the 1000th', async () => {
    const kit = createRestTestKit();
    const permissions = createStandardPermissions();
    for (let i = 0; i < 1200; i++) {
      const id = `zz${String(i).padStart(22, '0')}`;
      kit.acme.users.set(id, {
        id,
        username: `zed${i}`,
        emailAddress: `zed${i}@example.test`,
        displayName: `Zed Tester ${i}`,
        active: true,
        accountType: 'atlassian',
        timeZone: 'UTC',
        locale: 'en_US',
        groups: [],
      });
      kit.acme.permissions.set(id, permissions);
    }
    const page = await readArray(
      await kit.site('alice', '/rest/api/3/user/search?query=zed&startAt=900&maxResults=1000'),
    );
    expect(page).toHaveLength(100);
    const beyond = await readArray(
      await kit.site('alice', '/rest/api/3/user/search?query=zed&startAt=1000'),
    );
    expect(beyond).toEqual([]);
  });
});

describe('assignable users', () => {
  it('requires a project or issue and lists assignable users of it', async () => {
    const kit = createRestTestKit();
    expect((await kit.site('alice', '/rest/api/3/user/assignable/search')).status).toBe(400);
    const users = await readArray(
      await kit.site('alice', '/rest/api/3/user/assignable/search?project=TB&query=alice'),
    );
    expect(pluck(users, 'accountId')).toEqual([kit.alice.id]);
    const missing = await kit.site('alice', '/rest/api/3/user/assignable/search?issueKey=TB-999');
    expect(missing.status).toBe(404);
  });

  it('uses username on Data Center', async () => {
    const kit = createRestTestKit();
    const users = await readArray(
      await kit.dc('admin', '/rest/api/2/user/assignable/search?project=TB&username=dave'),
    );
    expect(pluck(users, 'name')).toEqual(['dave']);
    expect((await kit.dc('admin', '/rest/api/2/user/search')).status).toBe(400);
  });
});

describe('mypermissions', () => {
  it("requires the permissions parameter on Cloud with Jira's message", async () => {
    const kit = createRestTestKit();
    const res = await kit.site('alice', '/rest/api/3/mypermissions');
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      errorMessages: ["The 'permissions' query parameter is required."],
      errors: {},
    });
  });

  it('tells the limited user which project permissions are missing', async () => {
    const kit = createRestTestKit();
    const res = await kit.site(
      'bob',
      '/rest/api/3/mypermissions?projectKey=TB&permissions=BROWSE_PROJECTS,LINK_ISSUES,ASSIGN_ISSUES',
    );
    expect(res.status).toBe(200);
    const { permissions } = await readObject(res);
    expect(permissions).toMatchObject({
      BROWSE_PROJECTS: { id: '10', type: 'PROJECT', havePermission: true },
      LINK_ISSUES: { id: '21', havePermission: false },
      ASSIGN_ISSUES: { havePermission: false },
    });
  });

  it('answers per project: Bob may create issues in TB but not in WEB, Dave not in DCP', async () => {
    const kit = createRestTestKit();
    const held = async (res: Response) =>
      ((await readObject(res)).permissions as Record<string, { havePermission: boolean }>)
        .CREATE_ISSUES?.havePermission;
    const ask = (key: string) =>
      `/rest/api/3/mypermissions?projectKey=${key}&permissions=CREATE_ISSUES`;
    expect(await held(await kit.site('bob', ask('TB')))).toBe(true);
    expect(await held(await kit.site('bob', ask('WEB')))).toBe(false);
    expect(
      await held(await kit.site('bob', '/rest/api/3/mypermissions?permissions=CREATE_ISSUES')),
    ).toBe(true);
    expect(await held(await kit.site('alice', ask('WEB')))).toBe(true);
    const dc = (key: string) =>
      `/rest/api/2/mypermissions?projectKey=${key}&permissions=CREATE_ISSUES`;
    expect(await held(await kit.dc('dave', dc('TB')))).toBe(true);
    expect(await held(await kit.dc('dave', dc('DCP')))).toBe(false);
  });

  it('refuses an unknown permission key and an unknown project', async () => {
    const kit = createRestTestKit();
    expect((await kit.site('alice', '/rest/api/3/mypermissions?permissions=FLY')).status).toBe(400);
    const project = await kit.site(
      'alice',
      '/rest/api/3/mypermissions?permissions=BROWSE_PROJECTS&projectKey=NOPE',
    );
    expect(project.status).toBe(404);
  });

  it('answers without the parameter on Data Center', async () => {
    const kit = createRestTestKit();
    const res = await kit.dc('dave', '/rest/api/2/mypermissions?projectKey=TB');
    expect(res.status).toBe(200);
    const { permissions } = await readObject(res);
    expect(permissions).toMatchObject({
      LINK_ISSUES: { havePermission: false },
      EDIT_ISSUES: { havePermission: true },
    });
  });
});
