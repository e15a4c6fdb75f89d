/**
 * The read model behind the Tests panel: which tests cover one Jira issue and how they did.
 * `GET /api/v1/issues/{issueIdOrKey}/tests?connectionId=…` answers `IssueTests`; the Forge app's
 * panel gets the same object through Forge Remote and only renders it.
 */
import { z } from 'zod';
import { ExecutionStatus } from './test-report.ts';

/**
 * An issue's coverage in a scope: OK (every linked test's latest execution passed), NOK (any
 * failed or error), NOTRUN (linked tests, but not all passed and none failed: never run, skipped
 * or not run), UNCOVERED (no tests).
 */
export const Coverage = z.enum(['OK', 'NOK', 'NOTRUN', 'UNCOVERED']);
export type Coverage = z.infer<typeof Coverage>;

/** Which executions count: the latest anywhere, in one environment, or in runs of one fix version. */
export const CoverageScope = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('latest') }),
  z.strictObject({ kind: z.literal('environment'), environment: z.string().min(1).max(255) }),
  z.strictObject({ kind: z.literal('fixVersion'), fixVersion: z.string().min(1).max(255) }),
]);
export type CoverageScope = z.infer<typeof CoverageScope>;

/** Query of `GET /api/v1/issues/{issueIdOrKey}/tests`: at most one of environment / fixVersion. */
export const IssueTestsQuery = z.strictObject({
  connectionId: z.string().min(1),
  environment: z.string().min(1).max(255).optional(),
  fixVersion: z.string().min(1).max(255).optional(),
  /** Executions of history per test (newest first). */
  history: z.coerce.number().int().min(0).max(20).default(5),
});
export type IssueTestsQuery = z.infer<typeof IssueTestsQuery>;

/** The CI build a run came from (as posted to the DevOps doors), when it named one. */
export const RunBuild = z.object({
  pipelineId: z.string(),
  buildNumber: z.number().int(),
  url: z.string().nullable(),
  displayName: z.string().nullable(),
});
export type RunBuild = z.infer<typeof RunBuild>;

/** One test's result in one run. */
export const ExecutionView = z.object({
  runId: z.string(),
  runName: z.string(),
  status: ExecutionStatus,
  /** Failed, then passed, within the run. */
  flaky: z.boolean(),
  durationMs: z.number().nullable(),
  /** When the run finished (or started, or was imported). */
  at: z.iso.datetime(),
  environment: z.string().nullable(),
  fixVersion: z.string().nullable(),
  build: RunBuild.nullable(),
  /** First line of the failure message, for the table; the whole message is on the run. */
  message: z.string().nullable(),
});
export type ExecutionView = z.infer<typeof ExecutionView>;

/** A Jira defect filed for one of the test's failures and still open as far as Testbridge knows. */
export const DefectRef = z.object({
  id: z.string(),
  /** The Jira key once Jira created it; null while it is pending. */
  issueKey: z.string().nullable(),
  url: z.string().nullable(),
  state: z.enum(['pending', 'created', 'failed']),
});
export type DefectRef = z.infer<typeof DefectRef>;

export const CoveringTest = z.object({
  testId: z.string(),
  /** The explicit test key, when the reports carry one. */
  key: z.string().nullable(),
  name: z.string(),
  classname: z.string().nullable(),
  /** The test-tool project the test belongs to. */
  projectKey: z.string(),
  /** The latest execution in the scope; null when never run there. */
  latest: ExecutionView.nullable(),
  /** The latest execution in each environment (`null` environment is its own bucket). */
  byEnvironment: z.array(
    z.object({ environment: z.string().nullable(), status: ExecutionStatus, at: z.iso.datetime() }),
  ),
  /** The last executions in the scope, newest first (`history` of the query). */
  history: z.array(ExecutionView),
  openDefects: z.array(DefectRef),
});
export type CoveringTest = z.infer<typeof CoveringTest>;

export const IssueTests = z.object({
  connectionId: z.string(),
  issue: z.object({ id: z.string(), key: z.string().nullable() }),
  scope: CoverageScope,
  coverage: Coverage,
  /** Any covering test's latest execution in scope is flaky. */
  flaky: z.boolean(),
  counts: z.object({
    total: z.number().int(),
    passed: z.number().int(),
    failed: z.number().int(),
    error: z.number().int(),
    skipped: z.number().int(),
    notRun: z.number().int(),
    flaky: z.number().int(),
  }),
  /** Environments and fix versions the covering tests ran in, for the scope picker. */
  environments: z.array(z.string()),
  fixVersions: z.array(z.string()),
  tests: z.array(CoveringTest),
  /** The mapping of the issue's Jira project, when there is one: whether defects may be filed. */
  mapping: z.object({ id: z.string(), createDefects: z.boolean() }).nullable(),
});
export type IssueTests = z.infer<typeof IssueTests>;

/** The issue property Testbridge keeps on every covered issue, indexed for JQL by the Forge app. */
export const COVERAGE_PROPERTY_KEY = 'testbridge-coverage';

/**
 * Its value: the issue's coverage over the latest executions (`issue.property[testbridge-coverage]
 * .status = NOK`, or the manifest's alias `testCoverage = NOK`). `failed` counts failed and error.
 */
export const CoverageProperty = z.object({
  status: Coverage,
  total: z.number().int(),
  passed: z.number().int(),
  failed: z.number().int(),
  notRun: z.number().int(),
  flaky: z.number().int(),
  lastRunAt: z.iso.datetime().nullable(),
});
export type CoverageProperty = z.infer<typeof CoverageProperty>;
