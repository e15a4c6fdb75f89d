import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../testing/index.ts';
import { drainJiraEvents, MAX_EVENT_ATTEMPTS, processJiraEvents } from './process.ts';
import type { JiraEventRow } from './repo.ts';
import { createEventsTestbed, type EventsTestbed, hubSignature } from './testing.ts';

const event = (issueId: string, summary: string, at: number) =>
  JSON.stringify({
    timestamp: at,
    webhookEvent: 'jira:issue_updated',
    issue: { id: issueId, key: `TB-${issueId}`, fields: { summary } },
  });

describe.each(STORE_KINDS)('processing stored events on %s', (kind) => {
  let bed: EventsTestbed;
  let path: string;
  let secret: string;
  const send = async (body: string) => {
    const res = await bed.postDelivery(path, body, {
      'x-hub-signature': hubSignature(secret, body),
    });
    expect(res.status).toBe(202);
  };

  beforeAll(async () => {
    bed = await createEventsTestbed(kind);
    const endpoint = await bed.issueEndpoint();
    path = new URL(endpoint.url).pathname;
    secret = endpoint.secret;
  });
  afterAll(async () => bed.t.cleanup());

  it('processes events of one issue one at a time in arrival order; a failing one holds its issue back, not others', async () => {
    await send(event('501', 'first', 1));
    await send(event('501', 'second', 2));
    await send(event('502', 'other issue', 3));
    const seen: string[] = [];
    let failFirst = true;
    const apply = async (_deps: unknown, row: JiraEventRow) => {
      const summary = (JSON.parse(row.payload) as { issue: { fields: { summary: string } } }).issue
        .fields.summary;
      if (summary === 'first' && failFirst) {
        failFirst = false;
        throw new Error('Jira said 503');
      }
      seen.push(summary);
    };
    const first = await drainJiraEvents(bed.t.deps, { apply });
    expect(first).toEqual({ done: 1, retried: 1, dead: 0 });
    expect(seen).toEqual(['other issue']);
    // Not due before its backoff; then the held-back issue runs in order.
    expect(await drainJiraEvents(bed.t.deps, { apply })).toEqual({ done: 0, retried: 0, dead: 0 });
    bed.t.clock.advance(10_000);
    expect(await drainJiraEvents(bed.t.deps, { apply })).toEqual({ done: 2, retried: 0, dead: 0 });
    expect(seen).toEqual(['other issue', 'first', 'second']);
  });

  it('an event failing every attempt becomes a dead letter and no longer holds its issue back', async () => {
    await send(event('601', 'always fails', 4));
    await send(event('601', 'after it', 5));
    const seen: string[] = [];
    const apply = async (_deps: unknown, row: JiraEventRow) => {
      if (row.payload.includes('always fails')) throw new Error('still broken');
      seen.push(row.id);
    };
    for (let i = 0; i < MAX_EVENT_ATTEMPTS; i++) {
      await drainJiraEvents(bed.t.deps, { apply });
      bed.t.clock.advance(600_000);
    }
    await drainJiraEvents(bed.t.deps, { apply });
    const rows = (await bed.t.deps.store.db.select().from(bed.t.deps.store.tables.jiraEvents))
      .filter((row) => row.orderKey === 'issue:601')
      .map((row) => [row.state, row.attempts]);
    expect(rows).toEqual([
      ['dead', MAX_EVENT_ATTEMPTS],
      ['done', 1],
    ]);
    expect(seen).toHaveLength(1);
  });

  it('opens no write transaction when nothing is due (the idle poll leaves the writer to ingestion)', async () => {
    await drainJiraEvents(bed.t.deps);
    const store = bed.t.deps.store;
    let writes = 0;
    const counted = {
      ...store,
      transaction: ((work) => {
        writes++;
        return store.transaction(work);
      }) as typeof store.transaction,
    };
    const report = await processJiraEvents({ ...bed.t.deps, store: counted });
    expect(report).toEqual({ done: 0, retried: 0, dead: 0 });
    expect(writes).toBe(0);
    await send(event('503', 'due again', 10));
    expect((await processJiraEvents({ ...bed.t.deps, store: counted })).done).toBe(1);
    expect(writes).toBeGreaterThan(0);
  });

  it('an older event never overwrites a newer state', async () => {
    await send(event('701', 'newer', 2000));
    await send(event('701', 'older, delivered late', 1000));
    await drainJiraEvents(bed.t.deps);
    const states = await bed.t.deps.store.db.select().from(bed.t.deps.store.tables.jiraIssueStates);
    expect(states.find((s) => s.issueId === '701')?.summary).toBe('newer');
  });
});
