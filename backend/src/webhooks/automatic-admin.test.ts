import { updateIssue } from '@testbridge/jira-sim';
import { Mapping } from '@testbridge/shared/api/mappings';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json } from '../results/testing.ts';
import { connectWithToken } from '../tool-api/testing.ts';
import { createEventsTestbed, type EventsTestbed } from './testing.ts';

describe('automatic mode on token connections: admin webhooks where the account may', () => {
  let bed: EventsTestbed;
  beforeAll(async () => {
    bed = await createEventsTestbed('sqlite');
  });
  afterAll(async () => bed.t.cleanup());

  const map = async (body: Record<string, unknown>) => {
    const res = await bed.t.app.request('/api/v1/mappings', {
      method: 'POST',
      headers: bed.t.asAdmin(json),
      body: JSON.stringify({ webhookMode: 'automatic', ...body }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    return Mapping.parse(await res.json());
  };
  const issueState = async (issueId: string) =>
    (await bed.t.deps.store.db.select().from(bed.t.deps.store.tables.jiraIssueStates)).find(
      (row) => row.issueId === issueId,
    );

  let site: Mapping;
  let dcMapping: Mapping;

  it('mapping a project as a Jira administrator creates a signed admin webhook; changes then arrive', async () => {
    const mapping = await map({
      toolProject: { key: 'SITE', name: 'Website tests' },
      connectionId: bed.connection.id,
      jiraProjectKey: 'WEB',
    });
    site = mapping;
    expect(mapping.webhookMode).toBe('automatic');
    expect(mapping.webhookSetup).toMatchObject({ mode: 'automatic', kind: 'admin', reason: null });
    const hooks = bed.sim.webhooks.admin();
    expect(hooks).toHaveLength(1);
    expect(hooks[0]).toMatchObject({ jqlFilter: 'project = WEB', enabled: true });
    expect(hooks[0]?.secret).toEqual(expect.any(String));
    expect(hooks[0]?.url).toMatch(/^http:\/\/testbridge\.test\/webhooks\/jira\/endpoints\/[^/]+$/);
    expect(mapping.webhookSetup?.jiraWebhookIds).toEqual([String(hooks[0]?.id)]);
    const id = bed.issueId('WEB-1');
    updateIssue(bed.sim.world, bed.acme(), id, { summary: 'Changed in Jira' }, null);
    await bed.settle();
    expect(bed.sim.webhooks.attempts().map((a) => a.status)).toEqual([202]);
    expect(await issueState(id)).toMatchObject({ summary: 'Changed in Jira', projectKey: 'WEB' });
  });

  it('an account that is no administrator: the mapping is kept, in manual mode, with the reason and the instructions', async () => {
    const bob = await connectWithToken(bed.t, 'acme as bob', 'cloud_api_token', 'bob');
    const mapping = await map({
      toolProject: { key: 'BOBS', name: "Bob's tests" },
      connectionId: bob.id,
      jiraProjectKey: 'TB',
    });
    expect(mapping.webhookMode).toBe('manual');
    expect(mapping.webhookSetup).toMatchObject({ mode: 'manual', kind: null });
    expect(mapping.webhookSetup?.reason).toContain('ADMINISTER');
    expect(mapping.webhookSetup?.manual).toMatchObject({
      url: expect.stringContaining('/webhooks/jira/endpoints/'),
      secret: expect.any(String),
      jqlFilter: 'project = TB',
    });
    expect(bed.sim.webhooks.admin()).toHaveLength(1);
    const stored = await bed.t.app.request(`/api/v1/mappings/${mapping.id}`, {
      headers: bed.tool,
    });
    expect(Mapping.parse(await stored.json())).toMatchObject({ webhookMode: 'manual' });
  });

  it('Data Center: the admin webhook URL carries the token (DC signs nothing); changes arrive', async () => {
    const dc = await connectWithToken(bed.t, 'dc', 'dc_pat', 'admin');
    const mapping = await map({
      toolProject: { key: 'DCT', name: 'DC tests' },
      connectionId: dc.id,
      jiraProjectKey: 'TB',
    });
    dcMapping = mapping;
    expect(mapping.webhookSetup).toMatchObject({ mode: 'automatic', kind: 'admin' });
    const hook = bed.sim.webhooks.admin().find((h) => h.instanceId === bed.sim.world.dc.id);
    expect(hook?.secret).toBeNull();
    expect(hook?.url).toMatch(/\/webhooks\/jira\/endpoints\/[^/]+\/[A-Za-z0-9_-]{43}$/);
    const instance = bed.sim.world.dc;
    const id = instance.issueKeys.get('TB-1') ?? '';
    updateIssue(bed.sim.world, instance, id, { summary: 'Changed in Data Center' }, null);
    await bed.settle();
    expect(bed.sim.webhooks.attempts().at(-1)?.status).toBe(202);
    const rows = await bed.t.deps.store.db.select().from(bed.t.deps.store.tables.jiraIssueStates);
    expect(rows.find((r) => r.connectionId === dc.id)).toMatchObject({
      issueId: id,
      summary: 'Changed in Data Center',
    });
  });

  it('leaving automatic mode, or deleting the mapping, deletes the webhook Testbridge created in Jira', async () => {
    const hooksOf = (instanceId: string) =>
      bed.sim.webhooks.admin().filter((h) => h.instanceId === instanceId);
    expect(hooksOf(bed.acme().id)).toHaveLength(1);
    const patched = await bed.t.app.request(`/api/v1/mappings/${site.id}`, {
      method: 'PATCH',
      headers: bed.t.asAdmin(json),
      body: JSON.stringify({ webhookMode: 'manual' }),
    });
    expect(patched.status, await patched.clone().text()).toBe(200);
    expect(hooksOf(bed.acme().id)).toEqual([]);
    expect(hooksOf(bed.sim.world.dc.id)).toHaveLength(1);
    const deleted = await bed.t.app.request(`/api/v1/mappings/${dcMapping.id}`, {
      method: 'DELETE',
      headers: bed.t.asAdmin(),
    });
    expect(deleted.status).toBe(204);
    expect(hooksOf(bed.sim.world.dc.id)).toEqual([]);
  });
});
