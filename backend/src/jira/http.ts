import type { Dispatcher } from 'undici';
import type { z } from 'zod';
import type { Deps } from '../deps.ts';
import { describeRefusal, failureCodeOf, JiraCallError, parseJiraRefusal } from './errors.ts';
import { tlsFailureOf } from './tls.ts';
import { type JiraAnswer, sendToJira } from './transport.ts';

/** How a request is authenticated; `refresh` is tried once when Jira answers 401. */
export interface JiraAuth {
  headers(request: { method: string; url: string }): Promise<Record<string, string>>;
  refresh?(): Promise<void>;
}

/** Where and how to reach one Jira: base URL (with context path, or the Cloud gateway), auth. */
export interface JiraEndpoint {
  baseUrl: string;
  auth: JiraAuth;
  dispatcher?: Dispatcher | undefined;
}

/** One Jira's REST API as a call needs it: where, which deployment, which REST version. */
export interface JiraApi {
  deployment: 'cloud' | 'data_center';
  /** v3 on Cloud (ADF bodies), v2 on Data Center (wiki text). */
  apiVersion: '2' | '3';
  endpoint: JiraEndpoint;
}

export interface JiraRequest {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path under the base URL, e.g. `/rest/api/3/myself`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  /** Override: a POST that is safe to repeat (e.g. search) may be retried on 5xx. */
  idempotent?: boolean;
}

export type JiraDeps = Pick<Deps, 'fetch' | 'sleep' | 'logger'>;

const MAX_ATTEMPTS = 4;
const TIMEOUT_MS = 30_000;
const MAX_RETRY_AFTER_MS = 60_000;

/** Seconds or an HTTP date, in ms from now; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Exponential backoff with full jitter: 0…min(8 s, 250 ms × 2^attempt). */
export function backoffMs(attempt: number, random = Math.random): number {
  return Math.floor(random() * Math.min(8000, 250 * 2 ** attempt));
}

function buildUrl(endpoint: JiraEndpoint, request: JiraRequest): string {
  const url = new URL(`${endpoint.baseUrl}${request.path}`);
  for (const [key, value] of Object.entries(request.query ?? {})) {
    if (value !== undefined) url.searchParams.set(key, String(value));
  }
  return url.toString();
}

/**
 * One call to Jira: auth headers, timeout, 429 honoured (Retry-After), backoff with jitter on 5xx
 * and network errors for idempotent calls only, one refresh on 401; the body parsed by `schema`.
 * @throws JiraCallError
 */
export async function callJira<T>(
  deps: JiraDeps,
  endpoint: JiraEndpoint,
  request: JiraRequest,
  schema: z.ZodType<T>,
): Promise<T> {
  return (await callJiraWithStatus(deps, endpoint, request, schema)).body;
}

/**
 * `callJira` for callers that need Jira's success status too (e.g. 201 created vs 200 updated).
 * @throws JiraCallError
 */
export async function callJiraWithStatus<T>(
  deps: JiraDeps,
  endpoint: JiraEndpoint,
  request: JiraRequest,
  schema: z.ZodType<T>,
): Promise<{ status: number; body: T }> {
  const method = request.method ?? 'GET';
  const idempotent = request.idempotent ?? method !== 'POST';
  const url = buildUrl(endpoint, request);
  let refreshed = false;
  for (let attempt = 1; ; attempt++) {
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...(await endpoint.auth.headers({ method, url })),
    };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    let response: JiraAnswer;
    try {
      response = await sendToJira(deps.fetch, url, {
        method,
        headers,
        body: request.body !== undefined ? JSON.stringify(request.body) : undefined,
        signal: AbortSignal.timeout(TIMEOUT_MS),
        dispatcher: endpoint.dispatcher,
      });
    } catch (error) {
      // A certificate problem does not go away on its own: no retry.
      if (idempotent && attempt < MAX_ATTEMPTS && !tlsFailureOf(error)) {
        await deps.sleep(backoffMs(attempt));
        continue;
      }
      throw new JiraCallError(
        isTimeout(error) ? 'jira_timed_out' : 'jira_unreachable',
        `Jira could not be reached (${method} ${request.path}): ${describeNetworkError(error)}`,
        undefined,
        error,
      );
    }
    if (response.status >= 200 && response.status < 300) {
      const text = await response.text();
      const parsed = schema.safeParse(text ? JSON.parse(text) : undefined);
      if (!parsed.success) {
        throw new JiraCallError(
          'jira_rejected',
          `Jira answered ${method} ${request.path} with an unexpected body`,
          undefined,
          parsed.error,
        );
      }
      return { status: response.status, body: parsed.data };
    }
    const text = await response.text();
    const refusal = parseJiraRefusal(response.status, text);
    if (response.status === 429 && attempt < MAX_ATTEMPTS) {
      const wait = retryAfterMs(response.header('retry-after')) ?? backoffMs(attempt);
      deps.logger.warn({ path: request.path, wait }, 'jira rate limit; waiting');
      await deps.sleep(Math.min(wait, MAX_RETRY_AFTER_MS));
      continue;
    }
    if (response.status === 401 && !refreshed && endpoint.auth.refresh) {
      refreshed = true;
      await endpoint.auth.refresh();
      continue;
    }
    if (response.status >= 500 && idempotent && attempt < MAX_ATTEMPTS) {
      await deps.sleep(backoffMs(attempt));
      continue;
    }
    throw new JiraCallError(
      failureCodeOf(response.status),
      `Jira answered ${method} ${request.path} with ${response.status}: ${describeRefusal(refusal)}`,
      refusal,
    );
  }
}

const isTimeout = (error: unknown) => error instanceof Error && error.name === 'TimeoutError';

function describeNetworkError(error: unknown): string {
  if (error instanceof Error) {
    const tls = tlsFailureOf(error);
    if (tls) return tls.problem;
    const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
    return error.name === 'TimeoutError' ? 'timed out' : `${error.message}${cause}`;
  }
  return String(error);
}
