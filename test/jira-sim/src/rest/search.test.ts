import { describe, expect, it } from 'vitest';
import { createFixedClock } from '../core/clock.ts';
import { must } from '../testing.ts';
import { createStandardPermissions } from '../world/permissions.ts';
import { findProject } from '../world/read.ts';
import { setUserPermissions } from '../world/version-changes.ts';
import { SEARCH_REMOVED } from './search.ts';
import { createRestTestKit, jsonInit, pluck, readObject } from './test-kit.ts';

const search = (jql: string, extra = '') =>
  `/rest/api/3/search/jql?jql=${encodeURIComponent(jql)}${extra}`;

describe('search/jql', () => {
  it('pages with nextPageToken until isLast, without a token on the last page', async () => {
    const kit = createRestTestKit();
    const keys: unknown[] = [];
    let token: unknown;
    let pages = 0;
    do {
      const extra = `&maxResults=15&fields=key${typeof token === 'string' ? `&nextPageToken=${token}` : ''}`;
      const res = await kit.site('alice', search('project = TB ORDER BY key ASC', extra));
      expect(res.status).toBe(200);
      const page = await readObject(res);
      keys.push(...pluck(page.issues, 'key'));
      token = page.nextPageToken;
      expect(page.isLast).toBe(token === undefined);
      pages += 1;
    } while (token !== undefined);
    expect(pages).toBe(3);
    expect(keys).toHaveLength(40);
    expect(keys[0]).toBe('TB-1');
    expect(keys[39]).toBe('TB-40');
  });

  it('refuses a token issued for other JQL and an expired token', async () => {
    const clock = createFixedClock();
    const kit = createRestTestKit({ clock });
    const first = await readObject(
      await kit.site('alice', search('project = TB', '&maxResults=5')),
    );
    const token = String(first.nextPageToken);
    const other = await kit.site('alice', search('project = WEB', `&nextPageToken=${token}`));
    expect(other.status).toBe(400);
    clock.advance(7 * 24 * 3_600_000 + 1);
    const expired = await kit.site('alice', search('project = TB', `&nextPageToken=${token}`));
    expect(expired.status).toBe(400);
    expect(await expired.json()).toMatchObject({ errorMessages: [expect.any(String)], errors: {} });
  });

  it('returns only issue ids by default', async () => {
    const kit = createRestTestKit();
    const page = await readObject(await kit.site('alice', search('key in (TB-1, TB-2)')));
    expect(page.issues).toEqual([{ id: expect.any(String) }, { id: expect.any(String) }]);
  });

  it('filters by issuetype, status and updated, and orders by key', async () => {
    const kit = createRestTestKit();
    const jql =
      'project = TB AND issuetype in (Bug, Task) AND status != Done AND updated >= "2025-01-01" ORDER BY key DESC';
    const page = await readObject(await kit.site('alice', search(jql, '&fields=issuetype,status')));
    const issues = page.issues;
    const names = pluck(pluck(issues, 'fields'), 'issuetype').map((t) => JSON.stringify(t));
    expect(names.every((n) => n.includes('"Bug"') || n.includes('"Task"'))).toBe(true);
    const keys = pluck(issues, 'key').map(String);
    expect(keys.length).toBeGreaterThan(0);
    expect([...keys].sort((a, b) => Number(b.slice(3)) - Number(a.slice(3)))).toEqual(keys);
  });

  it('refuses unbounded JQL as Jira Cloud does', async () => {
    const kit = createRestTestKit();
    const res = await kit.site('alice', search('ORDER BY key'));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      errorMessages: [
        'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.',
      ],
      errors: {},
    });
  });

  it("answers unknown fields, values and syntax errors with Jira's 400", async () => {
    const kit = createRestTestKit();
    const cases: [string, string][] = [
      ['colour = red', "Field 'colour' does not exist or you do not have permission to view it."],
      ['project = NOPE', "The value 'NOPE' does not exist for the field 'project'."],
      ['project = TB AND (status = Done', "Error in the JQL Query: Expecting ')'"],
    ];
    for (const [jql, message] of cases) {
      const res = await kit.site('alice', search(jql));
      expect(res.status).toBe(400);
      const body = await readObject(res);
      expect(String(pluck([body], 'errorMessages')[0])).toContain(message);
    }
  });

  it('hides projects the caller cannot browse, even by name', async () => {
    const kit = createRestTestKit();
    const ops = must(findProject(kit.acme, 'OPS'));
    const restricted = createStandardPermissions();
    restricted.byProject.set(ops.id, new Set());
    setUserPermissions(kit.acme, kit.bob.id, restricted);
    const res = await kit.site('bob', search('project = OPS'));
    expect(res.status).toBe(400);
  });

  it('takes the same search as a POST body and refuses unknown body properties', async () => {
    const kit = createRestTestKit();
    const ok = await kit.site(
      'alice',
      '/rest/api/3/search/jql',
      jsonInit('POST', { jql: 'project = TB', maxResults: 2, fields: ['summary'] }),
    );
    expect(ok.status).toBe(200);
    expect(pluck((await readObject(ok)).issues, 'fields')).toHaveLength(2);
    const bad = await kit.site(
      'alice',
      '/rest/api/3/search/jql',
      jsonInit('POST', { jql: 'project = TB', startAt: 10 }),
    );
    expect(bad.status).toBe(400);
  });

  it('counts approximately', async () => {
    const kit = createRestTestKit();
    const res = await kit.site(
      'alice',
      '/rest/api/3/search/approximate-count',
      jsonInit('POST', { jql: 'project = WEB' }),
    );
    expect(await res.json()).toEqual({ count: 40 });
  });
});

describe('removed search endpoints', () => {
  it('answers GET and POST /search on v2 and v3 with 410 Gone and the migration message', async () => {
    const kit = createRestTestKit();
    for (const version of ['2', '3']) {
      const get = await kit.site('alice', `/rest/api/${version}/search?jql=project%3DTB`);
      expect(get.status).toBe(410);
      expect(await get.json()).toEqual(SEARCH_REMOVED);
      const post = await kit.site(
        'alice',
        `/rest/api/${version}/search`,
        jsonInit('POST', { jql: 'project = TB' }),
      );
      expect(post.status).toBe(410);
    }
  });

  it('keeps /rest/api/2/search with startAt paging on Data Center, which has no search/jql', async () => {
    const kit = createRestTestKit();
    const res = await kit.dc(
      'admin',
      '/rest/api/2/search?jql=project%3DTB&startAt=35&maxResults=10',
    );
    expect(res.status).toBe(200);
    const page = await readObject(res);
    expect(page).toMatchObject({ startAt: 35, maxResults: 10, total: 40 });
    expect(pluck(page.issues, 'key')).toHaveLength(5);
    expect((await kit.dc('admin', '/rest/api/2/search/jql?jql=project%3DTB')).status).toBe(404);
  });
});
