/**
 * The Tests panel's read model (`IssueTests`): the tests covering one Jira issue, their latest
 * status in a scope and per environment, their last executions, and the issue's coverage.
 * Computed from the store alone; a key the store has not seen is resolved once in Jira.
 */
import type {
  Coverage,
  CoverageScope,
  CoveringTest,
  ExecutionView,
  IssueTests,
} from '@testbridge/shared/api/coverage';
import { getConnection } from '../connections/service.ts';
import type { Deps } from '../deps.ts';
import { getIssueIdentity } from '../jira/issue-lookup.ts';
import { findMappingOfJiraProject } from '../mappings/service.ts';
import { jiraTargetFor } from '../tool-api/endpoint.ts';
import {
  type CoveringRow,
  createCoverageRepo,
  type ExecutionViewRow,
  type ScopeFilter,
} from './coverage-repo.ts';
import { createLinksRepo } from './links-repo.ts';

export type CoverageDeps = Pick<
  Deps,
  | 'store'
  | 'clock'
  | 'logger'
  | 'sealer'
  | 'config'
  | 'fetch'
  | 'sleep'
  | 'lookupHost'
  | 'dispatchers'
  | 'openDefectsOf'
>;

export interface IssueTestsRequest {
  connectionId: string;
  issueIdOrKey: string;
  scope: CoverageScope;
  /** Executions of history per test, newest first. */
  history: number;
}

const ISSUE_ID = /^\d+$/;

/** A covering row of a test that has run in the scope it names (the left joins found a row). */
type LatestRow = ExecutionViewRow & {
  scopeKind: NonNullable<CoveringRow['scopeKind']>;
  scopeValue: string;
};

/** The issue's id and best known key: from stored links and keys, else one Jira lookup. */
async function resolveIssue(deps: CoverageDeps, connectionId: string, idOrKey: string) {
  const links = createLinksRepo(deps.store.tables);
  const db = deps.store.db;
  if (ISSUE_ID.test(idOrKey)) {
    return { id: idOrKey, key: await links.findLatestKey(db, connectionId, idOrKey) };
  }
  const key = idOrKey.toUpperCase();
  const known = (await links.findIssueIds(db, connectionId, [key])).get(key);
  if (known) return { id: known, key: await links.findLatestKey(db, connectionId, known) };
  const target = await jiraTargetFor(deps, connectionId, undefined, 'read');
  const issue = await getIssueIdentity(deps, target, key);
  const learned = [{ key, id: issue.id }];
  if (issue.key.toUpperCase() !== key) learned.push({ key: issue.key.toUpperCase(), id: issue.id });
  await deps.store.transaction((tx) =>
    links.rememberIssueKeys(tx, connectionId, learned, deps.clock.now()),
  );
  return { id: issue.id, key: issue.key };
}

const firstLine = (message: string | null) =>
  message === null ? null : (message.split(/\r?\n/).find((l) => l.trim() !== '') ?? null);

function toView(row: ExecutionViewRow): ExecutionView {
  return {
    runId: row.runId,
    runName: row.runName,
    status: row.status,
    flaky: row.flaky,
    durationMs: row.durationMs,
    at: row.at.toISOString(),
    environment: row.environment,
    fixVersion: row.fixVersion,
    build:
      row.pipelineId !== null && row.buildNumber !== null
        ? {
            pipelineId: row.pipelineId,
            buildNumber: row.buildNumber,
            url: row.buildUrl,
            displayName: row.buildDisplayName,
          }
        : null,
    message: firstLine(row.message),
  };
}

function filterOf(scope: CoverageScope): ScopeFilter {
  if (scope.kind === 'environment') return { kind: 'environment', value: scope.environment };
  if (scope.kind === 'fixVersion') return { kind: 'fixVersion', value: scope.fixVersion };
  return { kind: 'all' };
}

function coverageOf(tests: readonly CoveringTest[]): Coverage {
  if (tests.length === 0) return 'UNCOVERED';
  const statuses = tests.map((test) => test.latest?.status ?? 'not_run');
  if (statuses.some((s) => s === 'failed' || s === 'error')) return 'NOK';
  return statuses.every((s) => s === 'passed') ? 'OK' : 'NOTRUN';
}

