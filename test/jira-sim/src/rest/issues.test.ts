import { describe, expect, it } from 'vitest';
import { must } from '../testing.ts';
import type { WorldChange } from '../world/events.ts';
import { createStandardPermissions } from '../world/permissions.ts';
import { findIssue, findProject } from '../world/read.ts';
import { setUserPermissions } from '../world/version-changes.ts';
import { adf, createRestTestKit, jsonInit, readObject } from './test-kit.ts';

const NOT_VISIBLE = {
  errorMessages: ['Issue does not exist or you do not have permission to see it.'],
  errors: {},
};

function newIssue(extra: Record<string, unknown> = {}) {
  return {
    fields: {
      project: { key: 'TB' },
      issuetype: { name: 'Bug' },
      summary: 'Login fails',
      ...extra,
    },
  };
}

describe('get issue', () => {
  it('returns the issue with its fields on v3 and on the gateway', async () => {
    const kit = createRestTestKit();
    const res = await kit.site('alice', '/rest/api/3/issue/TB-1');
    expect(res.status).toBe(200);
    const issue = await readObject(res);
    expect(issue).toMatchObject({
      key: 'TB-1',
      self: expect.stringContaining('/cloud/acme/rest/api/3/issue/'),
    });
    expect(issue.fields).toMatchObject({
      project: { key: 'TB' },
      status: { statusCategory: { key: expect.any(String) } },
    });
    const token = kit.tokenFor(['read:jira-work']);
    expect((await kit.gateway(token, '/rest/api/3/issue/TB-1?fields=summary')).status).toBe(200);
  });

  it('answers a missing issue and an issue the caller may not browse with the same 404', async () => {
    const kit = createRestTestKit();
    const missing = await kit.site('alice', '/rest/api/3/issue/TB-999');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual(NOT_VISIBLE);
    const ops = must(findProject(kit.acme, 'OPS'));
    const noBrowse = createStandardPermissions();
    noBrowse.byProject.set(ops.id, new Set(['CREATE_ISSUES']));
    setUserPermissions(kit.acme, kit.bob.id, noBrowse);
    const hidden = await kit.site('bob', '/rest/api/3/issue/OPS-1');
    expect(hidden.status).toBe(404);
    expect(await hidden.json()).toEqual(NOT_VISIBLE);
    expect((await kit.site('bob', '/rest/api/3/issue/TB-1')).status).toBe(200);
  });
});

