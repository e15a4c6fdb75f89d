/**
 * The outermost middleware: logs every request (except `/_sim/*`) and applies injected faults
 * before the simulator sees the request.
 */
import type { MiddlewareHandler } from 'hono';
import type { Clock } from './clock.ts';
import type { FaultStore } from './faults.ts';
import { renderFaultResponse } from './faults.ts';
import { ConnectionDroppedError } from './network-error.ts';
import type { LoggedRequest, RequestLog } from './request-log.ts';

export interface TrafficDeps {
  requests: RequestLog;
  faults: FaultStore;
  clock: Clock;
  sleep: (ms: number) => Promise<void>;
}

/** Path prefix of the control API, which is neither logged nor subject to faults. */
export const CONTROL_PREFIX = '/_sim';

export function createTrafficMiddleware(deps: TrafficDeps): MiddlewareHandler {
  return async (c, next) => {
    const url = new URL(c.req.url);
    if (url.pathname === CONTROL_PREFIX || url.pathname.startsWith(`${CONTROL_PREFIX}/`))
      return next();
    const headers: Record<string, string> = {};
    c.req.raw.headers.forEach((value, name) => {
      headers[name] = value;
    });
    const entry: LoggedRequest = deps.requests.add({
      method: c.req.method,
      path: url.pathname,
      url: `${url.pathname}${url.search}`,
      host: url.host,
      headers,
      body: c.req.method === 'GET' || c.req.method === 'HEAD' ? '' : await c.req.raw.clone().text(),
      status: null,
      faultId: null,
      at: deps.clock.now(),
    });

    const faults = deps.faults.take(c.req.method, url.pathname);
    for (const fault of faults)
      if (fault.kind === 'latency' && fault.latencyMs) await deps.sleep(fault.latencyMs);
    const answering = faults.find((fault) => fault.kind !== 'latency');
    if (answering) {
      entry.faultId = answering.id;
      if (answering.kind === 'drop-answer') {
        // Jira did the work; the answer is lost on the way (the client cannot tell it happened).
        await next();
        entry.status = c.res.status;
        throw new ConnectionDroppedError('ECONNRESET');
      }
      if (answering.kind === 'drop' || answering.kind === 'outage') {
        throw new ConnectionDroppedError(
          answering.kind === 'outage' ? 'ECONNREFUSED' : 'ECONNRESET',
        );
      }
      const response = renderFaultResponse(answering, deps.clock.now());
      entry.status = response.status;
      return response;
    }
    await next();
    entry.status = c.res.status;
  };
}
