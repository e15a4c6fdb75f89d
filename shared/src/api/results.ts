/**
 * Test runs and their results: `POST /api/v1/test-runs` (metadata), then
 * `POST /api/v1/test-runs/{id}/results` once per report file (the body is the file), and
 * `GET /api/v1/test-runs/{id}` for the run and its summary.
 */
import { z } from 'zod';
import { ToolProjectKey } from './mappings.ts';

const text = z.string().trim().min(1).max(255);

/** The CI build a run came from, as posted to the DevOps doors (pipeline id + build number). */
export const RunBuildRef = z.strictObject({
  pipelineId: z.string().trim().min(1).max(255),
  buildNumber: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
});

export const CreateTestRunRequest = z
  .strictObject({
    /** A mapped test-tool project. */
    projectKey: ToolProjectKey,
    name: text,
    build: RunBuildRef.optional(),
    environment: text.optional(),
    fixVersion: text.optional(),
    revision: text.optional(),
    branch: text.optional(),
    startedAt: z.iso.datetime({ offset: true }).optional(),
    finishedAt: z.iso.datetime({ offset: true }).optional(),
  })
  .refine((run) => !run.startedAt || !run.finishedAt || run.startedAt <= run.finishedAt, {
    message: 'must not be before startedAt',
    path: ['finishedAt'],
  });
export type CreateTestRunRequest = z.infer<typeof CreateTestRunRequest>;

/** Counts of a run's executions (one per test); `notRun`: linked tests of the project absent. */
export const RunCounts = z.object({
  total: z.number().int(),
  passed: z.number().int(),
  failed: z.number().int(),
  error: z.number().int(),
  skipped: z.number().int(),
  flaky: z.number().int(),
  notRun: z.number().int(),
});
export type RunCounts = z.infer<typeof RunCounts>;

export const TestRun = z.object({
  id: z.string(),
  projectKey: z.string(),
  name: z.string(),
  build: z
    .object({
      pipelineId: z.string(),
      buildNumber: z.number().int(),
      url: z.string().nullable(),
      displayName: z.string().nullable(),
    })
    .nullable(),
  environment: z.string().nullable(),
  fixVersion: z.string().nullable(),
  revision: z.string().nullable(),
  branch: z.string().nullable(),
  startedAt: z.iso.datetime().nullable(),
  finishedAt: z.iso.datetime().nullable(),
  createdBy: z.object({ kind: z.enum(['api_key', 'ci']), id: z.string() }),
  createdAt: z.iso.datetime(),
  /** Report files added so far. */
  files: z.number().int(),
  counts: RunCounts,
  /** Requirement keys Jira did not know (like Jira's `unknownIssueKeys`). */
  unknownIssueKeys: z.array(z.string()),
});
export type TestRun = z.infer<typeof TestRun>;

/** The answer to one uploaded file: what it added, and the run as it now is. */
export const ResultsImported = z.object({
  file: z.object({
    fileName: z.string().nullable(),
    cases: z.number().int(),
    tests: z.number().int(),
    unknownIssueKeys: z.array(z.string()),
    /** Whether the run's build got its `testInfo` from this run (see README). */
    buildTestInfo: z.enum(['filled', 'already_set', 'no_pending_build', 'no_build']),
  }),
  run: TestRun,
});
export type ResultsImported = z.infer<typeof ResultsImported>;

export const TestRunIdParam = z.object({ id: z.string().min(1) });
export const TestRunList = z.object({ items: z.array(TestRun), nextCursor: z.string().nullable() });
export const TestRunListQuery = z.strictObject({
  projectKey: ToolProjectKey,
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(200).optional(),
});
export const ResultsUploadQuery = z.strictObject({
  /** Named in error messages and the answer. */
  fileName: z.string().trim().min(1).max(255).optional(),
});
