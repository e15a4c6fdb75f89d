import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SEEDED } from '@testbridge/jira-sim';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  ACME_CLOUD_ID,
  createDevopsTestbed,
  type DevopsTestbed,
  jenkinsPayload,
  onKnownIssue,
} from './testing.ts';

const Problem = z.object({
  code: z.string(),
  detail: z.string(),
  invalidFields: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});
const Site = z.object({
  id: z.string(),
  status: z.string(),
  attentionReason: z.string().nullable(),
});
const json = { 'content-type': 'application/json' };

describe('DevOps sites (admin)', () => {
  let b: DevopsTestbed;
  beforeEach(async () => {
    b = await createDevopsTestbed();
  });
  afterEach(() => b.t.cleanup());

  const admin = (path: string, init: { method?: string; body?: unknown } = {}) =>
    b.t.app.request(path, {
      method: init.method ?? 'GET',
      headers: b.t.asAdmin(json),
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });

  it('checks the site and credentials with Atlassian on save and stores the cloudId', async () => {
    expect(b.site.cloudId).toBe(ACME_CLOUD_ID);
    const got = await admin(`/api/v1/devops/sites/${b.site.id}`);
    expect(await got.json()).toMatchObject({
      name: 'Testbridge CI',
      siteUrl: `${b.sim.baseUrl}/cloud/acme`,
      clientId: SEEDED.devopsClients.acme.clientId,
      status: 'active',
    });
    expect(b.sim.requests.list({ path: '/api/oauth/token' })).toHaveLength(1);
    const token = b.sim.requests.list({ path: '/api/oauth/token' })[0];
    expect(new URLSearchParams(token?.body).get('audience')).toBeNull();
    expect(new URLSearchParams(token?.body).get('grant_type')).toBe('client_credentials');
  });

  it('refuses wrong credentials naming the fields, an unknown site, and a second site for one cloudId', async () => {
    const wrong = await b.createSite('not-the-secret');
    expect(wrong.status).toBe(400);
    const problem = Problem.parse(await wrong.json());
    expect(problem.invalidFields?.map((f) => f.field)).toEqual([
      'body.clientId',
      'body.clientSecret',
    ]);
    expect(problem.detail).toContain('401');
    const unknown = await admin('/api/v1/devops/sites', {
      method: 'POST',
      body: {
        name: 'x',
        siteUrl: `${b.sim.baseUrl}/cloud/nowhere`,
        clientId: 'a',
        clientSecret: 'b',
      },
    });
    expect(unknown.status).toBe(400);
    expect(Problem.parse(await unknown.json()).invalidFields?.[0]?.field).toBe('body.siteUrl');
    const again = await b.createSite();
    expect(again.status).toBe(409);
  });

  it('never shows a secret and keeps none in plain text in the store or the logs', async () => {
    const responses: string[] = [];
    for (const path of [
      '/api/v1/devops/sites',
      `/api/v1/devops/sites/${b.site.id}`,
      `/api/v1/devops/sites/${b.site.id}/credentials`,
    ]) {
      responses.push(await (await admin(path)).text());
    }
    await b.postJira('builds', onKnownIssue(jenkinsPayload('build')));
    await b.drain();
    const twoLeggedToken = b.sim.requests
      .list({ path: '/api/jira/*' })
      .map((r) => r.headers.authorization?.replace('Bearer ', '') ?? '')[0];
    expect(twoLeggedToken).toMatch(/^sim_at_/);
    const secrets = [
      SEEDED.devopsClients.acme.clientSecret,
      String(twoLeggedToken),
      b.ci.clientSecret,
      b.ciToken,
    ];
    await b.t.deps.store.close();
    const stored = Buffer.concat(
      readdirSync(b.t.dataDir)
        .filter((name) => name !== 'master.key')
        .map((name) => readFileSync(join(b.t.dataDir, name))),
    );
    for (const secret of secrets) {
      expect(stored.includes(Buffer.from(secret)), secret.slice(0, 8)).toBe(false);
      expect(b.t.logs.text().includes(secret), secret.slice(0, 8)).toBe(false);
      for (const body of responses) expect(body.includes(secret)).toBe(false);
    }
  });

  it('keeps environment rules per site and applies them to untyped environments', async () => {
    const rules = [
      { pattern: 'blue-*', environmentType: 'production' },
      { pattern: '*sandbox*', environmentType: 'testing' },
    ];
    const put = await admin(`/api/v1/devops/sites/${b.site.id}/environment-rules`, {
      method: 'PUT',
      body: { rules },
    });
    expect(put.status).toBe(200);
    expect(
      await (await admin(`/api/v1/devops/sites/${b.site.id}/environment-rules`)).json(),
    ).toEqual({ rules });
    const deploy = (id: string, n: number) => ({
      deploymentSequenceNumber: n,
      state: 'successful',
      url: 'https://ci.example/d',
      pipeline: { id: 'p' },
      environment: { id },
      issueKeys: ['TB-1'],
    });
    await b.postApi('deployments', {
      deployments: [
        deploy('blue-1', 1),
        deploy('qa-sandbox', 2),
        deploy('staging', 3),
        deploy('mars', 4),
      ],
    });
    await b.drain();
    const sent = z
      .object({ deployments: z.array(z.object({ environment: z.object({ type: z.string() }) })) })
      .parse(JSON.parse(b.sim.requests.list({ path: '/api/jira/deployments/*' })[0]?.body ?? '{}'));
    expect(sent.deployments.map((d) => d.environment.type)).toEqual([
      'production',
      'testing',
      'staging',
      'unmapped',
    ]);
  });

  it('marks the site as needing attention when Jira refuses its credentials, and resumes once fixed', async () => {
    b.sim.registerDevopsClient({
      clientId: SEEDED.devopsClients.acme.clientId,
      clientSecret: 'rotated-in-jira',
      name: 'CI for acme',
      cloudId: ACME_CLOUD_ID,
      apis: ['builds', 'deployments'],
    });
    b.sim.revoke({ clientId: SEEDED.devopsClients.acme.clientId });
    const [id] = await b.eventIds(
      await b.postJira('builds', onKnownIssue(jenkinsPayload('build'))),
    );
    await b.drain();
    const refused = b.sim.requests.list({ path: '/api/jira/builds/*' });
    expect(refused.map((r) => r.status)).toEqual([401]);
    expect(b.sim.requests.list({ path: '/api/oauth/token' }).map((r) => r.status)).toEqual([
      200, 401,
    ]);
    const site = Site.parse(await (await admin(`/api/v1/devops/sites/${b.site.id}`)).json());
    expect(site.status).toBe('needs_attention');
    expect(site.attentionReason).toContain('401');
    const waiting = await b.event(String(id));
    expect(waiting.status).toBe('pending');
    expect(waiting.explanation).toContain('paused until an admin fixes its credentials');

    b.advance(3_600_000);
    await b.drain();
    expect(b.sim.requests.list({ path: '/api/jira/builds/*' })).toHaveLength(1);

    const fixed = await admin(`/api/v1/devops/sites/${b.site.id}`, {
      method: 'PATCH',
      body: { clientSecret: 'rotated-in-jira' },
    });
    expect(Site.parse(await fixed.json()).status).toBe('active');
    await b.drain();
    expect(await b.event(String(id))).toMatchObject({ status: 'delivered', verdict: 'accepted' });
  });

  it('issues CI credentials shown once, lists them without the secret, and revokes them at once', async () => {
    const list = await (await admin(`/api/v1/devops/sites/${b.site.id}/credentials`)).text();
    expect(list).toContain(b.ci.clientId);
    expect(list).not.toContain(b.ci.clientSecret);
    const revoke = await admin(`/api/v1/devops/sites/${b.site.id}/credentials/${b.ci.id}`, {
      method: 'DELETE',
    });
    expect(revoke.status).toBe(204);
    const res = await b.postJira('builds', onKnownIssue(jenkinsPayload('build')));
    expect(res.status).toBe(401);
  });

  it('deletes a site; what it had not delivered becomes a dead letter an admin can see', async () => {
    const [id] = await b.eventIds(
      await b.postJira('builds', onKnownIssue(jenkinsPayload('build'))),
    );
    expect((await admin(`/api/v1/devops/sites/${b.site.id}`, { method: 'DELETE' })).status).toBe(
      204,
    );
    await b.drain();
    const dead = z
      .object({ items: z.array(z.object({ id: z.string(), verdict: z.string() })) })
      .parse(await (await admin('/api/v1/outbox/items')).json());
    expect(dead.items).toEqual([expect.objectContaining({ id, verdict: 'target_gone' })]);
    expect((await admin(`/api/v1/devops/sites/${b.site.id}`)).status).toBe(404);
  });

  it('lets only admins manage sites', async () => {
    const tool = await admin('/api/v1/api-keys', {
      method: 'POST',
      body: { name: 't', role: 'tool' },
    });
    const { key } = z.object({ key: z.string() }).parse(await tool.json());
    const res = await b.t.app.request('/api/v1/devops/sites', {
      headers: { authorization: `Bearer ${key}` },
    });
    expect(res.status).toBe(403);
    const ci = await b.t.app.request('/api/v1/devops/sites', { headers: b.ciAuth });
    expect(ci.status).toBe(401);
  });
});
