/**
 * A CI client that goes away in the middle of its body (a killed job, a dropped connection) is
 * no fault of ours: no `internal_error`, nothing logged at level error, nothing stored.
 */
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { serve } from '@hono/node-server';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDevopsTestbed, type DevopsTestbed, jenkinsPayload } from './testing.ts';

const ERROR_LEVELS = new Set(['error', 'fatal']);

describe('a client that disconnects mid-body', () => {
  let b: DevopsTestbed;
  let server: ReturnType<typeof serve>;
  let port: number;
  beforeEach(async () => {
    b = await createDevopsTestbed();
    server = serve({ fetch: b.t.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    port = (server.address() as AddressInfo).port;
  });
  afterEach(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await b.t.cleanup();
  });

  /** Sends the headers and half the body, then closes the socket. */
  async function sendHalf(
    path: string,
    contentType: string,
    body: string,
    auth: boolean,
    chunked: boolean,
  ) {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    const headers = [
      `POST ${path} HTTP/1.1`,
      'host: 127.0.0.1',
      `content-type: ${contentType}`,
      chunked ? 'transfer-encoding: chunked' : `content-length: ${Buffer.byteLength(body)}`,
      ...(auth ? [`authorization: Bearer ${b.ciToken}`] : []),
    ];
    const half = body.slice(0, Math.floor(body.length / 2));
    const sent = chunked ? `${Buffer.byteLength(half).toString(16)}\r\n${half}\r\n` : half;
    socket.write(`${headers.join('\r\n')}\r\n\r\n${sent}`);
    socket.destroy();
  }

  it.each([
    ['/jira/builds/0.1/cloud/CLOUD/bulk', 'application/json', true, false],
    ['/jira/builds/0.1/cloud/CLOUD/bulk', 'application/json', true, true],
    ['/api/v1/devops/builds', 'application/json', true, false],
    ['/api/v1/devops/deployments', 'application/json', true, true],
    ['/oauth/token', 'application/x-www-form-urlencoded', false, false],
    ['/oauth/token', 'application/json', false, true],
  ])(
    'at %s (%s, CI auth %s, chunked %s) is logged below error, not as internal_error',
    async (template, type, auth, chunked) => {
      const path = template.replace('CLOUD', b.site.cloudId);
      const body =
        type === 'application/json'
          ? JSON.stringify(jenkinsPayload('build'))
          : `grant_type=client_credentials&client_id=${b.ci.clientId}&client_secret=${b.ci.clientSecret}`;
      const answered = () =>
        b.t.logs.lines().filter((line) => line.msg === 'request' && line.path === path).length;
      const before = answered();
      await sendHalf(path, type, body, auth, chunked);
      await vi.waitFor(
        () => {
          expect(answered()).toBe(before + 1);
        },
        { timeout: 20_000, interval: 20 },
      );
      const lines = b.t.logs.lines();

      expect(lines.filter((line) => ERROR_LEVELS.has(String(line.level)))).toEqual([]);
      expect(JSON.stringify(lines)).not.toContain('internal_error');
      const items = await b.t.app.request('/api/v1/outbox/items', { headers: b.t.asAdmin() });
      expect(((await items.json()) as { items: unknown[] }).items).toEqual([]);
    },
  );
});
