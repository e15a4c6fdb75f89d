/**
 * `BENCH_ONLY=panel`: the Tests panel's one call, `POST /forge/issue-tests`, as Forge makes it —
 * a Forge Invocation Token signed with a real 2048-bit RSA key, verified by the backend with jose
 * against a JWKS served the way the simulator (and Atlassian) serve it — on the coverage
 * section's 1M executions in SQLite, against that section's plain indexed lookup of the same rows.
 */

import { createFixedClock, createTestApp } from '@testbridge/backend/testing';
import { createSim, createFixedClock as createSimClock } from '@testbridge/jira-sim';
import { getIssueTests } from '../../../backend/src/results/coverage.ts';
import { IssueTestsAnswer } from '../../../shared/src/forge/remote.ts';
import type { BenchContext, Section } from './context.ts';
import {
  CONNECTION,
  HISTORY,
  issueKey,
  issueSequence,
  measure,
  type Percentiles,
  plainLookup,
  QUERIES,
  ROUNDS,
  seedCoverage,
  TESTS,
  TESTS_PER_ISSUE,
  WARMUP,
} from './coverage.ts';

export const PANEL_TITLE = 'The Tests panel through Forge Remote (FIT verified)';

const START = '2026-06-01T12:00:00.000Z';
const SEED = 23;

const ms = (value: number) => value.toFixed(2);

export async function benchPanel(_ctx: BenchContext): Promise<Section> {
  // The simulator only signs FITs and serves its JWKS here: the panel call reads no Jira.
  const sim = createSim({ baseUrl: 'http://jira-sim.test', clock: createSimClock(START) });
  const site = sim.world.sites.get('acme');
  if (site?.kind !== 'cloud') throw new Error('no acme site in the simulator');
  const t = await createTestApp({
    store: 'sqlite',
    fetch: sim.fetch as typeof fetch,
    clock: createFixedClock(START),
    env: { FORGE_APP_ID: sim.forgeAppId, FORGE_JWKS_URL: sim.forgeJwksUrl, LOG_LEVEL: 'warn' },
  });
  try {
    const seedSeconds = await seedCoverage(t.deps, site.cloudId);
    // One fresh FIT per call, as Forge sends them, signed before the clock starts.
    const sequence = issueSequence(SEED);
    const signStarted = performance.now();
    const tokens = await Promise.all(
      sequence.map((j) =>
        sim.signInvocationToken({
          site,
          principal: 'bench-viewer',
          moduleType: 'jira:issuePanel',
          context: {
            cloudId: site.cloudId,
            localId: 'bench-panel',
            extension: {
              type: 'jira:issuePanel',
              issue: { id: String(100_000 + j), key: issueKey(j) },
            },
          },
        }),
      ),
    );
    const signMs = (performance.now() - signStarted) / sequence.length;
    const panelCall = async (j: number, token: string) => {
      const res = await t.app.request('/forge/issue-tests', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({
          issueIdOrKey: issueKey(j),
          scope: { kind: 'latest' },
          history: HISTORY,
        }),
      });
      if (res.status !== 200) throw new Error(`panel call: ${res.status} ${await res.text()}`);
      return res.json();
    };
    const first = IssueTestsAnswer.parse(await panelCall(sequence[0] ?? 0, tokens[0] ?? ''));
    if (
      first.status !== 'connected' ||
      first.issueTests.tests.length !== TESTS_PER_ISSUE ||
      first.issueTests.tests[0]?.history.length !== HISTORY
    ) {
      throw new Error(`panel sanity check failed: ${JSON.stringify(first).slice(0, 300)}`);
    }
    const jiraCalls = sim.requests.list({ path: '/api/*' }).length;

    const baseline = await measure((issue) => plainLookup(t.deps, issue), SEED);
    const direct = await measure(
      (issue) =>
        getIssueTests(t.deps, {
          connectionId: CONNECTION,
          issueIdOrKey: issue,
          scope: { kind: 'latest' },
          history: HISTORY,
        }),
      SEED,
    );
    const panel = await measure((_issue, j, n) => panelCall(j, tokens[n] ?? ''), SEED);
    if (sim.requests.list({ path: '/api/*' }).length !== jiraCalls)
      throw new Error('the panel call reached Jira: it must answer from the store');
    const row = (what: string, p: Percentiles) =>
      `| ${what} | ${ms(p.p50)} | ${ms(p.p99)} | ${(p.p99 / baseline.p99).toFixed(1)}× |`;
    const markdown = `In-process (\`app.request\`, no sockets), one caller, SQLite, ${QUERIES} calls after ${WARMUP}
warm-up ones, each for a random issue covered by ${TESTS_PER_ISSUE} tests with ${HISTORY} executions of history,
scope latest, on the coverage section's data (${TESTS.toLocaleString('en')} tests, ${(TESTS * ROUNDS).toLocaleString('en')}
executions). Each panel call carries its own Forge Invocation Token (RS256, 2048-bit key, JWKS fetched
once and cached by jose, as in production), verified for signature, issuer, audience and expiry, then
answered from the store: the body parsed, the site's connection found by the token's cloudId, the
read model built and serialised. Signing a token took ${signMs.toFixed(2)} ms on average (outside the timing).
The target is a panel p99 under 10 ms. The baseline is the coverage section's plain indexed lookup.

| Call | p50 ms | p99 ms | p99 / baseline |
| --- | ---: | ---: | ---: |
${row('plain indexed lookup (baseline)', baseline)}
${row('`getIssueTests`, in-process', direct)}
${row('`POST /forge/issue-tests` with a FIT', panel)}

Seeding took ${seedSeconds.toFixed(0)} s. No call reached Jira.
`;
    return { title: PANEL_TITLE, markdown };
  } finally {
    await t.cleanup();
  }
}
