import { createVersion, moveIssue, updateIssue } from '@testbridge/jira-sim';
import { MappingVersionList } from '@testbridge/shared/api/webhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../testing/index.ts';
import { drainJiraEvents } from './process.ts';
import { reconcileJiraEvents } from './reconcile.ts';
import { createEventsTestbed, type EventsTestbed } from './testing.ts';

describe.each(STORE_KINDS)('reconciliation on %s', (kind) => {
  let bed: EventsTestbed;
  beforeAll(async () => {
    bed = await createEventsTestbed(kind);
    // Manual mode: the admin entered the webhook in Jira by hand.
    const res = await bed.t.app.request(`/api/v1/mappings/${bed.mapping.id}`, {
      method: 'PATCH',
      headers: bed.t.asAdmin({ 'content-type': 'application/json' }),
      body: JSON.stringify({ webhookMode: 'manual' }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    // WEB is mapped too (by hand as well): the issue below moves there.
    const web = await bed.t.app.request('/api/v1/mappings', {
      method: 'POST',
      headers: bed.t.asAdmin({ 'content-type': 'application/json' }),
      body: JSON.stringify({
        toolProject: { key: 'SITE', name: 'Website tests' },
        connectionId: bed.connection.id,
        jiraProjectKey: 'WEB',
        webhookMode: 'manual',
      }),
    });
    expect(web.status, await web.clone().text()).toBe(201);
    const endpoint = await bed.issueEndpoint();
    await bed.registerAdminHook(
      endpoint.url,
      endpoint.secret,
      endpoint.events,
      'project in (TB, WEB)',
    );
    // The first run reads the last day; later runs read from where it stopped.
    await reconcileJiraEvents(bed.t.deps, 'replica-a');
    await drainJiraEvents(bed.t.deps);
  });
  afterAll(async () => bed.t.cleanup());

  it('repairs a deliberately dropped delivery: the moved issue is found by JQL and followed', async () => {
    const run = await bed.createRun(bed.tool);
    await bed.uploadOk(bed.tool, run.id, [
      { name: 'ships orders', status: 'passed', requirements: ['TB-15'] },
    ]);
    const id = bed.issueId('TB-15');
    const web = [...bed.acme().projects.values()].find((p) => p.key === 'WEB');
    if (!web) throw new Error('no WEB');
    bed.t.clock.advance(60 * 60_000);
    bed.sim.clock.set(bed.t.clock.now().getTime());
    updateIssue(bed.sim.world, bed.acme(), id, { summary: 'Ships orders (lost update)' }, null);
    bed.sim.clock.advance(1000);
    const moved = moveIssue(bed.sim.world, bed.acme(), id, web.id, null);
    // Every try of both deliveries is lost: Jira gives up after its retries.
    bed.dropWebhookDeliveries(100);
    await bed.sim.webhooks.flush({ advanceClock: true });
    bed.dropWebhookDeliveries(0);
    expect(bed.sim.webhooks.failed().length).toBeGreaterThanOrEqual(2);
    bed.t.clock.set(new Date(bed.sim.clock.now()));
    await drainJiraEvents(bed.t.deps);
    // Lost: Testbridge's state of the issue is what it was.
    const stateOf = async () =>
      (await bed.t.deps.store.db.select().from(bed.t.deps.store.tables.jiraIssueStates)).find(
        (s) => s.issueId === id,
      );
    expect((await stateOf())?.summary).not.toBe('Ships orders (lost update)');
    bed.t.clock.advance(15 * 60_000);
    bed.sim.clock.set(bed.t.clock.now().getTime());
    const report = await reconcileJiraEvents(bed.t.deps, 'replica-a');
    expect(report).toMatchObject({ skipped: false, connections: 1, failed: 0 });
    expect(report.issues).toBeGreaterThanOrEqual(1);
    expect(report.stored).toBeGreaterThanOrEqual(1);
    await drainJiraEvents(bed.t.deps);
    const coverage = await bed.coverage(moved.key);
    expect(coverage.issue).toEqual({ id, key: moved.key });
    expect(coverage.tests.map((t) => t.name)).toEqual(['ships orders']);
    expect(await stateOf()).toMatchObject({
      summary: 'Ships orders (lost update)',
      projectKey: 'WEB',
    });
  });

  it('repairs versions too, and a second run stores nothing new', async () => {
    const tb = [...bed.acme().projects.values()].find((p) => p.key === 'TB');
    if (!tb) throw new Error('no TB');
    bed.dropWebhookDeliveries(100);
    const version = createVersion(
      bed.sim.world,
      bed.acme(),
      { projectId: tb.id, name: '9.9' },
      null,
    );
    await bed.sim.webhooks.flush({ advanceClock: true });
    bed.dropWebhookDeliveries(0);
    bed.t.clock.set(new Date(bed.sim.clock.now()));
    await reconcileJiraEvents(bed.t.deps, 'replica-a');
    await drainJiraEvents(bed.t.deps);
    const res = await bed.t.app.request(`/api/v1/mappings/${bed.mapping.id}/versions`, {
      headers: bed.tool,
    });
    const { items } = MappingVersionList.parse(await res.json());
    expect(items.find((v) => v.id === version.id)).toMatchObject({ name: '9.9', released: false });
    bed.t.clock.advance(11 * 60_000); // the lease of the previous run has lapsed
    const again = await reconcileJiraEvents(bed.t.deps, 'replica-b');
    expect(again).toMatchObject({ skipped: false, stored: 0 });
  });
});
