/**
 * Test support for the DevOps feature: the whole app wired to the Jira simulator, with a DevOps
 * site for the simulator's acme site, CI credentials and a CI token, and a forwarder to drive.
 */
import { readFileSync } from 'node:fs';
import { createSim, SEEDED } from '@testbridge/jira-sim';
import { DevopsEvent } from '@testbridge/shared/api/devops';
import { z } from 'zod';
import { drainOutbox } from '../outbox/forwarder.ts';
import { createTestApp } from '../testing/index.ts';
import { createDevopsSenders } from './sender.ts';

export const ACME_CLOUD_ID = 'e745c11f-8b46-4ed4-b3cb-313a679e1d9f';

const fixtures = new URL('../../../test/jira-sim/fixtures/jenkins/', import.meta.url);

/** The Jira payload of a Jenkins plugin recording (its `payload` field), unchanged. */
export function jenkinsPayload(name: 'build' | 'deployment'): Record<string, unknown> {
  const text = readFileSync(new URL(`${name}.json`, fixtures), 'utf8');
  return z.object({ payload: z.record(z.string(), z.unknown()) }).parse(JSON.parse(text)).payload;
}

/** The same payload, linked to an issue the simulator's acme site has (TB-25 for JEN-25). */
export function onKnownIssue(payload: Record<string, unknown>): Record<string, unknown> {
  return z
    .record(z.string(), z.unknown())
    .parse(JSON.parse(JSON.stringify(payload).replaceAll('JEN-25', 'TB-25')));
}

const Created = z.object({ id: z.string(), clientId: z.string(), clientSecret: z.string() });
const Token = z.object({ access_token: z.string() });
const Events = z.object({ events: z.array(z.object({ id: z.string() })) });

export async function createDevopsTestbed(options: Parameters<typeof createTestApp>[0] = {}) {
  // The simulator's webhook deliveries reach this app (set once the app exists).
  let deliver: typeof fetch = async () => {
    throw new TypeError('fetch failed');
  };
  const sim = createSim({
    baseUrl: 'http://jira-sim.test',
    fetch: (input, init) => deliver(input, init),
  });
  const simFetch: typeof fetch = (input, init) =>
    sim.fetch(input instanceof URL ? input.href : input, init);
  const t = await createTestApp({
    fetch: simFetch,
    ...options,
    env: {
      ATLASSIAN_AUTH_URL: `${sim.baseUrl}/auth`,
      ATLASSIAN_API_URL: `${sim.baseUrl}/api`,
      ALLOW_PRIVATE_JIRA_URLS: '1',
      // Tests drive delivery step by step (drain); verdict-wait.test.ts turns the wait on.
      DEVOPS_VERDICT_WAIT_MS: '0',
      ...options.env,
    },
  });
  sim.clock.set(t.clock.now().getTime());
  let dropping = 0;
  deliver = async (input, init) => {
    if (dropping > 0) {
      dropping--;
      throw new TypeError('fetch failed');
    }
    return t.app.request(input, init);
  };
  const json = { 'content-type': 'application/json' };

  const createSite = async (secret: string = SEEDED.devopsClients.acme.clientSecret) =>
    t.app.request('/api/v1/devops/sites', {
      method: 'POST',
      headers: t.asAdmin(json),
      body: JSON.stringify({
        name: 'Testbridge CI',
        siteUrl: `${sim.baseUrl}/cloud/acme`,
        clientId: SEEDED.devopsClients.acme.clientId,
        clientSecret: secret,
      }),
    });
  const siteRes = await createSite();
  const site = z.object({ id: z.string(), cloudId: z.string() }).parse(await siteRes.json());
  const credRes = await t.app.request(`/api/v1/devops/sites/${site.id}/credentials`, {
    method: 'POST',
    headers: t.asAdmin(json),
    body: JSON.stringify({ name: 'jenkins' }),
  });
  const ci = Created.parse(await credRes.json());
  const tokenRes = await t.app.request('/oauth/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: ci.clientId,
      client_secret: ci.clientSecret,
    }).toString(),
  });
  const ciToken = Token.parse(await tokenRes.json()).access_token;
  const ciAuth = { authorization: `Bearer ${ciToken}`, ...json };

  return {
    t,
    sim,
    /** The next `count` webhook deliveries of the simulator are lost on the way (network errors). */
    dropWebhookDeliveries: (count: number) => {
      dropping = count;
    },
    /** The simulator as the backend's fetch (for deps opened again on the same store). */
    simFetch,
    site,
    ci,
    ciToken,
    ciAuth,
    createSite,
    senders: () => createDevopsSenders(t.deps),
    drain: () => drainOutbox(t.deps, createDevopsSenders(t.deps), { random: () => 0.5 }),
    /** Moves the backend's and the simulator's clocks together. */
    advance(ms: number) {
      t.clock.advance(ms);
      sim.clock.advance(ms);
    },
    postJira: (api: 'builds' | 'deployments', body: unknown, cloudId = site.cloudId) =>
      t.app.request(`/jira/${api}/0.1/cloud/${cloudId}/bulk`, {
        method: 'POST',
        headers: ciAuth,
        body: JSON.stringify(body),
      }),
    postApi: (api: 'builds' | 'deployments', body: unknown) =>
      t.app.request(`/api/v1/devops/${api}`, {
        method: 'POST',
        headers: ciAuth,
        body: JSON.stringify(body),
      }),
    eventIds: async (res: Response) => Events.parse(await res.json()).events.map((e) => e.id),
    event: async (id: string) => {
      const res = await t.app.request(`/api/v1/devops/events/${id}`, { headers: t.asAdmin() });
      return DevopsEvent.parse(await res.json());
    },
  };
}

export type DevopsTestbed = Awaited<ReturnType<typeof createDevopsTestbed>>;
