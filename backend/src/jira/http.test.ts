import { createSim, SEEDED } from '@testbridge/jira-sim';
import { beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PlainSecret } from '../crypto/secret.ts';
import { createLogCapture } from '../testing/index.ts';
import { basicAuth, bearerAuth } from './auth.ts';
import { JiraCallError } from './errors.ts';
import {
  backoffMs,
  callJira,
  callJiraWithStatus,
  type JiraEndpoint,
  retryAfterMs,
} from './http.ts';
import { upsertRemoteLink } from './issues-api.ts';

const Myself = z.object({ emailAddress: z.string() }).loose();

function setup() {
  const sim = createSim({ baseUrl: 'http://jira-sim.test' });
  const slept: number[] = [];
  const { logger } = createLogCapture();
  const deps = {
    fetch: sim.fetch as typeof fetch,
    logger,
    sleep: async (ms: number) => {
      slept.push(ms);
    },
  };
  const acme: JiraEndpoint = {
    baseUrl: `${sim.baseUrl}/cloud/acme`,
    auth: basicAuth('alice@acme.test', new PlainSecret(SEEDED.apiTokens.alice)),
  };
  const calls = (path: string) =>
    sim.requests.list().filter((r) => r.path === path || r.path.endsWith(path)).length;
  return { sim, deps, slept, acme, calls };
}

async function failure(promise: Promise<unknown>): Promise<JiraCallError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof JiraCallError))
    throw new Error(`expected a JiraCallError, got ${String(error)}`);
  return error;
}

