import { describe, expect, it } from 'vitest';
import { EXIT } from './errors.ts';
import { createClient, retryAfterMs } from './http.ts';
import { createOutput } from './output.ts';

const SECRET = 'tbcs_planted-secret-value-123456';

/** A client on a scripted server: `answer` decides each response; the clock moves with sleep. */
function scripted(
  answer: (url: URL, init: RequestInit, n: number) => Response | Promise<Response>,
) {
  let now = 1_000_000;
  const sleeps: number[] = [];
  const calls: { path: string; authorization: string | undefined }[] = [];
  const printed: string[] = [];
  const output = createOutput(
    {
      stdout: { write: (t: string) => printed.push(t) },
      stderr: { write: (t: string) => printed.push(t) },
    },
    true,
  );
  output.addSecret(SECRET);
  const client = createClient({
    baseUrl: 'http://testbridge.test/',
    clientId: 'tbci_client',
    clientSecret: SECRET,
    timeoutMs: 1000,
    retries: 3,
    retryBaseMs: 100,
    maxRetryWaitMs: 60_000,
    fetch: async (input, init = {}) => {
      const url = new URL(String(input));
      const headers = new Headers(init.headers);
      calls.push({ path: url.pathname, authorization: headers.get('authorization') ?? undefined });
      return answer(url, init, calls.length);
    },
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
    now: () => now,
    random: () => 0.5,
    output,
  });
  return { client, sleeps, calls, printed, advance: (ms: number) => (now += ms) };
}

const token = (value: string, expiresIn = 3600) =>
  Response.json({ access_token: value, token_type: 'Bearer', expires_in: expiresIn });

describe('the HTTP client', () => {
  it('fetches one token and reuses it until shortly before it expires', async () => {
    let issued = 0;
    const s = scripted((url) =>
      url.pathname === '/oauth/token' ? token(`tbat_token-number-${++issued}`) : Response.json({}),
    );
    await s.client.request('GET', '/a');
    await s.client.request('GET', '/b');
    expect(s.client.tokensFetched()).toBe(1);
    s.advance(3600_000 - 60_000);
    await s.client.request('GET', '/c');
    expect(s.client.tokensFetched()).toBe(2);
    expect(s.calls.map((c) => c.authorization)).toEqual([
      undefined,
      'Bearer tbat_token-number-1',
      'Bearer tbat_token-number-1',
      undefined,
      'Bearer tbat_token-number-2',
    ]);
    expect(s.printed.join('')).not.toMatch(/tbat_token-number|planted-secret/);
  });

  it('a token refused mid-run is replaced once; a second refusal is an auth failure', async () => {
    let issued = 0;
    const s = scripted((url) =>
      url.pathname === '/oauth/token'
        ? token(`tbat_token-number-${++issued}`)
        : new Response('{}', { status: 401, headers: { 'content-type': 'application/json' } }),
    );
    await expect(s.client.request('GET', '/a')).rejects.toMatchObject({ exitCode: EXIT.auth });
    expect(s.client.tokensFetched()).toBe(2);
  });

  it('backs off exponentially with jitter on 5xx and network errors, then gives up', async () => {
    const s = scripted((url, _init, n) => {
      if (url.pathname === '/oauth/token') return token('tbat_abcdefgh');
      if (n % 2 === 0) throw new TypeError('fetch failed', { cause: { code: 'ECONNRESET' } });
      return new Response('down', { status: 502 });
    });
    const failure = s.client.request('POST', '/x');
    await expect(failure).rejects.toMatchObject({ exitCode: EXIT.unavailable });
    await expect(failure).rejects.toThrow('gave up after 4 attempts');
    // random 0.5 → 75 % of 100, 200, 400 ms.
    expect(s.sleeps).toEqual([75, 150, 300]);
  });

  it('waits what Retry-After asks (seconds or a date) on 429 and 503', async () => {
    const answers = [
      new Response('', { status: 429, headers: { 'retry-after': '3' } }),
      new Response('', {
        status: 503,
        headers: { 'retry-after': new Date(1_003_000 + 7_000).toUTCString() },
      }),
      Response.json({ ok: true }),
    ];
    const s = scripted((url) =>
      url.pathname === '/oauth/token' ? token('tbat_abcdefgh') : (answers.shift() as Response),
    );
    const response = await s.client.request('GET', '/x');
    expect(response.status).toBe(200);
    expect(s.sleeps).toEqual([3000, 7000]);
  });

  it('names a timeout as such', async () => {
    const s = scripted(() => {
      throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    });
    await expect(s.client.request('GET', '/x')).rejects.toThrow(
      '(timed out); gave up after 4 attempts',
    );
  });

  it('reads Retry-After as seconds or an HTTP date, and ignores anything else', () => {
    expect(retryAfterMs('120', 0)).toBe(120_000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4_000)).toBe(6_000);
    expect(retryAfterMs('soon', 0)).toBeUndefined();
    expect(retryAfterMs(null, 0)).toBeUndefined();
  });
});
