import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Deps } from '../deps.ts';
import { createOutboxRepo } from './repo.ts';

/** Outbox metrics: depth by kind and status, delivery latency, verdicts. */
export interface OutboxMetrics {
  latency: Histogram<'kind'>;
  verdicts: Counter<'kind' | 'verdict'>;
  deliveries: Counter<'kind' | 'outcome'>;
}

const registered = new WeakMap<Registry, OutboxMetrics>();

/**
 * The outbox metrics on `deps.metrics.registry`, created once per registry. The depth gauge is
 * read from the store when scraped, so every replica reports the shared backlog.
 */
export function outboxMetrics(deps: Pick<Deps, 'metrics' | 'store'>): OutboxMetrics {
  const registry = deps.metrics.registry;
  const existing = registered.get(registry);
  if (existing) return existing;
  const repo = createOutboxRepo(deps.store);
  new Gauge({
    name: 'testbridge_outbox_depth',
    help: 'Outbox items not yet settled (pending, delivering) and dead letters, by kind',
    labelNames: ['kind', 'status'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await repo.countByStatus(deps.store.db)) {
        this.set({ kind: row.kind, status: row.status }, row.n);
      }
    },
  });
  const metrics: OutboxMetrics = {
    latency: new Histogram({
      name: 'testbridge_outbox_delivery_latency_seconds',
      help: 'From commit to the receiver accepting or rejecting an item, by kind',
      labelNames: ['kind'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 21600, 86400],
      registers: [registry],
    }),
    verdicts: new Counter({
      name: 'testbridge_outbox_verdicts_total',
      help: 'Settled outbox items by kind and verdict (accepted, rejected, dead …)',
      labelNames: ['kind', 'verdict'],
      registers: [registry],
    }),
    deliveries: new Counter({
      name: 'testbridge_outbox_deliveries_total',
      help: 'Batches sent by the forwarder, by kind and outcome',
      labelNames: ['kind', 'outcome'],
      registers: [registry],
    }),
  };
  registered.set(registry, metrics);
  return metrics;
}
