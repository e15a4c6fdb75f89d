import { Problem } from '@testbridge/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../testing/index.ts';

type TestApp = Awaited<ReturnType<typeof createTestApp>>;
const json = { 'content-type': 'application/json' };

describe('API keys', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.cleanup());

  const createKey = async (role: 'admin' | 'tool', name = `${role} key`) => {
    const res = await t.app.request('/api/v1/api-keys', {
      method: 'POST',
      headers: t.asAdmin(json),
      body: JSON.stringify({ name, role }),
    });
    expect(res.status).toBe(201);
    return (await res.json()) as { id: string; key: string; prefix: string; role: string };
  };

  it('answers 401 with a challenge when no key is sent', async () => {
    const res = await t.app.request('/api/v1/api-keys');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(await res.json()).toMatchObject({ code: 'unauthenticated', status: 401 });
  });

  it('answers 401 for an unknown key', async () => {
    const res = await t.app.request('/api/v1/whoami', {
      headers: { authorization: `Bearer tb_${'x'.repeat(43)}` },
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('invalid_token');
  });

  it('creates a key shown once: tb_ and 32 random bytes, never listed again', async () => {
    const created = await createKey('tool');
    expect(created.key).toMatch(/^tb_[A-Za-z0-9_-]{43}$/);
    expect(created.key.startsWith(created.prefix)).toBe(true);
    const list = await t.app.request('/api/v1/api-keys', { headers: t.asAdmin() });
    const text = await list.text();
    expect(text).not.toContain(created.key);
    expect(JSON.parse(text).items.map((k: { id: string }) => k.id)).toContain(created.id);
  });

  it('lets a tool key call tool routes but answers 403 on admin routes', async () => {
    const tool = await createKey('tool');
    const headers = { authorization: `Bearer ${tool.key}` };
    const who = await t.app.request('/api/v1/whoami', { headers });
    expect(who.status).toBe(200);
    expect(await who.json()).toEqual({ keyId: tool.id, name: 'tool key', role: 'tool' });
    const res = await t.app.request('/api/v1/api-keys', { headers });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: 'forbidden', status: 403 });
  });

  it('stops accepting a key once it is revoked', async () => {
    const tool = await createKey('tool');
    const revoke = await t.app.request(`/api/v1/api-keys/${tool.id}`, {
      method: 'DELETE',
      headers: t.asAdmin(),
    });
    expect(revoke.status).toBe(204);
    const res = await t.app.request('/api/v1/whoami', {
      headers: { authorization: `Bearer ${tool.key}` },
    });
    expect(res.status).toBe(401);
    const again = await t.app.request(`/api/v1/api-keys/${tool.id}`, {
      method: 'DELETE',
      headers: t.asAdmin(),
    });
    expect(again.status).toBe(404);
  });

  it('refuses to revoke the last active admin key', async () => {
    const list = (await (
      await t.app.request('/api/v1/api-keys', { headers: t.asAdmin() })
    ).json()) as { items: { id: string; role: string; revokedAt: string | null }[] };
    const admins = list.items.filter((k) => k.role === 'admin' && !k.revokedAt);
    expect(admins).toHaveLength(1);
    const res = await t.app.request(`/api/v1/api-keys/${admins[0]?.id}`, {
      method: 'DELETE',
      headers: t.asAdmin(),
    });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ code: 'conflict' });
  });

  it('names every invalid field of a bad body', async () => {
    const res = await t.app.request('/api/v1/api-keys', {
      method: 'POST',
      headers: t.asAdmin(json),
      body: JSON.stringify({ name: '  ', role: 'root', extra: true }),
    });
    expect(res.status).toBe(400);
    const problem = Problem.parse(await res.json());
    expect(problem.code).toBe('validation_failed');
    expect(problem.invalidFields?.map((f) => f.field).sort()).toEqual([
      'body.extra',
      'body.name',
      'body.role',
    ]);
  });
});
