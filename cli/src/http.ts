/**
 * The CLI's only way to Testbridge: a bearer token from `POST /oauth/token` (client credentials,
 * cached for its lifetime within the run), per-request timeouts, and retries with backoff on
 * network errors, 5xx and 429, honouring `Retry-After`.
 */
import { CiTokenResponse } from '@testbridge/shared/api/devops';
import { Problem } from '@testbridge/shared/problem';
import { z } from 'zod';
import { CliError, EXIT } from './errors.ts';
import type { Output } from './output.ts';

export interface ClientOptions {
  baseUrl: string;
  clientId: string;
  clientSecret: string;
  /** Per attempt. */
  timeoutMs: number;
  /** Attempts after the first one. */
  retries: number;
  /** First backoff delay; doubled per attempt, with jitter. */
  retryBaseMs: number;
  /** A `Retry-After` longer than this is not waited for: the run gives up instead. */
  maxRetryWaitMs: number;
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  random: () => number;
  output: Output;
}

export interface ApiResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON when the answer is JSON, else the text. */
  body: unknown;
}

export interface SendInit {
  body?: string | Uint8Array;
  headers?: Record<string, string>;
  query?: Record<string, string>;
}

export interface Client {
  /** An authenticated request; answers anything but network failures, 5xx and 429 (retried). */
  request(method: string, path: string, init?: SendInit): Promise<ApiResponse>;
  /** How many tokens this run fetched (one, unless it expired or was refused). */
  tokensFetched(): number;
}

const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);
const OAuthError = z.object({ error: z.string(), error_description: z.string().optional() });

/** Seconds or an HTTP date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number): number | undefined {
  if (header === null) return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** What an error answer says, in one line (problem+json, Jira's shapes, RFC 6749, or text). */
export function describeError(response: ApiResponse): string {
  const problem = Problem.safeParse(response.body);
  if (problem.success) {
    const fields = (problem.data.invalidFields ?? []).map((f) => `${f.field}: ${f.message}`);
    return [problem.data.detail, ...fields].join('; ');
  }
  const oauth = OAuthError.safeParse(response.body);
  if (oauth.success) return `${oauth.data.error}: ${oauth.data.error_description ?? ''}`.trim();
  const text = typeof response.body === 'string' ? response.body : JSON.stringify(response.body);
  return `HTTP ${response.status}${text ? `: ${text.slice(0, 300)}` : ''}`;
}

async function readBody(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!(res.headers.get('content-type') ?? '').includes('json')) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function causeOf(error: unknown): string {
  if (error instanceof Error && error.name === 'TimeoutError') return 'timed out';
  const cause = error instanceof Error ? (error.cause as { code?: string } | undefined) : undefined;
  if (cause?.code) return cause.code;
  return error instanceof Error ? error.message : String(error);
}

export function createClient(options: ClientOptions): Client {
  const { output } = options;
  const base = options.baseUrl.replace(/\/+$/, '');
  let token: { value: string; expiresAt: number } | undefined;
  let fetched = 0;

  /** One logical request: retried on network errors, 5xx and 429 until the retries run out. */
  async function send(method: string, path: string, init: SendInit): Promise<ApiResponse> {
    const url = new URL(`${base}${path}`);
    for (const [name, value] of Object.entries(init.query ?? {})) url.searchParams.set(name, value);
    const attempts = options.retries + 1;
    for (let attempt = 1; ; attempt++) {
      let failure: string;
      let waitMs: number | undefined;
      try {
        output.debug(`${method} ${url.pathname}${url.search} (attempt ${attempt}/${attempts})`);
        const res = await options.fetch(url, {
          method,
          headers: init.headers,
          body: init.body,
          signal: AbortSignal.timeout(options.timeoutMs),
        });
        const response = { status: res.status, headers: res.headers, body: await readBody(res) };
        output.debug(`${method} ${url.pathname} → ${res.status}`);
        if (!RETRY_STATUSES.has(res.status)) return response;
        failure = `answered ${res.status} (${describeError(response)})`;
        if (res.status === 429 || res.status === 503) {
          waitMs = retryAfterMs(res.headers.get('retry-after'), options.now());
          if (waitMs !== undefined && waitMs > options.maxRetryWaitMs) {
            throw new CliError(
              EXIT.unavailable,
              `Testbridge ${failure} and asks to wait ${Math.ceil(waitMs / 1000)} s (Retry-After), longer than --max-retry-wait ${options.maxRetryWaitMs / 1000} s; giving up`,
            );
          }
        }
      } catch (error) {
        if (error instanceof CliError) throw error;
        failure = `could not be reached at ${base} (${causeOf(error)})`;
      }
      if (attempt >= attempts) {
        throw new CliError(
          EXIT.unavailable,
          `Testbridge ${failure}; gave up after ${attempts} attempt${attempts === 1 ? '' : 's'}`,
        );
      }
      const backoff = Math.min(30_000, options.retryBaseMs * 2 ** (attempt - 1));
      const delay = waitMs ?? Math.round(backoff * (0.5 + options.random() / 2));
      output.warn(
        `Testbridge ${failure}; retrying in ${(delay / 1000).toFixed(1)} s${waitMs !== undefined ? ' (Retry-After)' : ''}`,
      );
      await options.sleep(delay);
    }
  }

  async function fetchToken(): Promise<string> {
    const response = await send('POST', '/oauth/token', {
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: options.clientId,
        client_secret: options.clientSecret,
      }).toString(),
    });
    if (response.status !== 200) {
      const exit = response.status === 401 || response.status === 400 ? EXIT.auth : EXIT.refused;
      throw new CliError(
        exit,
        `Testbridge refused the CI credentials (${describeError(response)}); check TESTBRIDGE_CLIENT_ID and TESTBRIDGE_CLIENT_SECRET`,
      );
    }
    const parsed = CiTokenResponse.safeParse(response.body);
    if (!parsed.success) {
      throw new CliError(EXIT.refused, `POST /oauth/token answered an unexpected body`);
    }
    fetched++;
    output.addSecret(parsed.data.access_token);
    // Renewed a minute early (or at half its life when shorter), so no request carries a stale one.
    const lifeMs = parsed.data.expires_in * 1000;
    token = {
      value: parsed.data.access_token,
      expiresAt: options.now() + Math.max(lifeMs / 2, lifeMs - 60_000),
    };
    output.debug(`got a CI token valid ${parsed.data.expires_in} s: ${token.value}`);
    return token.value;
  }

  async function bearer(): Promise<string> {
    if (token && options.now() < token.expiresAt) return token.value;
    return fetchToken();
  }

  return {
    tokensFetched: () => fetched,
    async request(method, path, init = {}) {
      const withToken = async (value: string) =>
        send(method, path, {
          ...init,
          headers: {
            accept: 'application/json',
            ...init.headers,
            authorization: `Bearer ${value}`,
          },
        });
      const first = await withToken(await bearer());
      if (first.status !== 401) return checkAuth(first);
      // A token refused early (revoked, or the server restarted on a new store): one fresh try.
      token = undefined;
      return checkAuth(await withToken(await bearer()));
    },
  };
}

function checkAuth(response: ApiResponse): ApiResponse {
  if (response.status === 401 || response.status === 403) {
    throw new CliError(
      EXIT.auth,
      `Testbridge refused the CI credentials (${describeError(response)})`,
    );
  }
  return response;
}
