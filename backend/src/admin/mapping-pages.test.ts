import { CLOUD_USERS, createSim, SEEDED } from '@testbridge/jira-sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createTestApp } from '../testing/index.ts';
import { signedIn, type TestApp } from './testing.ts';

const Id = z.object({ id: z.string() });
const REPORT = `<testsuite name="web" tests="2" failures="1">
  <testcase classname="web.Login" name="signs in [TB-1]"/>
  <testcase classname="web.Login" name="refuses a wrong password [TB-1]"><failure message="expected 401, got 500">at login.spec.ts:42</failure></testcase>
</testsuite>`;

describe('a mapping’s results in the admin UI', () => {
  const sim = createSim({ baseUrl: 'http://jira-sim.test' });
  let t: TestApp;
  let mappingId: string;
  beforeAll(async () => {
    t = await createTestApp({
      fetch: sim.fetch as typeof fetch,
      env: { ALLOW_PRIVATE_JIRA_URLS: '1' },
    });
    const post = async (path: string, body: unknown, type = 'application/json') => {
      const res = await t.app.request(path, {
        method: 'POST',
        headers: t.asAdmin({ 'content-type': type }),
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
      expect(res.status, await res.clone().text()).toBeLessThan(300);
      return res.json();
    };
    const connection = Id.parse(
      await post('/api/v1/connections', {
        name: 'Acme',
        jiraUrl: `${sim.baseUrl}/cloud/acme`,
        auth: {
          type: 'cloud_api_token',
          email: CLOUD_USERS.alice.email,
          apiToken: SEEDED.apiTokens.alice,
        },
      }),
    );
    mappingId = Id.parse(
      await post('/api/v1/mappings', {
        toolProject: { key: 'WEBAPP', name: 'Web app' },
        connectionId: connection.id,
        jiraProjectKey: 'TB',
      }),
    ).id;
    const run = Id.parse(
      await post('/api/v1/test-runs', {
        projectKey: 'WEBAPP',
        name: 'nightly',
        environment: 'staging',
      }),
    );
    await post(`/api/v1/test-runs/${run.id}/results?fileName=junit.xml`, REPORT, 'application/xml');
  });
  afterAll(() => t.cleanup());

  it('shows the recent runs with the latest run’s counts, and an issue’s coverage as the panel does', async () => {
    const { browser } = await signedIn(t);
    const page = await (await browser.get(`/admin/mappings/${mappingId}`)).text();
    expect(page).toContain(
      'Latest run nightly: 1 passed, 1 failed, 0 errors, 0 skipped, 0 flaky of 2.',
    );
    const issue = await browser.get(`/admin/mappings/${mappingId}/issue?key=TB-1`);
    expect(issue.status).toBe(200);
    const html = await issue.text();
    expect(html).toContain('NOK: a covering test failed');
    expect(html).toContain('refuses a wrong password [TB-1]');
    expect(html).toContain('expected 401, got 500');
    const unknown = await browser.get(`/admin/mappings/${mappingId}/issue?key=TB-99999`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('role="alert"');
  });
});
