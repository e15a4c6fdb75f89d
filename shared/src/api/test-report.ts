/**
 * One test report as Testbridge reads it, whatever it came as: the JUnit XML parser yields these
 * cases one by one, and the JSON report format (`application/json` uploads) is exactly
 * `TestReport`. Results import merges the cases of a run's files into one execution per test.
 */
import { z } from 'zod';

/** What one test did in one report. `not_run` is never reported: it is derived (linked, absent). */
export const ReportedStatus = z.enum(['passed', 'failed', 'error', 'skipped']);
export type ReportedStatus = z.infer<typeof ReportedStatus>;

/** An execution's status: what was reported, or `not_run` for a linked test absent from a run. */
export const ExecutionStatus = z.enum(['passed', 'failed', 'error', 'skipped', 'not_run']);
export type ExecutionStatus = z.infer<typeof ExecutionStatus>;

/** A Jira issue key (`PROJ-123`) as reports carry them; resolved to issue ids at import. */
export const ReportIssueKey = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]{0,254}-[1-9]\d{0,17}$/, 'must be an issue key such as PROJ-123');

/** The limits every reader applies, so one report cannot take the server's memory. */
export const REPORT_LIMITS = {
  /** Test name, classname and suite, in characters. */
  nameLength: 1000,
  /** The failure message kept per execution (longer ones are cut, marked with `…`). */
  messageLength: 4000,
  /** The trimmed stack kept per execution. */
  stackLength: 8000,
  /** Captured output kept per execution. */
  outputLength: 4000,
  requirementsPerTest: 100,
  propertiesPerTest: 100,
  /** Test cases in one file. */
  casesPerReport: 200_000,
} as const;

/**
 * One test case as reported. Identity: `key` when present (`test_key` / `testbridge.key`
 * property), else the normalised `classname` + `name`. `attempts` counts runs of the case within
 * this report (reruns); `flaky` means it failed and then passed in them.
 */
export const ReportTestCase = z.strictObject({
  key: z.string().trim().min(1).max(255).optional(),
  name: z.string().trim().min(1).max(REPORT_LIMITS.nameLength),
  classname: z.string().trim().max(REPORT_LIMITS.nameLength).optional(),
  suite: z.string().trim().max(REPORT_LIMITS.nameLength).optional(),
  status: ReportedStatus,
  durationMs: z.number().nonnegative().max(1e12).optional(),
  message: z.string().max(REPORT_LIMITS.messageLength).optional(),
  stack: z.string().max(REPORT_LIMITS.stackLength).optional(),
  output: z.string().max(REPORT_LIMITS.outputLength).optional(),
  /** Jira issues this test covers (its requirements). */
  requirements: z.array(ReportIssueKey).max(REPORT_LIMITS.requirementsPerTest).optional(),
  flaky: z.boolean().optional(),
  attempts: z.number().int().min(1).max(1000).optional(),
  properties: z
    .record(z.string().max(255), z.string().max(4000))
    .refine((props) => Object.keys(props).length <= REPORT_LIMITS.propertiesPerTest, {
      message: `at most ${REPORT_LIMITS.propertiesPerTest} properties`,
    })
    .optional(),
});
export type ReportTestCase = z.infer<typeof ReportTestCase>;

/** The JSON report format: `{ "format": "testbridge/v1", "tests": [...] }`. */
export const TestReport = z.strictObject({
  format: z.literal('testbridge/v1'),
  tests: z.array(ReportTestCase).max(REPORT_LIMITS.casesPerReport),
});
export type TestReport = z.infer<typeof TestReport>;
