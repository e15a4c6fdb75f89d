import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics.ts';

const REQUESTS: [string, string, number, number][] = [
  ['POST', '/jira/builds/0.1/cloud/:cloudId/bulk', 202, 0.0004],
  ['POST', '/jira/builds/0.1/cloud/:cloudId/bulk', 202, 0.003],
  ['POST', '/jira/builds/0.1/cloud/:cloudId/bulk', 401, 0.001],
  ['GET', '/healthz', 200, 0.02],
  ['GET', '/healthz', 200, 12],
  ['GET', '(unmatched)', 404, 0.0025],
];

/** The same requests through prom-client's own Counter and Histogram, as before. */
async function asPromClientRendersThem(): Promise<string> {
  const registry = new Registry();
  const counter = new Counter({
    name: 'testbridge_http_requests_total',
    help: 'HTTP requests answered, by route template and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  });
  const histogram = new Histogram({
    name: 'testbridge_http_request_duration_seconds',
    help: 'HTTP request latency by route template',
    labelNames: ['method', 'route'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  for (const [method, route, status, seconds] of REQUESTS) {
    counter.inc({ method, route, status: String(status) });
    histogram.observe({ method, route }, seconds);
  }
  return registry.metrics();
}

const sorted = (text: string) => text.split('\n').sort();

describe('HTTP metrics', () => {
  it('renders exactly what prom-client’s Counter and Histogram render for the same requests', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    for (const [method, route, status, seconds] of REQUESTS) {
      metrics.recordRequest(method, route, status, seconds);
    }
    expect(sorted(await metrics.registry.metrics())).toEqual(
      sorted(await asPromClientRendersThem()),
    );
  });

  it('counts each request once however often it is scraped, and what came between scrapes', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.recordRequest('GET', '/healthz', 200, 0.001);
    await metrics.registry.metrics();
    metrics.recordRequest('GET', '/healthz', 200, 0.3);
    const text = await metrics.registry.metrics();
    expect(text).toContain(
      'testbridge_http_requests_total{method="GET",route="/healthz",status="200"} 2',
    );
    expect(text).toContain(
      'testbridge_http_request_duration_seconds_bucket{le="0.25",method="GET",route="/healthz"} 1',
    );
    expect(text).toContain(
      'testbridge_http_request_duration_seconds_count{method="GET",route="/healthz"} 2',
    );
    expect(text).toContain(
      'testbridge_http_request_duration_seconds_sum{method="GET",route="/healthz"} 0.301',
    );
  });

  it('starts from zero after a reset of the registry', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    metrics.recordRequest('GET', '/healthz', 200, 0.001);
    await metrics.registry.metrics();
    metrics.registry.resetMetrics();
    metrics.recordRequest('GET', '/healthz', 200, 0.001);
    const text = await metrics.registry.metrics();
    expect(text).toContain(
      'testbridge_http_requests_total{method="GET",route="/healthz",status="200"} 1',
    );
    expect(text).toContain(
      'testbridge_http_request_duration_seconds_count{method="GET",route="/healthz"} 1',
    );
  });
});
