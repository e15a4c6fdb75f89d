import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Env } from './env.ts';
import type { Logger } from './logger.ts';
import type { Metrics } from './metrics.ts';

/**
 * Access log line and Prometheus metrics per request, labelled by route template (never the raw
 * path, never the query string: OAuth codes travel there).
 */
export function observeRequests(logger: Logger, metrics: Metrics): MiddlewareHandler<Env> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    const seconds = (performance.now() - started) / 1000;
    const route = c.res.status === 404 && routePath(c) === '/*' ? '(unmatched)' : routePath(c);
    const labels = { method: c.req.method, route };
    metrics.httpRequests.inc({ ...labels, status: String(c.res.status) });
    metrics.httpDuration.observe(labels, seconds);
    logger.info(
      {
        requestId: c.get('requestId'),
        method: c.req.method,
        path: c.req.path,
        route,
        status: c.res.status,
        ms: Math.round(seconds * 10_000) / 10,
      },
      'request',
    );
  };
}
