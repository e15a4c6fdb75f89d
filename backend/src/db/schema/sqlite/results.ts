import {
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core';

const at = (name: string) => integer(name, { mode: 'timestamp_ms' });
const boolean = (name: string) => integer(name, { mode: 'boolean' });
const doublePrecision = real;
const STATUSES = ['passed', 'failed', 'error', 'skipped'] as const;
const SCOPE_KINDS = ['all', 'environment', 'fixVersion'] as const;

/** Mirrors schema/pg/results.ts. One test of a tool project, by identity (explicit key, else normalised classname + name). */
export const resultTests = sqliteTable(
  'result_tests',
  {
    id: text('id').primaryKey(),
    projectKey: text('project_key').notNull(),
    identity: text('identity').notNull(),
    testKey: text('test_key'),
    name: text('name').notNull(),
    classname: text('classname'),
    suite: text('suite'),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (table) => [uniqueIndex('result_tests_identity_idx').on(table.projectKey, table.identity)],
);

/** Issue keys Jira resolved to ids on a connection (old keys of moved issues too). */
export const resultIssueKeys = sqliteTable(
  'result_issue_keys',
  {
    connectionId: text('connection_id').notNull(),
    issueKey: text('issue_key').notNull(),
    issueId: text('issue_id').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.connectionId, table.issueKey] }),
    index('result_issue_keys_id_idx').on(table.connectionId, table.issueId),
  ],
);

/** A test covers a Jira issue (a requirement), stored by issue id. */
export const resultTestLinks = sqliteTable(
  'result_test_links',
  {
    testId: text('test_id')
      .notNull()
      .references(() => resultTests.id, { onDelete: 'cascade' }),
    connectionId: text('connection_id').notNull(),
    issueId: text('issue_id').notNull(),
    /** Set when Jira reported the issue deleted: the link is kept and listed for the tool. */
    orphanedAt: at('orphaned_at'),
  },
  (table) => [
    primaryKey({ columns: [table.testId, table.connectionId, table.issueId] }),
    index('result_test_links_issue_idx').on(table.connectionId, table.issueId, table.testId),
  ],
);

/** One test run with its metadata; `at` orders runs (finished, else started, else created). */
export const resultRuns = sqliteTable(
  'result_runs',
  {
    id: text('id').primaryKey(),
    projectKey: text('project_key').notNull(),
    name: text('name').notNull(),
    /** `api_key` (key id) or `ci` (CI credential id). */
    createdByKind: text('created_by_kind', { enum: ['api_key', 'ci'] }).notNull(),
    createdBy: text('created_by').notNull(),
    ciSiteId: text('ci_site_id'),
    pipelineId: text('pipeline_id'),
    buildNumber: integer('build_number'),
    buildUrl: text('build_url'),
    buildDisplayName: text('build_display_name'),
    /** The build's `testInfo` came from this run (so a later file may update it). */
    buildTestInfoFilled: boolean('build_test_info_filled').notNull().default(false),
    environment: text('environment'),
    fixVersion: text('fix_version'),
    revision: text('revision'),
    branch: text('branch'),
    startedAt: at('started_at'),
    finishedAt: at('finished_at'),
    at: at('at').notNull(),
    files: integer('files').notNull().default(0),
    /** JSON array of the requirement keys Jira did not know. */
    unknownIssueKeys: text('unknown_issue_keys').notNull(),
    createdAt: at('created_at').notNull(),
    updatedAt: at('updated_at').notNull(),
  },
  (table) => [
    index('result_runs_project_idx').on(table.projectKey, table.createdAt),
    index('result_runs_at_idx').on(table.at),
  ],
);

/** A test's result in a run: one per test per run, files and reruns merged. */
export const resultExecutions = sqliteTable(
  'result_executions',
  {
    id: text('id').primaryKey(),
    runId: text('run_id')
      .notNull()
      .references(() => resultRuns.id, { onDelete: 'cascade' }),
    testId: text('test_id')
      .notNull()
      .references(() => resultTests.id, { onDelete: 'cascade' }),
    status: text('status', { enum: STATUSES }).notNull(),
    flaky: boolean('flaky').notNull(),
    /** Some attempt in the run failed or errored (flaky once a later one passes). */
    hadFailure: boolean('had_failure').notNull(),
    attempts: integer('attempts').notNull(),
    durationMs: doublePrecision('duration_ms'),
    message: text('message'),
    stack: text('stack'),
    /** Failed or error: hash of the test identity + normalised first line of the message. */
    signature: text('signature'),
    /** Copied from the run (runs never change): history and retention read one table. */
    at: at('at').notNull(),
    environment: text('environment'),
    fixVersion: text('fix_version'),
  },
  (table) => [
    uniqueIndex('result_executions_run_test_idx').on(table.runId, table.testId),
    index('result_executions_test_at_idx').on(table.testId, table.at),
    index('result_executions_test_env_idx').on(table.testId, table.environment, table.at),
    index('result_executions_test_fix_idx').on(table.testId, table.fixVersion, table.at),
    index('result_executions_signature_idx').on(table.signature),
    index('result_executions_at_idx').on(table.at),
  ],
);

/** The latest execution of each test overall, per environment and per fix version (kept at import). */
export const resultLatest = sqliteTable(
  'result_latest',
  {
    testId: text('test_id')
      .notNull()
      .references(() => resultTests.id, { onDelete: 'cascade' }),
    scopeKind: text('scope_kind', { enum: SCOPE_KINDS }).notNull(),
    /** '' for `all`; the environment or fix version otherwise. */
    scopeValue: text('scope_value').notNull(),
    executionId: text('execution_id').notNull(),
    at: at('at').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.testId, table.scopeKind, table.scopeValue] }),
    index('result_latest_execution_idx').on(table.executionId),
  ],
);

/** Cases of an upload being read, before it is merged in one transaction (then deleted). */
export const resultStagedCases = sqliteTable(
  'result_staged_cases',
  {
    uploadId: text('upload_id').notNull(),
    seq: integer('seq').notNull(),
    payload: text('payload').notNull(),
    createdAt: at('created_at').notNull(),
  },
  (table) => [
    primaryKey({ columns: [table.uploadId, table.seq] }),
    index('result_staged_cases_created_idx').on(table.createdAt),
  ],
);
