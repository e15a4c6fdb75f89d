/**
 * What `npm run demo` puts in an empty backend so a newcomer sees a living system: the simulated
 * Cloud site connected, a mapped project, an imported run and a few CI builds. Everything goes
 * through the backend's own HTTP API with the admin key, exactly as a test tool and CI would.
 */
import { CLOUD_USERS, SEEDED } from '@testbridge/jira-sim';
import { ConnectionList } from '@testbridge/shared/api/connections';
import { z } from 'zod';

const SEEDED_NAME = 'Acme Cloud (demo)';
const Id = z.object({ id: z.string() });
const CreatedCredential = z.object({ clientId: z.string(), clientSecret: z.string() });
const Token = z.object({ access_token: z.string() });

/** A small JUnit report: two passes and a failure, each naming the Jira issue it covers. */
const REPORT = `<?xml version="1.0" encoding="UTF-8"?>
<testsuite name="webapp" tests="3" failures="1">
  <testcase classname="webapp.Login" name="signs in with a password [TB-1]" time="0.41"/>
  <testcase classname="webapp.Login" name="refuses a wrong password [TB-1]" time="0.22">
    <failure message="expected 401, got 500">AssertionError: expected 401, got 500
    at login.spec.ts:42</failure>
  </testcase>
  <testcase classname="webapp.Cart" name="adds an item [TB-2]" time="0.35"/>
</testsuite>`;

/** Seeds an empty backend; a backend that has connections already is left as it is. */
export async function seedDemo(input: {
  backendUrl: string;
  simUrl: string;
  adminKey: string;
}): Promise<'seeded' | 'kept'> {
  const headers = { authorization: `Bearer ${input.adminKey}` };
  const call = async (path: string, init: RequestInit = {}, status = [200, 201, 202]) => {
    const res = await fetch(`${input.backendUrl}${path}`, {
      ...init,
      headers: { ...headers, 'content-type': 'application/json', ...init.headers },
    });
    const text = await res.text();
    if (!status.includes(res.status))
      throw new Error(`seeding: ${path} answered ${res.status}: ${text}`);
    return JSON.parse(text) as unknown;
  };
  const post = (path: string, body: unknown) =>
    call(path, { method: 'POST', body: JSON.stringify(body) });

  const existing = ConnectionList.parse(await call('/api/v1/connections')).items;
  if (existing.length > 0) return 'kept';

  const connection = Id.parse(
    await post('/api/v1/connections', {
      name: SEEDED_NAME,
      jiraUrl: `${input.simUrl}/cloud/acme`,
      auth: {
        type: 'cloud_api_token',
        email: CLOUD_USERS.alice.email,
        apiToken: SEEDED.apiTokens.alice,
      },
    }),
  );
  await post('/api/v1/mappings', {
    toolProject: { key: 'WEBAPP', name: 'Web app' },
    connectionId: connection.id,
    jiraProjectKey: 'TB',
    createDefects: true,
    webhookMode: 'off',
  });
  const run = Id.parse(
    await post('/api/v1/test-runs', {
      projectKey: 'WEBAPP',
      name: 'nightly',
      environment: 'staging',
      build: { pipelineId: 'webapp', buildNumber: 42 },
    }),
  );
  await call(`/api/v1/test-runs/${run.id}/results?fileName=junit.xml`, {
    method: 'POST',
    headers: { 'content-type': 'application/xml' },
    body: REPORT,
  });

  const site = Id.parse(
    await post('/api/v1/devops/sites', {
      name: 'Demo CI',
      siteUrl: `${input.simUrl}/cloud/acme`,
      clientId: SEEDED.devopsClients.acme.clientId,
      clientSecret: SEEDED.devopsClients.acme.clientSecret,
    }),
  );
  const credential = CreatedCredential.parse(
    await post(`/api/v1/devops/sites/${site.id}/credentials`, { name: 'demo pipeline' }),
  );
  const token = Token.parse(
    await call('/oauth/token', {
      method: 'POST',
      headers: { authorization: '' },
      body: JSON.stringify({
        grant_type: 'client_credentials',
        client_id: credential.clientId,
        client_secret: credential.clientSecret,
      }),
    }),
  );
  const now = new Date();
  await call('/api/v1/devops/builds', {
    method: 'POST',
    headers: { authorization: `Bearer ${token.access_token}` },
    body: JSON.stringify({
      builds: [40, 41, 42].map((buildNumber) => ({
        schemaVersion: '1.0',
        pipelineId: 'webapp',
        buildNumber,
        updateSequenceNumber: buildNumber,
        displayName: `webapp #${buildNumber}`,
        url: `https://ci.example.com/webapp/${buildNumber}`,
        state: buildNumber === 41 ? 'failed' : 'successful',
        lastUpdated: new Date(now.getTime() - (42 - buildNumber) * 3_600_000).toISOString(),
        issueKeys: ['TB-1'],
      })),
    }),
  });
  return 'seeded';
}
