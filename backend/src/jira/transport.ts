import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate } from 'node:zlib';
import { type Dispatcher, request, fetch as undiciFetch } from 'undici';

/** One request to Jira as `callJira` sends it. */
export interface JiraSend {
  method: string;
  headers: Record<string, string>;
  body?: string | undefined;
  signal: AbortSignal;
  /** The connection's pooled dispatcher (proxy or SSRF-guarded agent). */
  dispatcher?: Dispatcher | undefined;
}

/** Jira's answer: its status, a header, and the body as text (read once). */
export interface JiraAnswer {
  status: number;
  header(name: string): string | null;
  text(): Promise<string>;
}

const decoders: Record<string, (data: Buffer) => Promise<Buffer>> = {
  gzip: promisify(gunzip),
  'x-gzip': promisify(gunzip),
  deflate: promisify(inflate),
  br: promisify(brotliDecompress),
};

/** The same compressions undici's fetch asks for (and undoes), so Jira sends as little. */
const ACCEPT_ENCODING = 'gzip, deflate, br';

async function bodyText(answer: Dispatcher.ResponseData): Promise<string> {
  const header = answer.headers['content-encoding'];
  const encoding = (Array.isArray(header) ? header.join(',') : (header ?? '')).trim().toLowerCase();
  if (!encoding || encoding === 'identity') return answer.body.text();
  let data: Buffer = Buffer.from(await answer.body.arrayBuffer());
  // Codings are listed in the order they were applied: undo them last first.
  for (const coding of encoding
    .split(',')
    .map((part) => part.trim())
    .reverse()) {
    const decode = decoders[coding];
    if (!decode) throw new Error(`Jira answered with an unknown content-encoding ${coding}`);
    data = await decode(data);
  }
  return data.toString('utf8');
}

/**
 * Sends one request. When `fetchFn` is undici's own fetch and the connection has a dispatcher,
 * the request goes straight to that dispatcher (`undici.request`): the same sockets, proxy, SSRF
 * guard, redirects not followed and compressed bodies undone, without the WHATWG Request/Response
 * and web-stream layers fetch adds (about a tenth of a mediated call's CPU). Any other `fetchFn`
 * (tests inject the simulator) is called as fetch.
 */
export async function sendToJira(
  fetchFn: typeof fetch,
  url: string,
  send: JiraSend,
): Promise<JiraAnswer> {
  if (send.dispatcher && fetchFn === (undiciFetch as unknown)) {
    const answer = await request(url, {
      dispatcher: send.dispatcher,
      method: send.method as Dispatcher.HttpMethod,
      headers: { 'accept-encoding': ACCEPT_ENCODING, ...send.headers },
      body: send.body,
      signal: send.signal,
    });
    return {
      status: answer.statusCode,
      header: (name) => {
        const value = answer.headers[name.toLowerCase()];
        return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
      },
      text: () => bodyText(answer),
    };
  }
  const init: RequestInit = {
    method: send.method,
    headers: send.headers,
    redirect: 'manual',
    signal: send.signal,
    ...(send.body !== undefined ? { body: send.body } : {}),
  };
  // undici's fetch (deps.fetch) reads `dispatcher`; the DOM RequestInit type does not know it.
  if (send.dispatcher) Object.assign(init, { dispatcher: send.dispatcher });
  const response = await fetchFn(url, init);
  return {
    status: response.status,
    header: (name) => response.headers.get(name),
    text: () => response.text(),
  };
}
