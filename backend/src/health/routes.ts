import { createRoute } from '@hono/zod-openapi';
import { Health, Readiness } from '@testbridge/shared/api/health';
import type { Deps } from '../deps.ts';
import { createRouter } from '../http/openapi.ts';
import { jsonContent } from '../http/responses.ts';

/** Liveness, readiness (store reachable, migrations applied) and Prometheus metrics. */
export function healthRoutes(deps: Deps) {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: 'get',
      path: '/healthz',
      tags: ['Operations'],
      summary: 'Liveness: the process answers',
      responses: { 200: jsonContent(Health, 'Alive') },
    }),
    (c) => c.json({ status: 'ok' as const }, 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/readyz',
      tags: ['Operations'],
      summary: 'Readiness: the store is reachable and every migration is applied',
      responses: {
        200: jsonContent(Readiness, 'Ready'),
        503: jsonContent(Readiness, 'Not ready; `checks` says why'),
      },
    }),
    async (c) => {
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
      return ready ? c.json(body, 200) : c.json(body, 503);
    },
  );

  router.get('/metrics', async (c) => {
    const text = await deps.metrics.registry.metrics();
    return c.text(text, 200, { 'content-type': deps.metrics.registry.contentType });
  });

  return router;
}
