import { Problem } from '@testbridge/shared';
import { JiraIssueCreated, JiraIssuePage } from '@testbridge/shared/api/tool-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advance, connectCloud, createOAuthTestApp, type OAuthTestApp } from '../oauth/testing.ts';
import { callJiraApi, connectWithToken, createToolKey } from './testing.ts';

const HOUR = 3_600_000;

describe('the test tool’s Jira API under rate limits, outages and expiring tokens', () => {
  let t: OAuthTestApp;
  let tool: (user?: string) => Record<string, string>;
  beforeAll(async () => {
    t = await createOAuthTestApp();
    tool = await createToolKey(t);
  });
  afterAll(() => t.cleanup());

  it('waits out Jira’s 429 (Retry-After) and answers with the page', async () => {
    const connection = await connectWithToken(t, 'Rate limited', 'cloud_api_token', 'alice');
    t.sim.addFault({
      kind: 'rate-limit',
      path: '/cloud/acme/rest/api/3/search/jql',
      retryAfterSeconds: 2,
      times: 2,
    });
    t.sim.requests.clear();
    const res = await callJiraApi(t, tool(), connection.id, '/issues/search', {
      jql: 'project = TB',
      limit: 3,
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(JiraIssuePage.parse(await res.json()).items).toHaveLength(3);
    expect(t.sim.requests.list({ path: '/cloud/acme/rest/api/3/search/jql' })).toHaveLength(3);
  });

  it('does not repeat a create that Jira answered with a 5xx, and says Jira could not be reached', async () => {
    const connection = await connectWithToken(t, 'Outage', 'dc_pat', 'admin');
    t.sim.addFault({ kind: 'status', status: 503, path: '/dc/jira/rest/api/2/issue', times: 1 });
    t.sim.requests.clear();
    const res = await callJiraApi(t, tool(), connection.id, '/issues', {
      project: 'TB',
      issueType: 'Bug',
      summary: 'Once only',
    });
    expect(Problem.parse(await res.json())).toMatchObject({
      code: 'jira_unreachable',
      jira: { status: 503 },
    });
    expect(t.sim.requests.list({ path: '/dc/jira/rest/api/2/issue', method: 'POST' })).toHaveLength(
      1,
    );
  });

  it('refreshes an expired Cloud OAuth token on the way', async () => {
    const connection = await connectCloud(t, 'Refreshing');
    advance(t, 2 * HOUR);
    t.sim.requests.clear();
    const res = await callJiraApi(t, tool(), connection.id, '/issues', {
      project: 'TB',
      issueType: 'Bug',
      summary: 'After an hour',
    });
    expect(res.status, await res.clone().text()).toBe(201);
    JiraIssueCreated.parse(await res.json());
    expect(t.sim.requests.list({ path: '/auth/oauth/token', method: 'POST' })).toHaveLength(1);
  });

  it('documents every route in /openapi.json, with the user header and both upsert answers', async () => {
    const doc = (await (await t.app.request('/openapi.json')).json()) as {
      paths: Record<
        string,
        Record<
          string,
          { parameters?: { name: string; in: string }[]; responses?: Record<string, unknown> }
        >
      >;
    };
    const base = '/api/v1/connections/{id}/jira';
    const routes = {
      [`${base}/projects`]: 'get',
      [`${base}/projects/{projectKey}/issue-types`]: 'get',
      [`${base}/projects/{projectKey}/versions`]: 'get',
      [`${base}/projects/{projectKey}/assignable-users`]: 'get',
      [`${base}/users`]: 'get',
      [`${base}/issue-link-types`]: 'get',
      [`${base}/issues/search`]: 'post',
      [`${base}/issues/{issueKey}`]: 'get',
      [`${base}/issues`]: 'post',
      [`${base}/issue-links`]: 'post',
      [`${base}/issues/{issueKey}/remote-links`]: 'post',
      [`${base}/issues/{issueKey}/comments`]: 'post',
    };
    const upsert = doc.paths[`${base}/issues/{issueKey}/remote-links`]?.post;
    expect(Object.keys(upsert?.responses ?? {})).toEqual(expect.arrayContaining(['200', '201']));
    for (const [path, method] of Object.entries(routes)) {
      const operation = doc.paths[path]?.[method];
      expect(operation, `${method} ${path}`).toBeDefined();
      expect(operation?.parameters).toContainEqual(
        expect.objectContaining({ name: 'x-testbridge-user', in: 'header' }),
      );
    }
  });
});
