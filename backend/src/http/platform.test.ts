import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, STORE_KINDS } from '../testing/index.ts';
import { AppError } from './errors.ts';

type TestApp = Awaited<ReturnType<typeof createTestApp>>;
const json = { 'content-type': 'application/json' };

describe('HTTP platform', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { BODY_LIMIT_BYTES: '2048' } });
    t.app.get('/boom', () => {
      throw new Error('database password is hunter2');
    });
    t.app.get('/clash', () => {
      throw new AppError('conflict', 'taken', {
        extensions: { status: 'busy', code: 'x', hint: 'h' },
      });
    });
  });
  afterAll(() => t.cleanup());

  it('serves a valid OpenAPI 3.1 document describing every route', async () => {
    const res = await t.app.request('/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as {
      openapi: string;
      paths: Record<string, Record<string, { responses: object }>>;
    };
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(structuredClone(doc));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/whoami', '/api/v1/api-keys', '/api/v1/api-keys/{id}']),
    );
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const operation of Object.values(operations)) {
        expect(Object.keys(operation.responses).length, path).toBeGreaterThan(0);
      }
    }
  });

  it('serves the API reference at /docs without the internet', async () => {
    const page = await t.app.request('/docs');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('/openapi.json');
    const bundle = await t.app.request('/docs/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
    expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
  });

  it('gives every response a request id and keeps a sane incoming one', async () => {
    const fresh = await t.app.request('/healthz');
    expect(fresh.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const given = await t.app.request('/healthz', { headers: { 'x-request-id': 'ci-run-42' } });
    expect(given.headers.get('x-request-id')).toBe('ci-run-42');
    for (const insane of ['a b', 'x'.repeat(129), 'id;drop']) {
      const replaced = await t.app.request('/healthz', { headers: { 'x-request-id': insane } });
      expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
    const longest = 'y'.repeat(128);
    const kept = await t.app.request('/healthz', { headers: { 'x-request-id': longest } });
    expect(kept.headers.get('x-request-id')).toBe(longest);
  });

  it('answers malformed JSON with a 400 problem naming the body', async () => {
    const res = await t.app.request('/api/v1/api-keys', {
      method: 'POST',
      headers: t.asAdmin(json),
      body: '{"name": "x", ',
    });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({
      code: 'validation_failed',
      invalidFields: [{ field: 'body' }],
    });
  });

  it('answers a body that is not JSON with 415', async () => {
    const res = await t.app.request('/api/v1/api-keys', {
      method: 'POST',
      headers: t.asAdmin({ 'content-type': 'text/plain' }),
      body: 'name=x',
    });
    expect(res.status).toBe(415);
    expect(await res.json()).toMatchObject({ code: 'unsupported_media_type' });
  });

  it('refuses a body over the size limit with 413 before reading it', async () => {
    const res = await t.app.request('/api/v1/api-keys', {
      method: 'POST',
      headers: t.asAdmin(json),
      body: JSON.stringify({ name: 'x'.repeat(5000), role: 'tool' }),
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ code: 'body_too_large', status: 413 });
  });

  it('answers unknown routes with a 404 problem', async () => {
    const res = await t.app.request('/api/v1/nothing-here');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ code: 'not_found', status: 404 });
  });

  it('hides the cause of an unexpected error from the caller and logs it', async () => {
    const res = await t.app.request('/boom', { headers: { 'x-request-id': 'boom-1' } });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('hunter2');
    expect(JSON.parse(text)).toMatchObject({ code: 'internal_error', requestId: 'boom-1' });
    const logged = t.logs.lines().find((l) => l.msg === 'request failed');
    expect(logged).toMatchObject({ requestId: 'boom-1', code: 'internal_error' });
  });

  it('never lets an extension member replace a standard problem member', async () => {
    const res = await t.app.request('/clash');
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ status: 409, code: 'conflict', hint: 'h' });
  });

  it('says nosniff on every answer and no-store on every answer to a caller with credentials', async () => {
    const anonymous = await t.app.request('/healthz');
    expect(anonymous.headers.get('x-content-type-options')).toBe('nosniff');
    expect(anonymous.headers.get('cache-control')).toBeNull();
    const missing = await t.app.request('/nowhere');
    expect(missing.headers.get('x-content-type-options')).toBe('nosniff');
    for (const res of [
      await t.app.request('/api/v1/whoami', { headers: t.asAdmin() }),
      await t.app.request('/api/v1/api-keys', { headers: t.asAdmin() }),
      await t.app.request('/api/v1/whoami', { headers: { authorization: 'Bearer tb_wrong' } }),
      await t.app.request('/api/v1/whoami', { headers: { cookie: 'session=x' } }),
    ]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('closes /metrics behind METRICS_TOKEN when one is configured', async () => {
    const token = 'metrics-token-0123456789';
    const closed = await createTestApp({ env: { METRICS_TOKEN: token } });
    try {
      for (const authorization of [undefined, 'Bearer wrong-token-0123456789', `Basic ${token}`]) {
        const res = await closed.app.request('/metrics', {
          headers: authorization ? { authorization } : {},
        });
        expect(res.status).toBe(401);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect(res.headers.get('www-authenticate')).toContain('Bearer');
      }
      const open = await closed.app.request('/metrics', {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(open.status).toBe(200);
      expect(await open.text()).toContain('testbridge_http_requests_total');
    } finally {
      await closed.cleanup();
    }
  });

  it('counts requests by route template in /metrics', async () => {
    await t.app.request('/api/v1/api-keys/some-id', { method: 'DELETE', headers: t.asAdmin() });
    const metrics = await (await t.app.request('/metrics')).text();
    expect(metrics).toMatch(
      /testbridge_http_requests_total\{method="DELETE",route="\/api\/v1\/api-keys\/:id",status="404"\} 1/,
    );
    expect(metrics).toContain('testbridge_http_request_duration_seconds_bucket');
  });

  it('logs each request without its authorization header or query string', async () => {
    await t.app.request('/healthz?code=oauth-code-123', { headers: t.asAdmin() });
    const text = t.logs.text();
    expect(text).toContain('"route":"/healthz"');
    expect(text).not.toContain('oauth-code-123');
    expect(text).not.toContain(t.asAdmin().authorization.slice(7));
  });
});

describe.each(STORE_KINDS)('readiness on %s', (kind) => {
  it('is ready with migrations applied, and not ready once the store is gone', async () => {
    const t = await createTestApp({ store: kind });
    try {
      const ready = await t.app.request('/readyz');
      expect(ready.status).toBe(200);
      expect(await ready.json()).toEqual({
        status: 'ready',
        checks: { store: 'ok', migrations: 'applied' },
      });
      await t.deps.store.close();
      const gone = await t.app.request('/readyz');
      expect(gone.status).toBe(503);
      expect(await gone.json()).toMatchObject({
        status: 'not_ready',
        checks: { store: 'unreachable' },
      });
    } finally {
      await t.cleanup().catch(() => undefined);
    }
  });
});