describe('create issue', () => {
  it('creates an issue from an ADF description on v3 and emits issue_created', async () => {
    const kit = createRestTestKit();
    const changes: WorldChange[] = [];
    kit.sim.onWorldChange((change) => changes.push(change));
    const res = await kit.site(
      'alice',
      '/rest/api/3/issue',
      jsonInit('POST', newIssue({ description: adf('Steps to reproduce') })),
    );
    expect(res.status).toBe(201);
    const created = await readObject(res);
    expect(created).toEqual({
      id: expect.any(String),
      key: 'TB-41',
      self: `http://jira-sim.test/cloud/acme/rest/api/3/issue/${String(created.id)}`,
    });
    expect(changes.map((c) => c.type)).toEqual(['issue_created']);
    expect(must(findIssue(kit.acme, 'TB-41')).reporterId).toBe(kit.alice.id);
  });

  it('rejects a plain-string description on v3 but takes one on v2', async () => {
    const kit = createRestTestKit();
    const v3 = await kit.site(
      'alice',
      '/rest/api/3/issue',
      jsonInit('POST', newIssue({ description: 'plain' })),
    );
    expect(v3.status).toBe(400);
    expect(await v3.json()).toEqual({
      errorMessages: [],
      errors: {
        description:
          'Operation value must be an Atlassian Document (see the Atlassian Document Format)',
      },
    });
    const v2 = await kit.site(
      'alice',
      '/rest/api/2/issue',
      jsonInit('POST', newIssue({ description: 'plain' })),
    );
    expect(v2.status).toBe(201);
  });

  it('rejects an unknown field with "cannot be set"', async () => {
    const kit = createRestTestKit();
    const res = await kit.site(
      'alice',
      '/rest/api/3/issue',
      jsonInit('POST', newIssue({ customfield_10099: 'x' })),
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      errorMessages: [],
      errors: {
        customfield_10099:
          "Field 'customfield_10099' cannot be set. It is not on the appropriate screen, or unknown.",
      },
    });
  });

  it('reports every missing required field at once', async () => {
    const kit = createRestTestKit();
    const res = await kit.site('alice', '/rest/api/3/issue', jsonInit('POST', { fields: {} }));
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      errorMessages: [],
      errors: {
        summary: 'You must specify a summary of the issue.',
        issuetype: 'Specify an issue type',
        project: 'Specify a valid project ID or key',
      },
    });
  });

  it('refuses a body that does not match the schema with "Invalid request payload"', async () => {
    const kit = createRestTestKit();
    for (const body of ['{not json', JSON.stringify({ fields: 'x' })]) {
      const res = await kit.site('alice', '/rest/api/3/issue', jsonInit('POST', body));
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({
        errorMessages: [
          'Invalid request payload. Refer to the REST API documentation and try again.',
        ],
        errors: {},
      });
    }
  });

  it('lets a user without Assign issues not set the assignee', async () => {
    const kit = createRestTestKit();
    const body = newIssue({ assignee: { accountId: kit.alice.id } });
    const bob = await kit.site('bob', '/rest/api/3/issue', jsonInit('POST', body));
    expect(bob.status).toBe(400);
    expect(await bob.json()).toEqual({
      errorMessages: [],
      errors: {
        assignee:
          "Field 'assignee' cannot be set. It is not on the appropriate screen, or unknown.",
      },
    });
    const alice = await kit.site('alice', '/rest/api/3/issue', jsonInit('POST', body));
    expect(alice.status).toBe(201);
  });

  it('needs write:jira-work on a 3LO token', async () => {
    const kit = createRestTestKit();
    const read = await kit.gateway(
      kit.tokenFor(['read:jira-work']),
      '/rest/api/3/issue',
      jsonInit('POST', newIssue()),
    );
    expect(read.status).toBe(401);
    expect(await read.json()).toEqual({ code: 401, message: 'Unauthorized; scope does not match' });
    const write = await kit.gateway(
      kit.tokenFor(['write:jira-work']),
      '/rest/api/3/issue',
      jsonInit('POST', newIssue()),
    );
    expect(write.status).toBe(201);
  });

  it('takes wiki strings on Data Center and refuses ADF there', async () => {
    const kit = createRestTestKit();
    const ok = await kit.dc(
      'admin',
      '/rest/api/2/issue',
      jsonInit('POST', newIssue({ description: 'h1. Steps' })),
    );
    expect(ok.status).toBe(201);
    const res = await kit.dc(
      'admin',
      '/rest/api/2/issue',
      jsonInit('POST', newIssue({ description: adf('x') })),
    );
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      errorMessages: [],
      errors: { description: 'Operation value must be a string' },
    });
  });
});

describe('edit and delete issue', () => {
  it('edits fields with 204 and records a changelog', async () => {
    const kit = createRestTestKit();
    const changes: WorldChange[] = [];
    kit.sim.onWorldChange((change) => changes.push(change));
    const res = await kit.site(
      'alice',
      '/rest/api/3/issue/TB-2',
      jsonInit('PUT', { fields: { summary: 'Renamed' }, update: { labels: [{ add: 'triaged' }] } }),
    );
    expect(res.status).toBe(204);
    const change = changes[0];
    expect(change?.type === 'issue_updated' && change.changelog.map((i) => i.field)).toEqual([
      'summary',
      'labels',
    ]);
    expect(must(findIssue(kit.acme, 'TB-2')).labels).toContain('triaged');
  });

  it('refuses a field set in both fields and update, and an unknown transition', async () => {
    const kit = createRestTestKit();
    const both = await kit.site(
      'alice',
      '/rest/api/3/issue/TB-2',
      jsonInit('PUT', { fields: { summary: 'A' }, update: { summary: [{ set: 'B' }] } }),
    );
    expect(both.status).toBe(400);
    const transition = await kit.site(
      'alice',
      '/rest/api/3/issue/TB-2',
      jsonInit('PUT', { fields: { summary: 'A' }, transition: { id: '999' } }),
    );
    expect(transition.status).toBe(400);
    expect(await transition.json()).toEqual({
      errorMessages: ["Transition id '999' is not valid for this issue."],
      errors: {},
    });
  });

  it('deletes an issue with 204, after which it is gone', async () => {
    const kit = createRestTestKit();
    expect((await kit.site('alice', '/rest/api/3/issue/TB-3', { method: 'DELETE' })).status).toBe(
      204,
    );
    expect((await kit.site('alice', '/rest/api/3/issue/TB-3')).status).toBe(404);
  });
});
