import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createFixedClock } from '../core/clock.ts';
import { adf, createRestTestKit, jsonInit } from '../rest/test-kit.ts';
import { createReceiver } from './test-receiver.ts';

/** A recorded Jira payload from `fixtures/webhook-payloads/` (jira-to-matrix's recordings). */
function recorded(name: string): Record<string, unknown> {
  const url = new URL(`../../fixtures/webhook-payloads/${name}.json`, import.meta.url);
  return z.record(z.string(), z.unknown()).parse(JSON.parse(readFileSync(url, 'utf8')));
}

const objectOf = (value: unknown) => z.record(z.string(), z.unknown()).parse(value);
const keysOf = (value: unknown) => Object.keys(objectOf(value)).sort();

/** Issue fields every recorded issue payload carries and the simulator models. */
const CORE_FIELDS = [
  'assignee',
  'created',
  'description',
  'issuelinks',
  'issuetype',
  'priority',
  'project',
  'reporter',
  'resolution',
  'status',
  'summary',
  'updated',
];

async function captureAll() {
  const receiver = createReceiver();
  const kit = createRestTestKit({ clock: createFixedClock(), fetch: receiver.fetch });
  const hook = {
    name: 'all',
    url: 'https://testbridge.test/all',
    events: [
      'jira:issue_created',
      'jira:issue_updated',
      'comment_created',
      'comment_updated',
      'comment_deleted',
      'issuelink_created',
      'issuelink_deleted',
    ],
  };
  await kit.site('alice', '/rest/webhooks/1.0/webhook', jsonInit('POST', hook));
  await kit.site(
    'alice',
    '/rest/api/3/issue',
    jsonInit('POST', {
      fields: { project: { key: 'TB' }, issuetype: { name: 'Bug' }, summary: 'New' },
    }),
  );
  await kit.site(
    'alice',
    '/rest/api/3/issue/TB-1/transitions',
    jsonInit('POST', { transition: { id: '21' } }),
  );
  await kit.site(
    'alice',
    '/rest/api/3/issue/TB-2',
    jsonInit('PUT', { fields: { assignee: { accountId: kit.alice.id } } }),
  );
  await kit.site(
    'alice',
    '/rest/api/3/issue/TB-3/comment',
    jsonInit('POST', { body: adf('first') }),
  );
  await kit.site(
    'alice',
    '/rest/api/3/issueLink',
    jsonInit('POST', {
      type: { name: 'Blocks' },
      inwardIssue: { key: 'TB-1' },
      outwardIssue: { key: 'TB-2' },
    }),
  );
  await kit.sim.webhooks.flush();
  const byType = (event: string, typeName?: string) =>
    receiver.received
      .map((r) => r.json)
      .find(
        (json) =>
          json.webhookEvent === event &&
          (typeName === undefined || json.issue_event_type_name === typeName),
      );
  return { byType };
}

describe('webhook payloads match recorded Jira payloads', () => {
  it('carries every top-level key and core issue field of the recorded issue events', async () => {
    const { byType } = await captureAll();
    const cases: [string, Record<string, unknown> | undefined][] = [
      ['issue_created', byType('jira:issue_created')],
      ['issue_updated_status-changed', byType('jira:issue_updated', 'issue_generic')],
      ['issue_updated_issue-assigned', byType('jira:issue_updated', 'issue_assigned')],
    ];
    for (const [name, ours] of cases) {
      const theirs = recorded(name);
      // The recorded issue_created carries a changelog for an Epic Link custom field (not simulated).
      const expected = keysOf(theirs).filter(
        (k) => !(name === 'issue_created' && k === 'changelog'),
      );
      expect(keysOf(ours)).toEqual(expect.arrayContaining([...expected, 'timestamp']));
      expect(typeof ours?.timestamp).toBe('number');
      expect(keysOf(objectOf(ours?.issue).fields)).toEqual(expect.arrayContaining(CORE_FIELDS));
      expect(keysOf(objectOf(theirs.issue).fields)).toEqual(expect.arrayContaining(CORE_FIELDS));
    }
    expect(byType('jira:issue_updated', 'issue_generic')?.changelog).toMatchObject({
      items: [
        {
          field: 'status',
          fieldtype: 'jira',
          fieldId: 'status',
          fromString: expect.any(String),
          toString: 'In Progress',
        },
      ],
    });
  });

  it('shapes comment and issue-link events like the recordings', async () => {
    const { byType } = await captureAll();
    const comment = byType('comment_created');
    expect(keysOf(comment)).toEqual(['comment', 'issue', 'timestamp', 'webhookEvent']);
    expect(keysOf(comment?.comment)).toEqual(
      expect.arrayContaining(
        keysOf(recorded('comment_updated').comment).filter((k) => k !== 'visibility'),
      ),
    );
    const link = byType('issuelink_created');
    expect(keysOf(link?.issueLink)).toEqual(keysOf(recorded('issuelink_created').issueLink));
    expect(keysOf(objectOf(link?.issueLink).issueLinkType)).toEqual(
      keysOf(objectOf(recorded('issuelink_created').issueLink).issueLinkType),
    );
  });
});
