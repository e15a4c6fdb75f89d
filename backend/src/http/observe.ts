import type { MiddlewareHandler } from 'hono';
import { routePath } from 'hono/route';
import type { Env } from './env.ts';
import { type Logger, writeAccessLine } from './logger.ts';
import type { Metrics } from './metrics.ts';

/** Route templates whose raw path carries a secret. */
const SECRET_PARAM = /:token\b/;

/** An incoming `x-request-id` is kept when it is 1–128 word characters, `-` or `=`. */
const SANE_REQUEST_ID = /^[\w\-=]{1,128}$/;

/**
 * On every answer: `X-Content-Type-Options: nosniff`; on answers to a request that carried
 * credentials (a bearer key or token, a session cookie) `Cache-Control: no-store` unless the
 * route chose its own, so no shared cache keeps what one caller was allowed to see.
 */
function secureHeaders(request: Headers, response: Response): void {
  const headers = response.headers;
  try {
    headers.set('x-content-type-options', 'nosniff');
  } catch {
    return; // An answer passed through with immutable headers (never ours; none today).
  }
  if ((request.has('authorization') || request.has('cookie')) && !headers.has('cache-control'))
    headers.set('cache-control', 'no-store');
}

/**
 * The platform's first middleware, in one layer (each async layer costs a promise and a dispatch
 * on every request): the request id (a sane incoming `x-request-id` or a fresh UUID, on the
 * context and the response), then after the handler an access log line and Prometheus metrics
 * labelled by route template (never the raw path, never the query string: OAuth codes travel
 * there).
 */
export function observeRequests(logger: Logger, metrics: Metrics): MiddlewareHandler<Env> {
  return async (c, next) => {
    const started = performance.now();
    const incoming = c.req.header('x-request-id');
    const requestId =
      incoming !== undefined && SANE_REQUEST_ID.test(incoming) ? incoming : crypto.randomUUID();
    c.set('requestId', requestId);
    c.header('x-request-id', requestId);
    await next();
    secureHeaders(c.req.raw.headers, c.res);
    const seconds = (performance.now() - started) / 1000;
    const status = c.res.status;
    const template = routePath(c);
    const route = status === 404 && template === '/*' ? '(unmatched)' : template;
    const method = c.req.method;
    metrics.recordRequest(method, route, status, seconds);
    writeAccessLine(logger, {
      requestId,
      method,
      // A path parameter named `token` is a secret (webhook URL tokens): the template is logged.
      path: SECRET_PARAM.test(route) ? route : c.req.path,
      route,
      status,
      ms: Math.round(seconds * 10_000) / 10,
    });
  };
}
