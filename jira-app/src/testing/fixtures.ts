/** Answers the backend gives, checked against the shared contracts so they cannot drift. */
import { type CoveringTest, type ExecutionView, IssueTests } from '@testbridge/shared/api/coverage';

const run = (overrides: Partial<ExecutionView>): ExecutionView => ({
  runId: 'run-12',
  runName: 'nightly #12',
  status: 'passed',
  flaky: false,
  durationMs: 1200,
  at: '2026-03-01T10:00:00.000Z',
  environment: 'staging',
  fixVersion: '1.4',
  build: null,
  message: null,
  ...overrides,
});

const test = (overrides: Partial<CoveringTest>): CoveringTest => ({
  testId: 'test-x',
  key: null,
  name: 'a test',
  classname: 'shop.Checkout',
  projectKey: 'shop-web',
  latest: null,
  byEnvironment: [],
  history: [],
  openDefects: [],
  ...overrides,
});

const failed = run({
  runId: 'run-12',
  status: 'failed',
  message: 'expected 200, got 500',
  build: {
    pipelineId: 'shop-ci',
    buildNumber: 812,
    url: 'https://ci.example.com/shop/812',
    displayName: 'shop-ci #812',
  },
});

export function issueTestsFixture(overrides: Partial<IssueTests> = {}): IssueTests {
  return IssueTests.parse({
    connectionId: 'conn-acme',
    issue: { id: '10001', key: 'SHOP-1' },
    scope: { kind: 'latest' },
    coverage: 'NOK',
    flaky: true,
    counts: { total: 3, passed: 1, failed: 1, error: 0, skipped: 0, notRun: 1, flaky: 1 },
    environments: ['staging', 'production'],
    fixVersions: ['1.4'],
    tests: [
      test({
        testId: 'test-pay',
        name: 'checkout pays',
        latest: failed,
        history: [failed, run({ runId: 'run-11', at: '2026-02-28T10:00:00.000Z' })],
        openDefects: [
          {
            id: 'd1',
            issueKey: 'SHOP-7',
            url: 'https://acme.atlassian.net/browse/SHOP-7',
            state: 'created',
          },
        ],
      }),
      test({
        testId: 'test-cart',
        name: 'cart keeps items',
        latest: run({ runId: 'run-12', flaky: true, environment: null }),
      }),
      test({ testId: 'test-refund', name: 'refund is sent' }),
    ],
    mapping: { id: 'mapping-1', createDefects: true },
    ...overrides,
  });
}
