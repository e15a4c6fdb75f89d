import { createTestDeps, type StoreKind } from '@testbridge/backend/testing';
import { createSim, SEEDED } from '@testbridge/jira-sim';
import { createDevopsSenders } from '../../../../backend/src/devops/sender.ts';
import { createDevopsSite } from '../../../../backend/src/devops/site-service.ts';
import { startForwarder } from '../../../../backend/src/outbox/loop.ts';
import { enqueueOutboxItems, listOutboxItems } from '../../../../backend/src/outbox/service.ts';
import type { BenchContext, Section } from '../context.ts';

export const DRAIN_TITLE = 'DevOps delivery: draining a backlog to Jira';

interface DrainResult {
  store: StoreKind;
  items: number;
  requests: number;
  fillSeconds: number;
  drainSeconds: number;
  unsettled: number;
}

function build(n: number) {
  return {
    pipelineId: 'backlog',
    buildNumber: n,
    updateSequenceNumber: n,
    displayName: `backlog #${n}`,
    url: `https://ci.example/backlog/${n}`,
    state: 'successful',
    lastUpdated: '2026-01-01T00:00:00.000Z',
    issueKeys: ['TB-1'],
  };
}

/** Fills the outbox with `items` builds while Jira is away, then lets the forwarder drain it. */
async function drainOnce(store: StoreKind, items: number): Promise<DrainResult> {
  const sim = createSim({ baseUrl: 'http://jira-sim.bench' });
  let requests = 0;
  const fetch: typeof globalThis.fetch = (input, init) => {
    const url = input instanceof URL ? input.href : typeof input === 'string' ? input : input.url;
    if (init?.method === 'POST' && url.includes('/jira/builds/0.1/cloud/')) requests += 1;
    return sim.fetch(input instanceof URL ? input.href : input, init);
  };
  const t = await createTestDeps({
    store,
    fetch,
    env: {
      ATLASSIAN_AUTH_URL: `${sim.baseUrl}/auth`,
      ATLASSIAN_API_URL: `${sim.baseUrl}/api`,
      ALLOW_PRIVATE_JIRA_URLS: '1',
    },
  });
  try {
    const site = await createDevopsSite(t.deps, {
      name: 'bench',
      siteUrl: `${sim.baseUrl}/cloud/acme`,
      clientId: SEEDED.devopsClients.acme.clientId,
      clientSecret: SEEDED.devopsClients.acme.clientSecret,
    });
    const filling = performance.now();
    for (let from = 0; from < items; from += 1000) {
      const chunk = Array.from({ length: Math.min(1000, items - from) }, (_, i) => {
        const item = build(from + i);
        return {
          kind: 'jira.builds',
          target: site.id,
          subject: item.pipelineId,
          dedupeKey: `bench\u001f${item.buildNumber}`,
          payload: JSON.stringify({ properties: { source: 'bench' }, item }),
        };
      });
      await t.deps.store.transaction((tx) =>
        enqueueOutboxItems(t.deps.store, tx, chunk, t.clock.now()),
      );
    }
    const fillSeconds = (performance.now() - filling) / 1000;
    const draining = performance.now();
    const forwarder = startForwarder(t.deps, createDevopsSenders(t.deps), { idleMs: 20 });
    let unsettled = items;
    while (unsettled > 0 && performance.now() - draining < 600_000) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const pending = await listOutboxItems(t.deps, { status: 'pending', limit: 1 });
      const delivering = await listOutboxItems(t.deps, { status: 'delivering', limit: 1 });
      unsettled = pending.length + delivering.length;
    }
    const drainSeconds = (performance.now() - draining) / 1000;
    await forwarder.stop();
    const rejected = await listOutboxItems(t.deps, { status: 'rejected', limit: 1 });
    const dead = await listOutboxItems(t.deps, { status: 'dead', limit: 1 });
    return {
      store,
      items,
      requests,
      fillSeconds,
      drainSeconds,
      unsettled: unsettled + rejected.length + dead.length,
    };
  } finally {
    await t.cleanup();
  }
}

/**
 * A backlog drained to the Jira simulator (in process): requests sent ÷ ceil(items / 100), the
 * ideal being one full batch per request.
 */
export async function benchDevopsDrain(ctx: BenchContext): Promise<Section> {
  const items = Number(process.env.BENCH_DRAIN_ITEMS ?? 100_000);
  const results: DrainResult[] = [];
  for (const store of ['sqlite', 'postgres'] as const) {
    const result = await drainOnce(store, items);
    results.push(result);
    process.stderr.write(
      `[bench] devops drain ${store}: ${result.requests} requests for ${items} items in ${result.drainSeconds.toFixed(1)} s\n`,
    );
  }
  const ideal = Math.ceil(items / 100);
  const rows = results
    .map(
      (r) =>
        `| ${r.store === 'sqlite' ? 'SQLite' : 'PostgreSQL'} | ${r.items} | ${r.requests} | ${ideal} | **${(r.requests / ideal).toFixed(3)}** | ${r.drainSeconds.toFixed(1)} | ${(r.items / r.drainSeconds).toFixed(0)} | ${r.unsettled} |`,
    )
    .join('\n');
  void ctx;
  return {
    title: DRAIN_TITLE,
    markdown: `${items.toLocaleString('en')} builds committed to the outbox while Jira was away, then drained by the forwarder
(4 concurrent passes, batches of up to 100 per site and kind) to the Jira simulator in the same
process, which validates every request against the Software OpenAPI with ajv. The baseline is the
ideal: one request per full batch, ceil(items / 100).

| store | items | requests sent | ceil(items/100) | ratio (target ≤ 1.05) | drain s | items/s | not delivered |
|---|---:|---:|---:|---:|---:|---:|---:|
${rows}`,
  };
}
