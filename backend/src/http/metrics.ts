import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

/** One Prometheus registry per process (per app in tests), with the HTTP metrics on it. */
export interface Metrics {
  registry: Registry;
  /**
   * Counts one answered request in `testbridge_http_requests_total` (method, route template,
   * status) and its latency in `testbridge_http_request_duration_seconds` (method, route).
   */
  recordRequest(method: string, route: string, status: number, seconds: number): void;
}

const REQUESTS = 'testbridge_http_requests_total';
const DURATION = 'testbridge_http_request_duration_seconds';
const DURATION_HELP = 'HTTP request latency by route template';
const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** What one (method, route) has seen since the process started. */
interface RouteStats {
  method: string;
  route: string;
  /** Requests per latency bucket (not cumulative; the last is over the largest bound). */
  buckets: number[];
  sum: number;
  count: number;
  /** Requests per status not yet handed to the counter. */
  unreported: Map<number, number>;
}

/**
 * Per request only a few map look-ups and additions: prom-client's own `inc`/`observe` build a
 * label hash and validate the labels on every call (about 2 µs a request together); here the
 * counts are handed to the counter, and the histogram rendered, when /metrics is scraped.
 */
export function createMetrics(options: { defaultMetrics: boolean }): Metrics {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry });
  const byMethod = new Map<string, Map<string, RouteStats>>();
  const all: RouteStats[] = [];

  new Counter({
    name: REQUESTS,
    help: 'HTTP requests answered, by route template and status',
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
    collect() {
      for (const stats of all) {
        for (const [status, count] of stats.unreported) {
          this.inc({ method: stats.method, route: stats.route, status: String(status) }, count);
        }
        stats.unreported.clear();
      }
    },
  });
  new DurationHistogram(registry, all);

  return {
    registry,
    recordRequest(method, route, status, seconds) {
      let byRoute = byMethod.get(method);
      if (!byRoute) {
        byRoute = new Map();
        byMethod.set(method, byRoute);
      }
      let stats = byRoute.get(route);
      if (!stats) {
        stats = {
          method,
          route,
          buckets: BUCKETS.map(() => 0),
          sum: 0,
          count: 0,
          unreported: new Map(),
        };
        stats.buckets.push(0);
        byRoute.set(route, stats);
        all.push(stats);
      }
      let bucket = 0;
      while (bucket < BUCKETS.length && seconds > (BUCKETS[bucket] ?? 0)) bucket += 1;
      stats.buckets[bucket] = (stats.buckets[bucket] ?? 0) + 1;
      stats.sum += seconds;
      stats.count += 1;
      stats.unreported.set(status, (stats.unreported.get(status) ?? 0) + 1);
    },
  };
}

/**
 * The latency histogram, rendered from `RouteStats` when scraped (`_bucket` with `le`, `_sum`,
 * `_count`, as prom-client renders its own); prom-client's per-call `observe` is never used.
 */
class DurationHistogram extends Histogram<'method' | 'route'> {
  readonly #all: readonly RouteStats[];

  constructor(registry: Registry, all: readonly RouteStats[]) {
    super({
      name: DURATION,
      help: DURATION_HELP,
      labelNames: ['method', 'route'],
      buckets: BUCKETS,
      registers: [registry],
    });
    this.#all = all;
  }

  /**
   * What prom-client's registry renders (and `get()` reads) for a histogram; prom-client's own
   * reads the per-label values `observe` kept, which stay empty here.
   */
  async getForPromString() {
    const values = this.#all.flatMap((stats) => {
      const labels = { method: stats.method, route: stats.route };
      let cumulative = 0;
      const bucket = (le: number | string, value: number) => ({
        labels: { le, ...labels },
        value,
        metricName: `${DURATION}_bucket`,
      });
      return [
        ...BUCKETS.map((bound, i) => {
          cumulative += stats.buckets[i] ?? 0;
          return bucket(bound, cumulative);
        }),
        bucket('+Inf', stats.count),
        { labels, value: stats.sum, metricName: `${DURATION}_sum` },
        { labels, value: stats.count, metricName: `${DURATION}_count` },
      ];
    });
    return { name: DURATION, help: DURATION_HELP, type: 'histogram', aggregator: 'sum', values };
  }

  override reset(): void {
    super.reset();
    // prom-client's constructor resets too, before this class has its fields.
    if (!(#all in this)) return;
    for (const stats of this.#all) {
      stats.buckets.fill(0);
      stats.sum = 0;
      stats.count = 0;
    }
  }
}
