/** Test support for the forge feature: the app with `/forge` mounted, the simulator signing FITs. */
import {
  type CloudSite,
  createSim,
  createFixedClock as createSimClock,
  type InvocationTokenInput,
  type Sim,
} from '@testbridge/jira-sim';
import type { IssueTests } from '@testbridge/shared/api/coverage';
import { createConnectionRepo } from '../connections/repo.ts';
import { createFixedClock, createTestApp, type StoreKind } from '../testing/index.ts';
import type { ForgeFeatures } from './routes.ts';

export const START = '2026-03-02T09:00:00Z';

export type ForgeTestApp = Awaited<ReturnType<typeof createForgeTestApp>>;

/** Every call the fake features received, to assert what the routes passed on. */
export interface FeatureCalls {
  issueTests: Parameters<ForgeFeatures['issueTests']>[1][];
  mappingsOf: string[];
  fileDefect: Parameters<NonNullable<ForgeFeatures['fileDefect']>>[1][];
}

/** An `IssueTests` for the fake results feature: one failed test on the given connection. */
export function sampleIssueTests(connectionId: string, issueKey: string): IssueTests {
  const at = '2026-03-01T10:00:00.000Z';
  const execution = {
    runId: 'run-1',
    runName: 'nightly #12',
    status: 'failed' as const,
    flaky: false,
    durationMs: 1200,
    at,
    environment: 'staging',
    fixVersion: '1.4',
    build: null,
    message: 'expected 200, got 500',
  };
  return {
    connectionId,
    issue: { id: '10001', key: issueKey },
    scope: { kind: 'latest' },
    coverage: 'NOK',
    flaky: false,
    counts: { total: 1, passed: 0, failed: 1, error: 0, skipped: 0, notRun: 0, flaky: 0 },
    environments: ['staging'],
    fixVersions: ['1.4'],
    tests: [
      {
        testId: 'test-1',
        key: null,
        name: 'checkout pays',
        classname: 'shop.Checkout',
        projectKey: 'SHOP',
        latest: execution,
        byEnvironment: [{ environment: 'staging', status: 'failed', at }],
        history: [execution],
        openDefects: [],
      },
    ],
    mapping: { id: 'mapping-1', createDefects: true },
  };
}

/**
 * The whole app plus `/forge` on fake results/mappings features, configured to trust the
 * simulator's FIT keys (`FORGE_APP_ID` = the simulator's app, `FORGE_JWKS_URL` its JWKS).
 */
export async function createForgeTestApp(options: { store?: StoreKind } = {}) {
  const sim: Sim = createSim({ baseUrl: 'http://jira-sim.test', clock: createSimClock(START) });
  const calls: FeatureCalls = { issueTests: [], mappingsOf: [], fileDefect: [] };
  const features: ForgeFeatures = {
    issueTests: async (_deps, query) => {
      calls.issueTests.push(query);
      return { ...sampleIssueTests(query.connectionId, query.issueIdOrKey), scope: query.scope };
    },
    mappingsOf: async (_deps, connectionId) => {
      calls.mappingsOf.push(connectionId);
      return [{ jiraProjectKey: 'SHOP', toolProjectKey: 'shop-web', createDefects: true }];
    },
    fileDefect: async (_deps, request) => {
      calls.fileDefect.push(request);
      return {
        defect: { id: 'def-1', issueKey: 'SHOP-7', url: null, state: 'created' },
        failureReason: null,
      };
    },
  };
  const t = await createTestApp(
    {
      fetch: sim.fetch as typeof fetch,
      clock: createFixedClock(START),
      ...(options.store ? { store: options.store } : {}),
      env: {
        FORGE_APP_ID: sim.forgeAppId,
        FORGE_JWKS_URL: sim.forgeJwksUrl,
        // Where the simulator's FITs put app.apiBaseUrl (`/api/ex/jira/<cloudId>`).
        ATLASSIAN_API_URL: `${sim.baseUrl}/api`,
      },
    },
    { forge: features },
  );
  const site = (name: 'acme' | 'globex'): CloudSite => {
    const found = sim.world.sites.get(name);
    if (found?.kind !== 'cloud') throw new Error(`no cloud site ${name}`);
    return found;
  };
  /** A Testbridge connection to a simulator site (inserted directly: the setup, not the test). */
  const connect = async (name: 'acme' | 'globex', status: 'active' | 'needs_reauthorization') => {
    const { cloudId, baseUrl } = site(name);
    const id = `conn-${name}`;
    const now = t.clock.now();
    await t.deps.store.transaction((tx) =>
      createConnectionRepo(t.deps.store.tables).insert(tx, {
        id,
        name: `${name} cloud`,
        jiraUrl: baseUrl,
        linkBaseUrl: null,
        deployment: 'cloud',
        serverVersion: null,
        cloudId,
        authType: 'cloud_api_token',
        oauthApp: null,
        clientId: null,
        clientSecret: null,
        consumerKey: null,
        privateKey: null,
        publicKey: null,
        username: 'bot@example.com',
        status,
        statusReason: status === 'active' ? null : 'the grant was revoked',
        requireUserGrantForWrites: false,
        proxyUrl: null,
        proxyUsername: null,
        proxyPassword: null,
        diagnostics: null,
        createdAt: now,
        updatedAt: now,
      }),
    );
    return id;
  };
  /** A FIT from the simulator for a site, as a UI module of the issue panel by default. */
  const token = (name: 'acme' | 'globex', input: Partial<InvocationTokenInput> = {}) =>
    sim.signInvocationToken({ site: site(name), ...input });
  const post = (
    path: string,
    fit: string | undefined,
    body?: unknown,
    headers: Record<string, string> = {},
  ) =>
    t.app.request(path, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(fit === undefined ? {} : { authorization: `Bearer ${fit}` }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  return { ...t, sim, site, connect, token, post, calls };
}
