import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../app.ts';
import { createDeps, type Deps } from '../deps.ts';
import { createMetrics } from '../http/metrics.ts';
import { drainOutbox, resumeOutboxDeliveries } from '../outbox/forwarder.ts';
import type { OutboxSender, SendOutcome } from '../outbox/sender.ts';
import { createLogCapture, STORE_KINDS } from '../testing/index.ts';
import { createDevopsSenders } from './sender.ts';
import {
  createDevopsTestbed,
  type DevopsTestbed,
  jenkinsPayload,
  onKnownIssue,
} from './testing.ts';

describe.each(STORE_KINDS)('a restart between commit and delivery on %s', (store) => {
  let b: DevopsTestbed;
  let reopened: Deps | undefined;
  beforeEach(async () => {
    b = await createDevopsTestbed({ store });
  });
  afterEach(async () => {
    await reopened?.store.close();
    reopened = undefined;
    await b.t.cleanup();
  });

  /** A new process on the same store: fresh caches, same clock and simulator. */
  async function restart(): Promise<Deps> {
    reopened = await createDeps(b.t.deps.config, {
      store: b.t.storeOptions,
      fetch: b.simFetch,
      clock: b.t.clock,
      logger: createLogCapture().logger,
      metrics: createMetrics({ defaultMetrics: false }),
    });
    return reopened;
  }

  const deliveredBuilds = () => b.sim.requests.list({ path: '/api/jira/builds/*', method: 'POST' });

  it('delivers what was accepted before the process stopped', async () => {
    const [id] = await b.eventIds(
      await b.postJira('builds', onKnownIssue(jenkinsPayload('build'))),
    );
    expect(deliveredBuilds()).toHaveLength(0);
    const deps = await restart();
    await drainOutbox(deps, createDevopsSenders(deps));
    expect(deliveredBuilds()).toHaveLength(1);
    const res = await createApp(deps).request(`/api/v1/devops/events/${id}`, {
      headers: b.t.asAdmin(),
    });
    expect(await res.json()).toMatchObject({ status: 'delivered', verdict: 'accepted' });
  });

  it('resumes a batch whose process was killed mid-delivery: at once on SQLite, after one short lease on PostgreSQL', async () => {
    const [id] = await b.eventIds(
      await b.postJira('builds', onKnownIssue(jenkinsPayload('build'))),
    );
    let reached: () => void = () => undefined;
    const started = new Promise<void>((resolve) => {
      reached = resolve;
    });
    const dying: OutboxSender = {
      kind: 'jira.builds',
      maxBatch: 100,
      send: () => {
        reached();
        return new Promise<SendOutcome>(() => undefined);
      },
    };
    // Killed: its lease is never renewed.
    void drainOutbox(b.t.deps, [dying], { timers: { every: () => () => undefined } });
    await started;
    expect((await b.event(String(id))).status).toBe('delivering');
    const deps = await restart();
    // What startForwarder does first.
    await resumeOutboxDeliveries(deps);
    await drainOutbox(deps, createDevopsSenders(deps));
    if (store === 'postgres') {
      // Another replica might still be delivering it: its lease (30 s, renewed while alive) must
      // run out first.
      expect(deliveredBuilds()).toHaveLength(0);
      b.advance(30_000);
      await drainOutbox(deps, createDevopsSenders(deps));
    }
    expect(deliveredBuilds()).toHaveLength(1);
    expect(await b.event(String(id))).toMatchObject({ status: 'delivered', attempts: 2 });
  });
});