describe('callJira against the simulator', () => {
  let t: ReturnType<typeof setup>;
  beforeEach(() => {
    t = setup();
  });

  it('authenticates with an API token and parses the answer', async () => {
    const me = await callJira(t.deps, t.acme, { path: '/rest/api/3/myself' }, Myself);
    expect(me.emailAddress).toBe('alice@acme.test');
  });

  it('reports Jira’s success status to callers that ask for it', async () => {
    const me = await callJiraWithStatus(t.deps, t.acme, { path: '/rest/api/3/myself' }, Myself);
    expect(me).toEqual({
      status: 200,
      body: expect.objectContaining({ emailAddress: 'alice@acme.test' }),
    });
    const api = { deployment: 'cloud', apiVersion: '3', endpoint: t.acme } as const;
    const link = { globalId: 'tb:test:1', url: 'https://tests.example.test/1', title: 'Test 1' };
    const created = await upsertRemoteLink(t.deps, api, 'TB-1', link);
    const updated = await upsertRemoteLink(t.deps, api, 'TB-1', { ...link, title: 'Test 1 (v2)' });
    expect(created).toEqual({ id: expect.any(String), created: true });
    expect(updated).toEqual({ id: created.id, created: false });
  });

  it('waits as long as Retry-After says on 429, then succeeds', async () => {
    t.sim.addFault({ kind: 'rate-limit', path: '*/myself', retryAfterSeconds: 7, times: 2 });
    await callJira(t.deps, t.acme, { path: '/rest/api/3/myself' }, Myself);
    expect(t.slept).toEqual([7000, 7000]);
    expect(t.calls('/rest/api/3/myself')).toBe(3);
  });

  it.each([{ kind: 'status', status: 503 }, { kind: 'drop' }] as const)(
    'retries a GET after $kind',
    async (fault) => {
      t.sim.addFault({ ...fault, path: '*/myself', times: 1 });
      const me = await callJira(t.deps, t.acme, { path: '/rest/api/3/myself' }, Myself);
      expect(me.emailAddress).toBe('alice@acme.test');
      expect(t.slept).toHaveLength(1);
      expect(t.calls('/rest/api/3/myself')).toBe(2);
    },
  );

  it('never repeats a POST after a 5xx: the first attempt may have worked', async () => {
    t.sim.addFault({ kind: 'status', status: 502, path: '*/rest/api/3/issue', times: 1 });
    const error = await failure(
      callJira(
        t.deps,
        t.acme,
        { method: 'POST', path: '/rest/api/3/issue', body: {} },
        z.unknown(),
      ),
    );
    expect(error.code).toBe('jira_unreachable');
    expect(t.calls('/rest/api/3/issue')).toBe(1);
  });

  it('gives up after four attempts during an outage', async () => {
    t.sim.addFault({ kind: 'outage', path: '*' });
    const error = await failure(callJira(t.deps, t.acme, { path: '/rest/api/3/myself' }, Myself));
    expect(error.code).toBe('jira_unreachable');
    expect(t.slept).toHaveLength(3);
  });

  it('says Jira timed out (504) when no answer came in time, after the retries of a read', async () => {
    // A fetch that fails as undici's does when AbortSignal.timeout fires (no wall-clock wait).
    const silent = async () => {
      throw new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    };
    const deps = { ...t.deps, fetch: silent as typeof fetch };
    const error = await failure(callJira(deps, t.acme, { path: '/rest/api/3/myself' }, Myself));
    expect(error.code).toBe('jira_timed_out');
    expect(error.status).toBe(504);
    expect(error.message).toContain('timed out');
    expect(t.slept).toHaveLength(3);

    t.sim.addFault({ kind: 'status', status: 504, path: '*/rest/api/3/issue', times: 1 });
    const gateway = await failure(
      callJira(
        t.deps,
        t.acme,
        { method: 'POST', path: '/rest/api/3/issue', body: {} },
        z.unknown(),
      ),
    );
    expect(gateway.code).toBe('jira_timed_out');
  });

  it('maps each refusal to the code a caller can act on', async () => {
    const cases = [
      [400, 'jira_rejected_request'],
      [409, 'jira_rejected_request'],
      [422, 'jira_rejected_request'],
      [403, 'jira_forbidden'],
      [404, 'jira_not_found'],
      [410, 'jira_not_found'],
      [405, 'jira_rejected'],
      [500, 'jira_unreachable'],
    ] as const;
    for (const [status, code] of cases) {
      t.sim.addFault({ kind: 'status', status, path: '*/rest/api/3/issue', times: 1 });
      const error = await failure(
        callJira(
          t.deps,
          t.acme,
          { method: 'POST', path: '/rest/api/3/issue', body: {} },
          z.unknown(),
        ),
      );
      expect([status, error.code]).toEqual([status, code]);
      expect(error.jira?.status).toBe(status);
    }
  });

  it("reports Jira's own words when it refuses the credentials", async () => {
    const endpoint = { ...t.acme, auth: basicAuth('alice@acme.test', new PlainSecret('wrong')) };
    const error = await failure(callJira(t.deps, endpoint, { path: '/rest/api/3/myself' }, Myself));
    expect(error.code).toBe('jira_unauthorized');
    expect(error.jira?.status).toBe(401);
  });

  it('refreshes once on 401 and retries with the new token', async () => {
    const alice = [...t.sim.world.accounts.values()].find(
      (user) => user.emailAddress === 'alice@acme.test',
    );
    const good = t.sim.issueCloudTokens({
      accountId: alice?.id ?? '',
      cloudId: t.sim.world.sites.get('acme')?.cloudId ?? '',
      scopes: ['read:jira-user', 'read:jira-work'],
    });
    let token = new PlainSecret('expired-or-bogus');
    let refreshes = 0;
    const endpoint: JiraEndpoint = {
      baseUrl: `${t.sim.baseUrl}/api/ex/jira/${t.sim.world.sites.get('acme')?.cloudId}`,
      auth: bearerAuth(
        async () => token,
        async () => {
          refreshes += 1;
          token = new PlainSecret(good.access_token);
        },
      ),
    };
    await callJira(t.deps, endpoint, { path: '/rest/api/3/myself' }, z.unknown());
    expect(refreshes).toBe(1);
  });
});

describe('retry timing', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(
      retryAfterMs('Wed, 21 Oct 2026 07:28:10 GMT', Date.parse('Wed, 21 Oct 2026 07:28:00 GMT')),
    ).toBe(10_000);
    expect(retryAfterMs(null)).toBeUndefined();
    expect(retryAfterMs('soon')).toBeUndefined();
  });

  it('backs off exponentially with jitter, capped', () => {
    expect(backoffMs(1, () => 0.999)).toBe(499);
    expect(backoffMs(10, () => 0.999)).toBe(7992);
    expect(backoffMs(3, () => 0)).toBe(0);
  });
});
