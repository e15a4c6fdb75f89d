/**
 * Fault injection by path pattern: 429 with Jira's rate-limit headers, 5xx, added latency,
 * dropped connections and full outages, for the next N matching requests or until cleared.
 * @see https://developer.atlassian.com/cloud/jira/platform/rate-limiting/
 */
import { z } from 'zod';
import { matchesPathPattern } from './request-log.ts';

export const faultSpecSchema = z.object({
  kind: z.enum(['rate-limit', 'status', 'latency', 'drop', 'drop-answer', 'outage']),
  /** Host-stripped path or pattern with `*`; default `*` (everything but `/_sim`). */
  path: z.string().min(1).default('*'),
  method: z
    .string()
    .transform((m) => m.toUpperCase())
    .optional(),
  /** For `status`: the status to answer with (default 503). */
  status: z.number().int().min(400).max(599).optional(),
  /** For `rate-limit` (default 10) and optionally `status`: the `Retry-After` seconds. */
  retryAfterSeconds: z.number().int().min(0).optional(),
  /** For `rate-limit`: `RateLimit-Reason` (default `jira-burst-based`). */
  reason: z.string().optional(),
  /** For `latency`: delay before the request is handled normally. */
  latencyMs: z.number().int().min(0).optional(),
  /** How many matching requests this fault affects; omitted = until cleared. */
  times: z.number().int().min(1).optional(),
  /** Matching requests to let through untouched first (e.g. `1`: fail the second request). */
  after: z.number().int().min(0).optional(),
});
export type FaultSpec = z.input<typeof faultSpecSchema>;

export interface Fault {
  id: string;
  /** `drop`: the connection drops before Jira sees the request; `drop-answer`: after Jira did the work. */
  kind: 'rate-limit' | 'status' | 'latency' | 'drop' | 'drop-answer' | 'outage';
  path: string;
  method: string | undefined;
  status: number | undefined;
  retryAfterSeconds: number | undefined;
  reason: string | undefined;
  latencyMs: number | undefined;
  /** Requests still affected; null = until cleared. */
  remaining: number | null;
  /** Matching requests still to let through before the fault applies. */
  skip: number;
  hits: number;
}

export interface FaultStore {
  add(spec: FaultSpec): Fault;
  list(): Fault[];
  remove(id: string): boolean;
  clear(): void;
  /** The faults that apply to this request, counted as used (exhausted ones are removed). */
  take(method: string, path: string): Fault[];
}

export function createFaultStore(): FaultStore {
  let faults: Fault[] = [];
  let counter = 0;
  return {
    add(spec) {
      const parsed = faultSpecSchema.parse(spec);
      counter += 1;
      const fault: Fault = {
        id: `fault-${counter}`,
        kind: parsed.kind,
        path: parsed.kind === 'outage' ? '*' : parsed.path,
        method: parsed.method,
        status: parsed.status,
        retryAfterSeconds: parsed.retryAfterSeconds,
        reason: parsed.reason,
        latencyMs: parsed.latencyMs,
        remaining: parsed.times ?? null,
        skip: parsed.after ?? 0,
        hits: 0,
      };
      faults.push(fault);
      return fault;
    },
    list: () => [...faults],
    remove(id) {
      const before = faults.length;
      faults = faults.filter((fault) => fault.id !== id);
      return faults.length < before;
    },
    clear() {
      faults = [];
    },
    take(method, path) {
      const hit = faults.filter((fault) => {
        if (fault.method !== undefined && fault.method !== method) return false;
        if (!matchesPathPattern(fault.path, path)) return false;
        if (fault.skip === 0) return true;
        fault.skip -= 1;
        return false;
      });
      for (const fault of hit) {
        fault.hits += 1;
        if (fault.remaining !== null) fault.remaining -= 1;
      }
      faults = faults.filter((fault) => fault.remaining === null || fault.remaining > 0);
      return hit;
    },
  };
}

/** `X-RateLimit-Reset` is ISO 8601 to the minute: `yyyy-MM-ddTHH:mmZ`. */
function formatReset(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 16)}Z`;
}

/** The response a status-type fault answers with (429 carries Jira's rate-limit headers). */
export function renderFaultResponse(fault: Fault, now: number): Response {
  if (fault.kind === 'rate-limit') {
    const retryAfter = fault.retryAfterSeconds ?? 10;
    // Body is UNCONFIRMED for Jira; headers follow jira-protocols.md §7.
    return Response.json(
      { errorMessages: ['Rate limit exceeded.'], errors: {} },
      {
        status: 429,
        headers: {
          'Retry-After': String(retryAfter),
          'X-RateLimit-Limit': '100',
          'X-RateLimit-Remaining': '0',
          'X-RateLimit-Reset': formatReset(now + retryAfter * 1000),
          'X-RateLimit-NearLimit': 'true',
          'RateLimit-Reason': fault.reason ?? 'jira-burst-based',
        },
      },
    );
  }
  const status = fault.status ?? 503;
  const headers: Record<string, string> = {};
  if (fault.retryAfterSeconds !== undefined)
    headers['Retry-After'] = String(fault.retryAfterSeconds);
  return Response.json(
    { errorMessages: [`Simulated failure (HTTP ${status}).`], errors: {} },
    { status, headers },
  );
}
