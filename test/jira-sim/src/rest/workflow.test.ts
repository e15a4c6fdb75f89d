import { describe, expect, it } from 'vitest';
import { must } from '../testing.ts';
import type { WorldChange } from '../world/events.ts';
import { createStandardPermissions } from '../world/permissions.ts';
import { findIssue } from '../world/read.ts';
import { setUserPermissions } from '../world/version-changes.ts';
import { adf, createRestTestKit, jsonInit, pluck, readObject } from './test-kit.ts';

describe('transitions', () => {
  it('lists the available transitions and performs one with 204', async () => {
    const kit = createRestTestKit();
    const list = await readObject(await kit.site('alice', '/rest/api/3/issue/TB-1/transitions'));
    expect(pluck(list.transitions, 'id')).toEqual(['11', '21', '31']);
    const changes: WorldChange[] = [];
    kit.sim.onWorldChange((change) => changes.push(change));
    const res = await kit.site(
      'alice',
      '/rest/api/3/issue/TB-1/transitions',
      jsonInit('POST', {
        transition: { id: 31 },
        update: { comment: [{ add: { body: adf('Done') } }] },
      }),
    );
    expect(res.status).toBe(204);
    expect(must(findIssue(kit.acme, 'TB-1')).statusId).toBe('10001');
    expect(changes.map((c) => c.type)).toContain('comment_created');
  });

  it('rejects an unknown id, a non-integer id and fields the transition has no screen for', async () => {
    const kit = createRestTestKit();
    const post = (body: unknown) =>
      kit.site('alice', '/rest/api/3/issue/TB-1/transitions', jsonInit('POST', body));
    const unknown = await post({ transition: { id: '999' } });
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({
      errorMessages: ["Transition id '999' is not valid for this issue."],
      errors: {},
    });
    const word = await post({ transition: { id: 'done' } });
    expect(await word.json()).toEqual({
      errorMessages: ["'transition' identifier must be an integer"],
      errors: {},
    });
    const fields = await post({
      transition: { id: '31' },
      fields: { resolution: { name: 'Done' } },
    });
    expect(fields.status).toBe(400);
  });

  it('offers no transitions to a user without Transition issues', async () => {
    const kit = createRestTestKit();
    const noTransition = createStandardPermissions();
    noTransition.project.delete('TRANSITION_ISSUES');
    setUserPermissions(kit.acme, kit.bob.id, noTransition);
    const list = await readObject(await kit.site('bob', '/rest/api/3/issue/TB-1/transitions'));
    expect(list.transitions).toEqual([]);
    const res = await kit.site(
      'bob',
      '/rest/api/3/issue/TB-1/transitions',
      jsonInit('POST', { transition: { id: '21' } }),
    );
    expect(res.status).toBe(400);
  });
});

describe('comments', () => {
  it('adds an ADF comment on v3 (201) and pages the comments', async () => {
    const kit = createRestTestKit();
    const path = '/rest/api/3/issue/TB-1/comment';
    for (const text of ['one', 'two', 'three']) {
      const res = await kit.site('alice', path, jsonInit('POST', { body: adf(text) }));
      expect(res.status).toBe(201);
    }
    const page = await readObject(await kit.site('alice', `${path}?startAt=1&maxResults=1`));
    expect(page).toMatchObject({ startAt: 1, maxResults: 1, total: 3 });
    expect(pluck(page.comments, 'body')).toEqual([adf('two')]);
    expect((await kit.site('alice', `${path}?orderBy=author`)).status).toBe(400);
  });

  it('refuses a plain-string comment body on v3 but takes it on v2 and Data Center', async () => {
    const kit = createRestTestKit();
    const v3 = await kit.site(
      'alice',
      '/rest/api/3/issue/TB-1/comment',
      jsonInit('POST', { body: 'plain' }),
    );
    expect(v3.status).toBe(400);
    expect(await v3.json()).toEqual({
      errorMessages: [],
      errors: { comment: 'Comment body is not valid!' },
    });
    expect(
      (
        await kit.site(
          'alice',
          '/rest/api/2/issue/TB-1/comment',
          jsonInit('POST', { body: 'plain' }),
        )
      ).status,
    ).toBe(201);
    expect(
      (await kit.dc('dave', '/rest/api/2/issue/TB-1/comment', jsonInit('POST', { body: 'plain' })))
        .status,
    ).toBe(201);
  });

  it("edits your own comment (200) but not someone else's, and deletes with 204", async () => {
    const kit = createRestTestKit();
    const path = '/rest/api/2/issue/TB-1/comment';
    const created = await readObject(
      await kit.site('alice', path, jsonInit('POST', { body: 'mine' })),
    );
    const one = `${path}/${String(created.id)}`;
    const edited = await kit.site('alice', one, jsonInit('PUT', { body: 'edited' }));
    expect(edited.status).toBe(200);
    expect(await readObject(edited)).toMatchObject({ body: 'edited' });
    expect((await kit.site('bob', one, jsonInit('PUT', { body: 'hijack' }))).status).toBe(400);
    expect((await kit.site('bob', one, { method: 'DELETE' })).status).toBe(400);
    expect((await kit.site('alice', one, { method: 'DELETE' })).status).toBe(204);
    expect((await kit.site('alice', one)).status).toBe(404);
  });
});
