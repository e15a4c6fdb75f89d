/**
 * Test support for Jira events: the results testbed (acme connection as alice, WEBAPP → TB) whose
 * simulator delivers its webhooks to this app, and helpers to sign, send and settle deliveries.
 */
import { createHmac } from 'node:crypto';
import type { CloudSite } from '@testbridge/jira-sim';
import { SEEDED } from '@testbridge/jira-sim';
import { WebhookEndpointSecrets } from '@testbridge/shared/api/webhooks';
import { expect } from 'vitest';
import { createResultsTestbed, json } from '../results/testing.ts';
import type { StoreKind } from '../testing/index.ts';
import { drainJiraEvents, type ProcessOptions } from './process.ts';

export const hubSignature = (secret: string, body: string) =>
  `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

const basic = (user: string, token: string) =>
  `Basic ${Buffer.from(`${user}:${token}`).toString('base64')}`;

export async function createEventsTestbed(store: StoreKind, env: Record<string, string> = {}) {
  const bed = await createResultsTestbed(store, env);
  const { t, sim } = bed;
  const acme = (): CloudSite => {
    const site = sim.world.sites.get('acme');
    if (site?.kind !== 'cloud') throw new Error('no acme');
    return site;
  };
  const issueId = (key: string) => {
    const id = acme().issueKeys.get(key);
    if (!id) throw new Error(`no issue ${key}`);
    return id;
  };
  async function issueEndpoint(mappingId = bed.mapping.id) {
    const res = await t.app.request(`/api/v1/mappings/${mappingId}/webhook`, {
      method: 'POST',
      headers: t.asAdmin(),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    return WebhookEndpointSecrets.parse(await res.json());
  }
  /** An admin webhook in the simulated Jira, registered as alice (a site admin) by hand. */
  async function registerAdminHook(
    url: string,
    secret: string | null,
    events: string[],
    jql = 'project = TB',
  ) {
    const res = await sim.fetch(`${sim.baseUrl}/cloud/acme/rest/webhooks/1.0/webhook`, {
      method: 'POST',
      headers: { ...json, authorization: basic('alice@acme.test', SEEDED.apiTokens.alice) },
      body: JSON.stringify({
        name: 'Testbridge',
        url,
        events,
        filters: { 'issue-related-events-section': jql },
        excludeBody: false,
        ...(secret === null ? {} : { secret }),
      }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
  }
  /** Jira delivers what is due, then Testbridge processes what it stored. */
  async function settle(options: ProcessOptions = {}) {
    await sim.webhooks.flush();
    return drainJiraEvents(t.deps, options);
  }
  const postDelivery = (path: string, body: string, headers: Record<string, string> = {}) =>
    t.app.request(path, { method: 'POST', headers: { ...json, ...headers }, body });
  const countEvents = async () =>
    (await t.deps.store.db.select().from(t.deps.store.tables.jiraEvents)).length;
  return {
    ...bed,
    acme,
    issueId,
    issueEndpoint,
    registerAdminHook,
    settle,
    postDelivery,
    countEvents,
  };
}

export type EventsTestbed = Awaited<ReturnType<typeof createEventsTestbed>>;
