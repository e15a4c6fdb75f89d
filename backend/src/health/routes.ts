import { createHash, timingSafeEqual } from 'node:crypto';
import type { Health, Readiness } from '@testbridge/shared/api/health';
import type { Deps } from '../deps.ts';
import { AppError } from '../http/errors.ts';
import { createRouter } from '../http/openapi.ts';

/** Compared as digests: equal lengths for timingSafeEqual, whatever was sent. */
const digestOf = (token: string) => createHash('sha256').update(token).digest();

/**
 * Liveness, readiness (store reachable, migrations applied) and Prometheus metrics: probes for
 * orchestrators and scrapers, kept out of the API document (they take no input and answer no
 * client error, so they are no operations a generated client calls). Shapes in shared/api/health.
 */
export function healthRoutes(deps: Deps) {
  const router = createRouter();

  router.get('/healthz', (c) => c.json<Health>({ status: 'ok' }, 200));

  router.get('/readyz', async (c) => {
    const store = await deps.store.ping().then(
      () => 'ok' as const,
      (error: unknown) => {
        deps.logger.warn({ err: error }, 'readiness: store unreachable');
        return 'unreachable' as const;
      },
    );
    const pending =
      store === 'ok' ? await deps.store.pendingMigrations().catch(() => Number.NaN) : Number.NaN;
    const migrations = pending === 0 ? ('applied' as const) : ('pending' as const);
    const ready = store === 'ok' && migrations === 'applied';
    const body = {
      status: ready ? ('ready' as const) : ('not_ready' as const),
      checks: { store, migrations },
    };
    return ready ? c.json<Readiness>(body, 200) : c.json<Readiness>(body, 503);
  });

  const metricsToken = deps.config.metricsToken && digestOf(deps.config.metricsToken);
  router.get('/metrics', async (c) => {
    if (metricsToken) {
      const given = /^Bearer (.+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
      if (!given || !timingSafeEqual(digestOf(given), metricsToken)) {
        throw new AppError('unauthenticated', 'The metrics need the bearer token METRICS_TOKEN.', {
          headers: { 'www-authenticate': 'Bearer realm="metrics"' },
        });
      }
    }
    const text = await deps.metrics.registry.metrics();
    return c.text(text, 200, { 'content-type': deps.metrics.registry.contentType });
  });

  return router;
}
