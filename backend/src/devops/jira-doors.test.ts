/**
 * The doors that stand in for Atlassian answer as Atlassian does: Jira's error bodies on the bulk
 * APIs, RFC 6749 on the token endpoint, and `null` read as absent (Jenkins plugin 1.x, Jackson).
 */
import { JiraCompatibleBuildsAccepted } from '@testbridge/shared/api/devops';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createDevopsTestbed,
  type DevopsTestbed,
  jenkinsPayload,
  onKnownIssue,
} from './testing.ts';

const ErrorMessages = z.array(z.strictObject({ message: z.string() })).min(1);
const GatewayError = z.strictObject({ code: z.number(), message: z.string() });
const OAuthError = z.strictObject({ error: z.string(), error_description: z.string() });

describe("the Jira-compatible doors answer in Atlassian's shapes", () => {
  let b: DevopsTestbed;
  beforeEach(async () => {
    b = await createDevopsTestbed({ env: { BODY_LIMIT_BYTES: '2048' } });
  });
  afterEach(() => b.t.cleanup());

  const door = (api: 'builds' | 'deployments' = 'builds', cloudId = b.site.cloudId) =>
    `/jira/${api}/0.1/cloud/${cloudId}/bulk`;

  it("answers 401 and 403 with the gateway's {code, message}", async () => {
    const none = await b.t.app.request(door(), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    expect(GatewayError.parse(await none.json()).code).toBe(401);
    const revoked = await b.t.app.request(door(), {
      method: 'POST',
      headers: { authorization: 'Bearer tbat_nope', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(GatewayError.parse(await revoked.json())).toMatchObject({ code: 401 });
    const other = await b.postJira('deployments', {}, '29173f62-6e5f-4147-a120-2e54bd02b2c0');
    expect(other.status).toBe(403);
    expect(GatewayError.parse(await other.json()).code).toBe(403);
  });

  it("answers a body over the limit with 413 and Jira's error array, the token endpoint with RFC 6749", async () => {
    const big = JSON.stringify({ builds: [{ pipelineId: 'x'.repeat(4000) }] });
    const declared: Record<string, string>[] = [{ 'content-length': String(big.length) }, {}];
    for (const headers of declared) {
      const res = await b.t.app.request(door(), {
        method: 'POST',
        headers: { ...b.ciAuth, ...headers },
        body: big,
      });
      expect(res.status).toBe(413);
      expect(ErrorMessages.parse(await res.json())).toHaveLength(1);
    }
    const token = await b.t.app.request('/oauth/token', {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        'content-length': String(big.length),
      },
      body: big,
    });
    expect(token.status).toBe(413);
    expect(token.headers.get('cache-control')).toBe('no-store');
    expect(OAuthError.parse(await token.json()).error).toBe('invalid_request');
    // Problem+json stays the rule everywhere else.
    const api = await b.t.app.request('/api/v1/devops/builds', {
      method: 'POST',
      headers: { ...b.ciAuth, 'content-length': String(big.length) },
      body: big,
    });
    expect(api.status).toBe(413);
    expect(api.headers.get('content-type')).toBe('application/problem+json');
  });

  it("takes the Jenkins plugin's null members as absent and sends Jira no null", async () => {
    const build = onKnownIssue(jenkinsPayload('build'));
    const builds = z.array(z.record(z.string(), z.unknown())).parse(build.builds);
    const withNulls = {
      ...build,
      builds: builds.map((item) => ({
        ...item,
        description: null,
        label: null,
        testInfo: null,
        references: [{ commit: { id: 'cafebabe', repositoryUri: 'https://repo.url' }, ref: null }],
        associations: null,
      })),
    };
    const res = await b.postJira('builds', withNulls);
    expect(res.status).toBe(202);
    expect(JiraCompatibleBuildsAccepted.parse(await res.json()).rejectedBuilds).toEqual([]);
    const deployment = onKnownIssue(jenkinsPayload('deployment'));
    const deployments = z.array(z.record(z.string(), z.unknown())).parse(deployment.deployments);
    const withNullDeployments = {
      ...deployment,
      providerMetadata: { product: null },
      deployments: deployments.map((item) => ({
        ...item,
        label: null,
        duration: null,
        commands: null,
        issueKeys: null,
      })),
    };
    // Both doors: the same deployment and update, so one event.
    for (const post of [
      () => b.postJira('deployments', withNullDeployments),
      () => b.postApi('deployments', withNullDeployments),
    ]) {
      expect((await post()).status).toBe(202);
    }
    expect(await b.drain()).toMatchObject({ delivered: 2, rejected: 0 });
    const sent = b.sim.requests.list({ path: '/api/jira/*/0.1/cloud/*/bulk', method: 'POST' });
    expect(sent.map((request) => request.status)).toEqual([202, 202]);
    for (const request of sent) expect(request.body).not.toContain('null');
    expect(b.sim.devops.builds(b.site.cloudId)[0]?.data).not.toHaveProperty('label');
  });
});
