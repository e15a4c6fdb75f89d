import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { fetch as undiciFetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJiraDispatcher } from './dispatcher.ts';
import { sendToJira } from './transport.ts';

const realFetch = undiciFetch as unknown as typeof fetch;
const BODY = JSON.stringify({ issues: [{ id: '1', key: 'TB-1', fields: { summary: 'é ✓' } }] });

describe('sendToJira over a connection’s dispatcher (real sockets)', () => {
  let server: Server;
  let origin = '';
  const seen: IncomingMessage['headers'][] = [];
  const dispatcher = createJiraDispatcher({ allowPrivate: true, connections: 2 });

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers);
      let body = '';
      req.on('data', (chunk) => {
        body += String(chunk);
      });
      req.on('end', () => {
        const encoded: Record<string, Buffer> = {
          '/gzip': gzipSync(BODY),
          '/deflate': deflateSync(BODY),
          '/br': brotliCompressSync(BODY),
        };
        const coding = req.url?.slice(1) ?? '';
        if (req.url === '/redirect') {
          res.writeHead(302, { location: `${origin}/plain` }).end();
        } else if (req.url === '/busy') {
          res.writeHead(429, { 'retry-after': '7' }).end('{"errorMessages":["slow down"]}');
        } else if (req.url === '/echo') {
          res.writeHead(200, { 'content-type': 'application/json' }).end(body);
        } else if (encoded[coding]) {
          res.writeHead(200, { 'content-encoding': coding }).end(encoded[coding]);
        } else {
          res.writeHead(200, { 'content-type': 'application/json' }).end(BODY);
        }
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await dispatcher.close();
    server.close();
  });

  const send = (path: string, extra: { method?: string; body?: string } = {}) =>
    sendToJira(realFetch, `${origin}${path}`, {
      method: extra.method ?? 'GET',
      headers: { accept: 'application/json', authorization: 'Bearer t' },
      body: extra.body,
      signal: AbortSignal.timeout(10_000),
      dispatcher,
    });

  it('asks for compressed bodies and undoes gzip, deflate and brotli', async () => {
    for (const coding of ['gzip', 'deflate', 'br']) {
      const answer = await send(`/${coding}`);
      expect([coding, answer.status, await answer.text()]).toEqual([coding, 200, BODY]);
    }
    expect(seen.at(-1)?.['accept-encoding']).toBe('gzip, deflate, br');
    expect(seen.at(-1)?.authorization).toBe('Bearer t');
  });

  it('sends the body and reads an uncompressed answer as it came', async () => {
    const answer = await send('/echo', { method: 'POST', body: '{"jql":"project = TB"}' });
    expect(await answer.text()).toBe('{"jql":"project = TB"}');
    expect(answer.header('Content-Type')).toBe('application/json');
  });

  it('does not follow redirects and gives Jira’s headers by name', async () => {
    const redirect = await send('/redirect');
    expect(redirect.status).toBe(302);
    expect(redirect.header('location')).toBe(`${origin}/plain`);
    await redirect.text();
    const busy = await send('/busy');
    expect([busy.status, busy.header('Retry-After'), busy.header('x-absent')]).toEqual([
      429,
      '7',
      null,
    ]);
    expect(await busy.text()).toContain('slow down');
  });

  it('answers the same through an injected fetch (the simulator in tests)', async () => {
    const calls: string[] = [];
    const injected: typeof fetch = async (input, init) => {
      calls.push(`${init?.method} ${String(input)} ${init?.redirect}`);
      return new Response(BODY, { status: 201, headers: { 'retry-after': '3' } });
    };
    const answer = await sendToJira(injected, `${origin}/x`, {
      method: 'POST',
      headers: {},
      body: '{}',
      signal: AbortSignal.timeout(10_000),
      dispatcher,
    });
    expect([answer.status, answer.header('retry-after'), await answer.text()]).toEqual([
      201,
      '3',
      BODY,
    ]);
    expect(calls).toEqual([`POST ${origin}/x manual`]);
  });

  it('keeps the SSRF guard: a name resolving to loopback is refused at connect time', async () => {
    const guarded = createJiraDispatcher({ allowPrivate: false });
    const port = new URL(origin).port;
    const before = seen.length;
    const error = await sendToJira(realFetch, `http://localhost:${port}/plain`, {
      method: 'GET',
      headers: {},
      signal: AbortSignal.timeout(10_000),
      dispatcher: guarded,
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as NodeJS.ErrnoException | undefined)?.code).toBe('EADDRNOTAVAIL');
    expect(seen.length).toBe(before);
    await guarded.close();
  });
});