/**
 * `IssueTests` for one issue on a connection, in a scope.
 * @throws AppError not_found (connection) | jira_not_found (a key Jira does not know)
 */
export async function getIssueTests(
  deps: CoverageDeps,
  request: IssueTestsRequest,
): Promise<IssueTests> {
  const { connectionId, scope } = request;
  const issue = await resolveIssue(deps, connectionId, request.issueIdOrKey);
  const db = deps.store.db;
  const repo = createCoverageRepo(deps.store.tables);
  const filter = filterOf(scope);
  const [coveringRows, histories] = await Promise.all([
    repo.findCovering(db, connectionId, issue.id),
    repo.findIssueHistories(db, connectionId, issue.id, filter, request.history),
  ]);
  // No tests: make sure the connection exists (a mistyped id is a 404, not UNCOVERED).
  if (coveringRows.length === 0) await getConnection(deps, connectionId);
  const rowsOf = new Map<string, CoveringRow[]>();
  const testsById = new Map<string, CoveringRow['test']>();
  for (const row of coveringRows) {
    testsById.set(row.test.id, row.test);
    const rows = rowsOf.get(row.test.id) ?? [];
    if (row.scopeKind !== null) rows.push(row);
    rowsOf.set(row.test.id, rows);
  }
  const testIds = [...testsById.keys()];
  const historyOf = new Map<string, ExecutionViewRow[]>();
  for (const row of histories) {
    const rows = historyOf.get(row.testId);
    if (rows) rows.push(row);
    else historyOf.set(row.testId, [row]);
  }
  const defectsOf =
    deps.openDefectsOf && testIds.length > 0 ? await deps.openDefectsOf(testIds) : new Map();
  const environments = new Set<string>();
  const fixVersions = new Set<string>();
  const covering: CoveringTest[] = [...testsById.values()].map((test) => {
    const rows = (rowsOf.get(test.id) ?? []) as LatestRow[];
    const inScope = rows.find(
      (row) =>
        row.scopeKind === filter.kind && (filter.kind === 'all' || row.scopeValue === filter.value),
    );
    const byEnvironment = rows
      .filter((row) => row.scopeKind === 'environment')
      .map((row) => ({
        environment: row.scopeValue === '' ? null : row.scopeValue,
        status: row.status,
        at: row.at.toISOString(),
      }))
      .sort((a, b) => (a.environment ?? '').localeCompare(b.environment ?? ''));
    for (const row of rows) {
      if (row.scopeKind === 'environment' && row.scopeValue !== '')
        environments.add(row.scopeValue);
      if (row.scopeKind === 'fixVersion') fixVersions.add(row.scopeValue);
    }
    return {
      testId: test.id,
      key: test.testKey,
      name: test.name,
      classname: test.classname,
      projectKey: test.projectKey,
      latest: inScope ? toView(inScope) : null,
      byEnvironment,
      history: (historyOf.get(test.id) ?? []).map(toView),
      openDefects: defectsOf.get(test.id) ?? [],
    };
  });
  covering.sort(
    (a, b) => (a.classname ?? '').localeCompare(b.classname ?? '') || a.name.localeCompare(b.name),
  );
  const counts = {
    total: covering.length,
    passed: 0,
    failed: 0,
    error: 0,
    skipped: 0,
    notRun: 0,
    flaky: 0,
  };
  for (const test of covering) {
    const status = test.latest?.status ?? 'not_run';
    if (status === 'not_run') counts.notRun++;
    else counts[status]++;
    if (test.latest?.flaky) counts.flaky++;
  }
  const projectKey = issue.key?.split('-')[0];
  const mapping = projectKey
    ? await findMappingOfJiraProject(deps, connectionId, projectKey)
    : undefined;
  return {
    connectionId,
    issue,
    scope,
    coverage: coverageOf(covering),
    flaky: counts.flaky > 0,
    counts,
    environments: [...environments].sort(),
    fixVersions: [...fixVersions].sort(),
    tests: covering,
    mapping: mapping ? { id: mapping.id, createDefects: mapping.createDefects } : null,
  };
}
