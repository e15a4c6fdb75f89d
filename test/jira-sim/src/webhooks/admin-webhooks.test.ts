import { createHmac, timingSafeEqual } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createFixedClock } from '../core/clock.ts';
import { adf, createRestTestKit, jsonInit, readObject } from '../rest/test-kit.ts';
import { must } from '../testing.ts';
import { updateProject } from '../world/project-changes.ts';
import { findProject, listProjectVersions } from '../world/read.ts';
import { releaseVersion } from '../world/version-changes.ts';
import { createReceiver } from './test-receiver.ts';

const HOOK = {
  name: 'Testbridge',
  url: 'https://testbridge.test/jira/admin-hook',
  events: ['jira:issue_created', 'comment_created', 'jira:version_released'],
  filters: { 'issue-related-events-section': 'project = TB' },
  excludeBody: false,
  secret: 'whsec-test',
};

function setup() {
  const receiver = createReceiver();
  const kit = createRestTestKit({ clock: createFixedClock(), fetch: receiver.fetch });
  return { receiver, kit };
}

function verifyHubSignature(secret: string, body: string, header: string | null): boolean {
  const [method, hex] = (header ?? '').split('=');
  if (method !== 'sha256' || !hex) return false;
  const expected = createHmac('sha256', secret).update(body).digest();
  const given = Buffer.from(hex, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

describe('admin webhooks (Cloud site URL)', () => {
  it('registers for a site admin (201, secret never shown) and refuses other users and OAuth tokens', async () => {
    const { kit } = setup();
    const res = await kit.site('alice', '/rest/webhooks/1.0/webhook', jsonInit('POST', HOOK));
    expect(res.status).toBe(201);
    const hook = await readObject(res);
    expect(hook).toMatchObject({
      name: 'Testbridge',
      url: HOOK.url,
      events: HOOK.events,
      filters: HOOK.filters,
      enabled: true,
      lastUpdatedUser: kit.alice.id,
    });
    expect(hook).not.toHaveProperty('secret');
    expect(String(hook.self)).toMatch(/\/cloud\/acme\/rest\/webhooks\/1\.0\/webhook\/\d+$/);
    expect(
      (await kit.site('bob', '/rest/webhooks/1.0/webhook', jsonInit('POST', HOOK))).status,
    ).toBe(403);
    const oauth = await kit.gateway(
      kit.tokenFor(['manage:jira-webhook', 'read:jira-work']),
      '/rest/webhooks/1.0/webhook',
      jsonInit('POST', HOOK),
    );
    expect(oauth.status).toBe(401);
  });

  it('refuses unknown events, bad JQL and a missing url with field errors', async () => {
    const { kit } = setup();
    const res = await kit.site(
      'alice',
      '/rest/webhooks/1.0/webhook',
      jsonInit('POST', {
        ...HOOK,
        url: undefined,
        events: ['jira:issue_exploded'],
        filters: { 'issue-related-events-section': 'colour = red' },
      }),
    );
    expect(res.status).toBe(400);
    const body = await readObject(res);
    expect(body.errors).toEqual({
      events: "Unknown event 'jira:issue_exploded'.",
      filters: "Field 'colour' does not exist or you do not have permission to view it.",
      url: expect.any(String),
    });
  });

  it('delivers matching issue events with an X-Hub-Signature over the raw body', async () => {
    const { receiver, kit } = setup();
    await kit.site('alice', '/rest/webhooks/1.0/webhook', jsonInit('POST', HOOK));
    for (const project of ['WEB', 'TB'])
      await kit.site(
        'alice',
        '/rest/api/3/issue',
        jsonInit('POST', {
          fields: { project: { key: project }, issuetype: { name: 'Task' }, summary: 'x' },
        }),
      );
    await kit.site(
      'alice',
      '/rest/api/3/issue/TB-1/comment',
      jsonInit('POST', { body: adf('Retest passed') }),
    );
    await kit.sim.webhooks.flush();
    expect(receiver.received.map((r) => r.json.webhookEvent)).toEqual([
      'jira:issue_created',
      'comment_created',
    ]);
    for (const delivery of receiver.received) {
      expect(
        verifyHubSignature(HOOK.secret, delivery.body, delivery.headers.get('x-hub-signature')),
      ).toBe(true);
      expect(
        verifyHubSignature('wrong', delivery.body, delivery.headers.get('x-hub-signature')),
      ).toBe(false);
      expect(delivery.headers.has('authorization')).toBe(false);
    }
    expect(receiver.received[1]?.json).toMatchObject({
      comment: { body: 'Retest passed', author: { accountId: kit.alice.id } },
      issue: { key: 'TB-1' },
    });
  });

  it('delivers version events and sends no signature without a secret', async () => {
    const { receiver, kit } = setup();
    await kit.site(
      'alice',
      '/rest/webhooks/1.0/webhook',
      jsonInit('POST', { ...HOOK, secret: undefined }),
    );
    const tb = must(findProject(kit.acme, 'TB'));
    const unreleased = must(listProjectVersions(kit.acme, tb.id).find((v) => !v.released));
    releaseVersion(kit.sim.world, kit.acme, unreleased.id, true, kit.alice);
    await kit.sim.webhooks.flush();
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]?.headers.has('x-hub-signature')).toBe(false);
    expect(receiver.received[0]?.json).toMatchObject({
      webhookEvent: 'jira:version_released',
      timestamp: kit.sim.clock.now(),
      version: { id: unreleased.id, name: unreleased.name, released: true },
    });
  });

  it('delivers project, issue deletion and link deletion events', async () => {
    const { receiver, kit } = setup();
    const events = [
      'project_updated',
      'jira:issue_deleted',
      'issuelink_deleted',
      'issuelink_created',
    ];
    await kit.site('alice', '/rest/webhooks/1.0/webhook', jsonInit('POST', { ...HOOK, events }));
    const tb = must(findProject(kit.acme, 'TB'));
    updateProject(kit.sim.world, kit.acme, tb.id, { name: 'Testbridge Renamed' }, kit.alice);
    const link = {
      type: { name: 'Relates' },
      inwardIssue: { key: 'TB-4' },
      outwardIssue: { key: 'TB-5' },
    };
    const created = await kit.site('alice', '/rest/api/3/issueLink', jsonInit('POST', link));
    const linkId = created.headers.get('location')?.split('/').at(-1) ?? '';
    await kit.site('alice', `/rest/api/3/issueLink/${linkId}`, { method: 'DELETE' });
    await kit.site('alice', '/rest/api/3/issue/TB-6', { method: 'DELETE' });
    await kit.sim.webhooks.flush();
    expect(receiver.received.map((r) => r.json.webhookEvent)).toEqual([
      'project_updated',
      'issuelink_created',
      'issuelink_deleted',
      'jira:issue_deleted',
    ]);
    expect(receiver.received[0]?.json).toMatchObject({
      project: { key: 'TB', name: 'Testbridge Renamed' },
    });
    expect(receiver.received[3]?.json).toMatchObject({
      issue: { key: 'TB-6' },
      user: { accountId: kit.alice.id },
    });
  });

  it('lists, updates and deletes admin webhooks', async () => {
    const { kit } = setup();
    const created = await readObject(
      await kit.site('alice', '/rest/webhooks/1.0/webhook', jsonInit('POST', HOOK)),
    );
    const id = String(created.self).split('/').at(-1) ?? '';
    const path = `/rest/webhooks/1.0/webhook/${id}`;
    const updated = await kit.site('alice', path, jsonInit('PUT', { enabled: false }));
    expect(await readObject(updated)).toMatchObject({ enabled: false, name: 'Testbridge' });
    expect((await kit.site('alice', path, { method: 'DELETE' })).status).toBe(204);
    expect((await kit.site('alice', path)).status).toBe(404);
  });
});

describe('admin webhooks (Data Center)', () => {
  it('registers for a Jira administrator only and delivers with DC user names', async () => {
    const { receiver, kit } = setup();
    const body = { ...HOOK, events: ['comment_created'] };
    expect(
      (await kit.dc('dave', '/rest/webhooks/1.0/webhook', jsonInit('POST', body))).status,
    ).toBe(403);
    expect(
      (await kit.dc('admin', '/rest/webhooks/1.0/webhook', jsonInit('POST', body))).status,
    ).toBe(201);
    await kit.dc(
      'dave',
      '/rest/api/2/issue/TB-1/comment',
      jsonInit('POST', { body: 'Seen on build 7' }),
    );
    await kit.sim.webhooks.flush();
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]?.json).toMatchObject({
      webhookEvent: 'comment_created',
      comment: { body: 'Seen on build 7', author: { name: 'dave' } },
    });
  });
});
