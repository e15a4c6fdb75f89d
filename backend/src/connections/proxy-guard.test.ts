import { createSim, SEEDED } from '@testbridge/jira-sim';
import { Problem } from '@testbridge/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../testing/index.ts';

type TestApp = Awaited<ReturnType<typeof createTestApp>>;
const json = { 'content-type': 'application/json' };

/** Every connection type, token and OAuth, takes a proxy. */
const AUTHS = [
  { type: 'cloud_api_token', email: 'alice@acme.test', apiToken: SEEDED.apiTokens.alice },
  { type: 'dc_pat', token: SEEDED.pats.admin },
  { type: 'cloud_oauth2', app: 'own', clientId: 'sim-3lo-client', clientSecret: 'sim-3lo-secret' },
  { type: 'dc_oauth2', clientId: 'tb-dc-client', clientSecret: 'tb-dc-secret' },
  { type: 'oauth1', consumerKey: 'tb-proxy-guard' },
];

const DNS: Record<string, string[]> = {
  'metadata.corp.example': ['169.254.169.254'],
  'proxy.corp.example': ['10.20.0.8'],
};

async function refusedProxy(t: TestApp, sim: ReturnType<typeof createSim>, url: string) {
  const statuses: number[] = [];
  for (const [index, auth] of AUTHS.entries()) {
    const before = sim.requests.list().length;
    const res = await t.app.request('/api/v1/connections', {
      method: 'POST',
      headers: t.asAdmin(json),
      body: JSON.stringify({
        name: `behind ${url} ${index}`,
        jiraUrl: `${sim.baseUrl}${auth.type.startsWith('cloud') ? '/cloud/acme' : '/dc/jira'}`,
        proxy: { url, username: 'corp', password: 'proxy-pass' },
        auth,
      }),
    });
    statuses.push(res.status);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(Problem.parse(await res.json())).toMatchObject({
      code: 'url_not_allowed',
      invalidFields: [{ field: 'body.proxy.url' }],
    });
    // Refused before any call was made (through the proxy or not).
    expect(sim.requests.list().length).toBe(before);
  }
  return statuses;
}

describe('a connection proxy is no way around the URL guard', () => {
  const sim = createSim({ baseUrl: 'http://jira-sim.test' });
  let strict: TestApp;
  let lenient: TestApp;
  const lookupHost = async (host: string) => {
    const found = DNS[host];
    if (!found) throw new Error(`ENOTFOUND ${host}`);
    return found;
  };
  beforeAll(async () => {
    const env = { ALLOW_PRIVATE_JIRA_URLS: '1' };
    strict = await createTestApp({ fetch: sim.fetch as typeof fetch, env, lookupHost });
    lenient = await createTestApp({
      fetch: sim.fetch as typeof fetch,
      env: { ...env, ALLOW_PRIVATE_PROXY_URLS: '1' },
      lookupHost,
    });
  });
  afterAll(async () => {
    await strict.cleanup();
    await lenient.cleanup();
  });

  it('refuses a metadata or link-local proxy, even with private proxies allowed', async () => {
    for (const url of [
      'http://169.254.169.254',
      'http://metadata.corp.example:3128',
      'http://[fd00:ec2::254]:3128',
    ]) {
      expect(await refusedProxy(lenient, sim, url)).toEqual(AUTHS.map(() => 400));
    }
  });

  it('refuses a loopback or private proxy unless ALLOW_PRIVATE_PROXY_URLS=1', async () => {
    for (const url of ['http://127.0.0.1:3128', 'http://proxy.corp.example:3128']) {
      expect(await refusedProxy(strict, sim, url)).toEqual(AUTHS.map(() => 400));
    }
    const res = await lenient.app.request('/api/v1/connections', {
      method: 'POST',
      headers: lenient.asAdmin(json),
      body: JSON.stringify({
        name: 'behind the corporate proxy',
        jiraUrl: `${sim.baseUrl}/dc/jira`,
        proxy: { url: 'http://proxy.corp.example:3128' },
        auth: { type: 'dc_pat', token: SEEDED.pats.admin },
      }),
    });
    // The in-process simulator stands in for the network, so the proxy is not dialled here.
    expect(res.status, await res.clone().text()).toBe(201);
  });
});
