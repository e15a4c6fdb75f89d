import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../testing/index.ts';

type TestApp = Awaited<ReturnType<typeof createTestApp>>;

describe('the body size limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { BODY_LIMIT_BYTES: '2048' } });
  });
  afterAll(() => t.cleanup());

  const post = (body: string | ReadableStream<Uint8Array>, headers: Record<string, string> = {}) =>
    t.app.request('/api/v1/api-keys', {
      method: 'POST',
      headers: t.asAdmin({ 'content-type': 'application/json', ...headers }),
      body,
      duplex: 'half',
    } as RequestInit);
  const key = (name: string) => JSON.stringify({ name, role: 'tool' });
  /** A body that fails the request if anything reads it. */
  const unreadable = () =>
    new ReadableStream<Uint8Array>({
      pull: (controller) => controller.error(new Error('the body was read')),
    });

  it('refuses a declared Content-Length over the limit from the header, without reading the body', async () => {
    const res = await post(unreadable(), { 'content-length': '2049' });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 'body_too_large', status: 413 });
  });

  it('takes a declared Content-Length within the limit', async () => {
    const body = `${key('padded')}${' '.repeat(1900)}`;
    const res = await post(body, { 'content-length': String(Buffer.byteLength(body)) });
    expect(res.status).toBe(201);
  });

  it('counts a body without Content-Length (chunked) while reading it', async () => {
    const big = await post(key('x'.repeat(3000)));
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ code: 'body_too_large' });
    const small = await post(key('small'));
    expect(small.status).toBe(201);
  });

  it('counts a chunked body even when a Content-Length is sent too', async () => {
    const res = await post(key('x'.repeat(3000)), {
      'content-length': '10',
      'transfer-encoding': 'chunked',
    });
    expect(res.status).toBe(413);
  });
});
