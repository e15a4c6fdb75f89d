import { Hono } from 'hono';
import type { Router } from 'hono/router';
import { RegExpRouter } from 'hono/router/reg-exp-router';
import { SmartRouter } from 'hono/router/smart-router';
import { TrieRouter } from 'hono/router/trie-router';
import { describe, expect, it } from 'vitest';
import { REMEMBERED_PATHS, rememberingRouter } from './router.ts';

/** Routes shaped like ours: wildcard middleware, params, and a static segment after a param. */
function addRoutes(router: Router<string>): void {
  router.add('ALL', '*', 'observe');
  router.add('POST', '/jira/*', 'ci-auth');
  router.add('POST', '/jira/builds/0.1/cloud/:cloudId/bulk', 'builds');
  router.add('GET', '/api/v1/connections/:id', 'connection');
  router.add('POST', '/api/v1/connections/:id/diagnostics', 'diagnostics');
  router.add('POST', '/api/v1/connections/oauth', 'oauth');
  router.add('GET', '/api/v1/devops/events/:id', 'event');
}

const hono = () => new SmartRouter<string>({ routers: [new RegExpRouter(), new TrieRouter()] });

const REQUESTS: [string, string][] = [
  ['POST', '/jira/builds/0.1/cloud/abc/bulk'],
  ['POST', '/jira/builds/0.1/cloud/other/bulk'],
  ['POST', '/api/v1/connections/oauth'],
  ['GET', '/api/v1/connections/oauth'],
  ['POST', '/api/v1/connections/c1/diagnostics'],
  ['GET', '/api/v1/devops/events/evt_1'],
  ['GET', '/nowhere'],
];

describe('rememberingRouter', () => {
  it('matches what hono’s default router matches, the first time and when asked again', () => {
    const reference = hono();
    addRoutes(reference);
    const router = rememberingRouter<string>();
    addRoutes(router);
    for (let round = 0; round < 3; round++) {
      for (const [method, path] of REQUESTS) {
        expect(router.match(method, path), `${method} ${path}`).toEqual(
          reference.match(method, path),
        );
      }
    }
  });

  it('keeps each path’s own parameters when another path of the same route was remembered', () => {
    const router = rememberingRouter<string>();
    addRoutes(router);
    router.match('POST', '/jira/builds/0.1/cloud/abc/bulk');
    const [handlers] = router.match('POST', '/jira/builds/0.1/cloud/other/bulk');
    expect(handlers.map(([handler, params]) => [handler, { ...params }])).toEqual([
      ['observe', {}],
      ['ci-auth', {}],
      ['builds', { cloudId: 'other' }],
    ]);
  });

  it('answers a remembered path without asking the router again, and only that path', () => {
    const inner = hono();
    addRoutes(inner);
    let asked = 0;
    const counting: Router<string> = {
      name: 'counting',
      add: (method, path, handler) => inner.add(method, path, handler),
      match: (method, path) => {
        asked += 1;
        return inner.match(method, path);
      },
    };
    const router = rememberingRouter(counting);
    router.match('POST', '/jira/builds/0.1/cloud/abc/bulk');
    router.match('POST', '/jira/builds/0.1/cloud/abc/bulk');
    expect(asked).toBe(1);
    router.match('GET', '/jira/builds/0.1/cloud/abc/bulk');
    router.match('POST', '/jira/builds/0.1/cloud/xyz/bulk');
    expect(asked).toBe(3);
  });

  it('stays bounded and correct past the number of paths it remembers', () => {
    const reference = hono();
    addRoutes(reference);
    const router = rememberingRouter<string>();
    addRoutes(router);
    for (let i = 0; i <= REMEMBERED_PATHS + 10; i++) {
      const path = `/api/v1/devops/events/evt_${i}`;
      expect(router.match('GET', path)).toEqual(reference.match('GET', path));
    }
    const first = '/api/v1/devops/events/evt_0';
    expect(router.match('GET', first)).toEqual(reference.match('GET', first));
  });

  it('routes a Hono app exactly as before', async () => {
    const app = new Hono({ router: rememberingRouter() });
    app.use('*', async (c, next) => {
      await next();
      c.header('x-seen', 'yes');
    });
    app.get('/items/:id', (c) => c.json({ id: c.req.param('id') }));
    app.post('/items/new', (c) => c.text('created', 201));
    for (const id of ['a', 'b', 'a']) {
      const res = await app.request(`/items/${id}`);
      expect(await res.json()).toEqual({ id });
      expect(res.headers.get('x-seen')).toBe('yes');
    }
    expect((await app.request('/items/new', { method: 'POST' })).status).toBe(201);
    expect((await app.request('/items/new', { method: 'PUT' })).status).toBe(404);
  });
});
