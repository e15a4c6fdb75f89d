/**
 * The in-process webhook handle on `Sim` (`sim.webhooks`) and its control API twin under
 * `/_sim/webhooks`: settle deliveries, read attempts, failures and registrations.
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { parseJsonBody } from '../core/body.ts';
import type { SimDeps } from '../deps.ts';
import { flushDeliveries } from './delivery.ts';
import type {
  AdminWebhook,
  Delivery,
  DeliveryAttempt,
  DynamicWebhook,
  FailedDelivery,
} from './store.ts';
import { FAILED_RETENTION_MS } from './store.ts';

export interface SimWebhooks {
  /**
   * Wait until no delivery is due or in flight. Retries due later stay queued; with
   * `advanceClock: true` the simulator clock jumps to each retry until every delivery settled.
   */
  flush(options?: { advanceClock?: boolean }): Promise<void>;
  /** Every HTTP attempt so far, oldest first. */
  attempts(): DeliveryAttempt[];
  /** Deliveries that failed after their last retry (kept ~72 h on the sim clock, as Jira does). */
  failed(): FailedDelivery[];
  /** Deliveries waiting for their first try or a retry. */
  pending(): Delivery[];
  dynamic(): DynamicWebhook[];
  admin(): AdminWebhook[];
}

export function createSimWebhooks(deps: SimDeps): SimWebhooks {
  const store = deps.webhooks;
  return {
    flush: (options) => flushDeliveries(deps, options),
    attempts: () => [...store.attempts],
    failed: () =>
      store.failed.filter((f) => f.failureTime > deps.clock.now() - FAILED_RETENTION_MS),
    pending: () => store.queue.filter((d) => d.state === 'pending'),
    dynamic: () => [...store.dynamic.values()],
    admin: () => [...store.admin.values()],
  };
}

/** `GET /_sim/webhooks` (state, secrets hidden) and `POST /_sim/webhooks/flush`. */
export function createWebhookControlRoutes(deps: SimDeps): Hono {
  const app = new Hono();
  const api = createSimWebhooks(deps);
  app.get('/webhooks', (c) =>
    c.json({
      dynamic: api.dynamic(),
      admin: api.admin().map(({ secret, ...hook }) => ({ ...hook, hasSecret: secret !== null })),
      pending: api
        .pending()
        .map(({ signing, ...delivery }) => ({ ...delivery, signing: signing.kind })),
      failed: api.failed(),
      attempts: api.attempts(),
    }),
  );
  app.post('/webhooks/flush', async (c) => {
    const body = await parseJsonBody(c, z.object({ advanceClock: z.boolean().default(false) }));
    await api.flush({ advanceClock: body.advanceClock });
    return c.json({ pending: api.pending().length, failed: api.failed().length });
  });
  return app;
}
