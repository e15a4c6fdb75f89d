/**
 * Every request the simulator received (control API excluded), so a test can assert
 * "exactly one token request". In-process readers see secrets; the HTTP view redacts them.
 */
export interface LoggedRequest {
  /** 1-based, in arrival order. */
  seq: number;
  method: string;
  /** Host-stripped path, e.g. `/auth/oauth/token`. */
  path: string;
  /** Host-stripped path with the query string. */
  url: string;
  host: string;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** Raw body text (empty for bodiless requests). */
  body: string;
  /** Response status; null when the connection was dropped. */
  status: number | null;
  /** The fault that answered instead of the simulator, if any. */
  faultId: string | null;
  /** Simulator clock time when the request arrived (epoch ms). */
  at: number;
}

export interface RequestFilter {
  /** Exact path, or a pattern with `*` wildcards. */
  path?: string;
  method?: string;
}

export interface RequestLog {
  list(filter?: RequestFilter): LoggedRequest[];
  /** Record a request; returns the entry so the caller can fill in `status` later. */
  add(entry: Omit<LoggedRequest, 'seq'>): LoggedRequest;
  clear(): void;
}

/** `*` matches any run of characters; everything else is literal. */
export function matchesPathPattern(pattern: string, path: string): boolean {
  if (!pattern.includes('*')) return pattern === path;
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(path);
}

export function createRequestLog(limit = 10_000): RequestLog {
  let entries: LoggedRequest[] = [];
  let seq = 0;
  return {
    list(filter = {}) {
      return entries.filter(
        (entry) =>
          (filter.path === undefined || matchesPathPattern(filter.path, entry.path)) &&
          (filter.method === undefined || entry.method === filter.method.toUpperCase()),
      );
    },
    add(entry) {
      seq += 1;
      const logged = { seq, ...entry };
      entries.push(logged);
      if (entries.length > limit) entries = entries.slice(-limit);
      return logged;
    },
    clear() {
      entries = [];
    },
  };
}

const SECRET_HEADERS = new Set([
  'authorization',
  'cookie',
  'x-forge-oauth-system',
  'x-forge-oauth-user',
]);
const SECRET_FIELDS =
  /^(client_secret|code|code_verifier|refresh_token|access_token|password|oauth_signature|oauth_verifier|token)$/;

function redactBody(body: string, contentType: string): string {
  if (contentType.includes('application/x-www-form-urlencoded')) {
    const params = new URLSearchParams(body);
    for (const key of [...params.keys()])
      if (SECRET_FIELDS.test(key)) params.set(key, '[redacted]');
    return params.toString();
  }
  if (contentType.includes('json')) {
    try {
      return JSON.stringify(JSON.parse(body), (key, value: unknown) =>
        SECRET_FIELDS.test(key) ? '[redacted]' : value,
      );
    } catch {
      return body;
    }
  }
  return body;
}

/** The view served by `GET /_sim/requests`: credentials in headers and bodies replaced by `[redacted]`. */
export function redactRequest(entry: LoggedRequest): LoggedRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(entry.headers)) {
    headers[name] = SECRET_HEADERS.has(name) ? `${value.split(' ')[0] ?? ''} [redacted]` : value;
  }
  const [path, query] = entry.url.split('?', 2);
  const url =
    query === undefined
      ? entry.url
      : `${path}?${redactBody(query, 'application/x-www-form-urlencoded')}`;
  return {
    ...entry,
    url,
    headers,
    body: redactBody(entry.body, entry.headers['content-type'] ?? ''),
  };
}
