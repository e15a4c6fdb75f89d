import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createDevopsTestbed,
  type DevopsTestbed,
  jenkinsPayload,
  onKnownIssue,
} from './testing.ts';

const TokenAnswer = z.object({
  access_token: z.string().startsWith('tbat_'),
  token_type: z.literal('Bearer'),
  expires_in: z.literal(3600),
});
const OAuthError = z.object({ error: z.string(), error_description: z.string() });
const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

describe('CI credentials at POST /oauth/token and the ingestion doors', () => {
  let b: DevopsTestbed;
  beforeAll(async () => {
    b = await createDevopsTestbed();
  });
  afterAll(() => b.t.cleanup());

  const token = (body: string, headers: Record<string, string>) =>
    b.t.app.request('/oauth/token', { method: 'POST', headers, body });
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const json = { 'content-type': 'application/json' };

  it('issues a token for a form or JSON body, with or without audience, body or Basic auth', async () => {
    const { clientId, clientSecret } = b.ci;
    const answers = [
      await token(
        `grant_type=client_credentials&client_id=${clientId}&client_secret=${clientSecret}`,
        form,
      ),
      await token(
        JSON.stringify({
          grant_type: 'client_credentials',
          client_id: clientId,
          client_secret: clientSecret,
          audience: 'api.atlassian.com',
        }),
        json,
      ),
      await token('grant_type=client_credentials', {
        ...form,
        authorization: basic(clientId, clientSecret),
      }),
      await token(
        JSON.stringify({ grant_type: 'client_credentials', audience: 'http://testbridge.test' }),
        {
          ...json,
          authorization: basic(clientId, clientSecret),
        },
      ),
    ];
    for (const res of answers) {
      expect(res.status).toBe(200);
      expect(res.headers.get('cache-control')).toBe('no-store');
      const issued = TokenAnswer.parse(await res.json());
      const post = await b.t.app.request(`/jira/builds/0.1/cloud/${b.site.cloudId}/bulk`, {
        method: 'POST',
        headers: { ...json, authorization: `Bearer ${issued.access_token}` },
        body: JSON.stringify(onKnownIssue(jenkinsPayload('build'))),
      });
      expect(post.status).toBe(202);
    }
  });

  it('answers with RFC 6749 errors', async () => {
    const { clientId, clientSecret } = b.ci;
    const cases: [Response, number, string][] = [
      [
        await token(
          `grant_type=client_credentials&client_id=${clientId}&client_secret=wrong`,
          form,
        ),
        401,
        'invalid_client',
      ],
      [
        await token('grant_type=client_credentials', {
          ...form,
          authorization: basic(clientId, 'wrong'),
        }),
        401,
        'invalid_client',
      ],
      [
        await token(
          `grant_type=password&client_id=${clientId}&client_secret=${clientSecret}`,
          form,
        ),
        400,
        'unsupported_grant_type',
      ],
      [
        await token(`client_id=${clientId}&client_secret=${clientSecret}`, form),
        400,
        'invalid_request',
      ],
      [
        await token(`grant_type=client_credentials&client_secret=${clientSecret}`, {
          ...form,
          authorization: basic(clientId, clientSecret),
        }),
        400,
        'invalid_request',
      ],
      [
        await token(
          `grant_type=client_credentials&client_id=${clientId}&client_secret=${clientSecret}&audience=evil.example`,
          form,
        ),
        400,
        'invalid_target',
      ],
      [
        await token('grant_type=client_credentials', { 'content-type': 'text/plain' }),
        400,
        'invalid_request',
      ],
    ];
    for (const [res, status, error] of cases) {
      expect(res.status).toBe(status);
      expect(OAuthError.parse(await res.json()).error).toBe(error);
    }
    expect(cases[1]?.[0].headers.get('www-authenticate')).toContain('Basic');
  });

  it("answers the Jira doors with Jira's 202 as JSON and the request id", async () => {
    const res = await b.t.app.request(`/jira/builds/0.1/cloud/${b.site.cloudId}/bulk`, {
      method: 'POST',
      headers: { ...b.ciAuth, 'x-request-id': 'ci-run-42' },
      body: JSON.stringify(onKnownIssue(jenkinsPayload('build'))),
    });
    expect(res.status).toBe(202);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('x-request-id')).toBe('ci-run-42');
    expect(await res.json()).toMatchObject({
      acceptedBuilds: [{ pipelineId: 'pipelineId', buildNumber: 12 }],
      rejectedBuilds: [],
      events: [{ status: 'pending' }],
    });
    const deployment = await b.postJira('deployments', onKnownIssue(jenkinsPayload('deployment')));
    expect(deployment.status).toBe(202);
    expect(deployment.headers.get('x-request-id')).toMatch(/\S/);
    expect(await deployment.json()).toMatchObject({
      acceptedDeployments: [
        { pipelineId: 'pipelineId', environmentId: 'stg-east', deploymentSequenceNumber: 42 },
      ],
      rejectedDeployments: [],
    });
  });

  it('takes the client id and secret directly with HTTP Basic at both doors', async () => {
    const auth = { ...json, authorization: basic(b.ci.clientId, b.ci.clientSecret) };
    const jira = await b.t.app.request(`/jira/deployments/0.1/cloud/${b.site.cloudId}/bulk`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify(onKnownIssue(jenkinsPayload('deployment'))),
    });
    expect(jira.status).toBe(202);
    const api = await b.t.app.request('/api/v1/devops/builds', {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        pipelineId: 'p',
        buildNumber: 1,
        state: 'pending',
        url: 'https://ci.example',
        issueKeys: ['TB-1'],
      }),
    });
    expect(api.status).toBe(202);
  });

  it('refuses unauthenticated callers before reading the body, and another site', async () => {
    const none = await b.t.app.request(`/jira/builds/0.1/cloud/${b.site.cloudId}/bulk`, {
      method: 'POST',
      headers: json,
      body: '{"not":"valid"}',
    });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    const apiKey = await b.t.app.request(`/jira/builds/0.1/cloud/${b.site.cloudId}/bulk`, {
      method: 'POST',
      headers: b.t.asAdmin(json),
      body: JSON.stringify(onKnownIssue(jenkinsPayload('build'))),
    });
    expect(apiKey.status).toBe(401);
    const other = await b.postJira(
      'builds',
      onKnownIssue(jenkinsPayload('build')),
      '29173f62-6e5f-4147-a120-2e54bd02b2c0',
    );
    expect(other.status).toBe(403);
  });

  it("answers a Jira door body that is not JSON, or malformed as a whole, with Jira's error array, and stores nothing", async () => {
    const door = `/jira/builds/0.1/cloud/${b.site.cloudId}/bulk`;
    const send = (body: string, contentType: string) =>
      b.t.app.request(door, {
        method: 'POST',
        headers: { authorization: `Bearer ${b.ciToken}`, 'content-type': contentType },
        body,
      });
    const ErrorMessages = z.array(z.strictObject({ message: z.string() })).min(1);
    const messages = async (res: Response) =>
      ErrorMessages.parse(await res.json()).map((error) => error.message);
    const before = await b.t.app.request('/api/v1/outbox/items', { headers: b.t.asAdmin() });
    const count = async (res: Response) =>
      z.object({ items: z.array(z.unknown()) }).parse(await res.json()).items.length;
    const items = await count(before);

    const plain = await send(JSON.stringify(onKnownIssue(jenkinsPayload('build'))), 'text/plain');
    expect(plain.status).toBe(415);
    expect(await messages(plain)).toEqual(['Send the body as application/json']);
    const broken = await send('{"builds": [', 'application/json; charset=utf-8');
    expect(broken.status).toBe(400);
    expect(broken.headers.get('content-type')).toBe('application/json');
    expect(await messages(broken)).toEqual(['The body is not valid JSON']);
    const unknown = await send(
      JSON.stringify({ ...onKnownIssue(jenkinsPayload('build')), extra: 1 }),
      'application/json',
    );
    expect(unknown.status).toBe(400);
    expect(await messages(unknown)).toEqual(["'extra' is not a known field"]);
    const empty = await send(JSON.stringify({ builds: [] }), 'application/json');
    expect(empty.status).toBe(400);
    expect(await messages(empty)).toEqual(["'builds' must have at least 1 element"]);
    const longCloudId = await b.t.app.request(`/jira/builds/0.1/cloud/${'x'.repeat(256)}/bulk`, {
      method: 'POST',
      headers: b.ciAuth,
      body: JSON.stringify(onKnownIssue(jenkinsPayload('build'))),
    });
    expect(longCloudId.status).toBe(400);
    expect(await messages(longCloudId)).toHaveLength(1);
    const after = await b.t.app.request('/api/v1/outbox/items', { headers: b.t.asAdmin() });
    expect(await count(after)).toBe(items);
  });

  it('lets CI read only its own events, and a tool key read any', async () => {
    const [id] = await b.eventIds(
      await b.postJira('builds', onKnownIssue(jenkinsPayload('build'))),
    );
    const mine = await b.t.app.request(`/api/v1/devops/events/${id}`, { headers: b.ciAuth });
    expect(mine.status).toBe(200);
    const elsewhere = await b.t.app.request(`/api/v1/devops/events?siteId=dvs_other`, {
      headers: b.ciAuth,
    });
    expect(elsewhere.status).toBe(403);
    const missing = await b.t.app.request('/api/v1/devops/events/evt_nope', { headers: b.ciAuth });
    expect(missing.status).toBe(404);
    const asAdmin = await b.t.app.request(`/api/v1/devops/events/${id}`, {
      headers: b.t.asAdmin(),
    });
    expect(asAdmin.status).toBe(200);
  });

  it('stops taking a token once it expires', async () => {
    b.advance(3_600_000);
    const res = await b.postJira('builds', onKnownIssue(jenkinsPayload('build')));
    expect(res.status).toBe(401);
  });
});
