import type { DefectRef } from '@testbridge/shared/api/coverage';
import type { Defect, DefectFiled } from '@testbridge/shared/api/defects';
import type { Mapping } from '@testbridge/shared/api/mappings';
import { getConnection } from '../connections/service.ts';
import type { PlainSecret } from '../crypto/secret.ts';
import { newSortableId } from '../db/ids.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../http/errors.ts';
import { findMappingOfToolProject } from '../mappings/service.ts';
import { enqueueOutboxItems } from '../outbox/service.ts';
import { type ExecutionContext, getExecutionContext } from '../results/execution-context.ts';
import { runUrlOf } from '../results/remote-links.ts';
import { jiraTargetFor, type ToolApiDeps } from '../tool-api/endpoint.ts';
import { createDefectRepo, type DefectRow } from './repo.ts';

export type DefectDeps = ToolApiDeps;

/** The outbox kind of a defect to file in Jira (target: `defectTargetOf`). */
export const DEFECT_KIND = 'jira.defect';
const SUMMARY_LENGTH = 255;

const firstLine = (text: string | null) =>
  (text ?? '')
    .split('\n')
    .map((line) => line.trim())
    .find((line) => line.length > 0) ?? '';

/** `Test failure: <test>: <first line of the message>`, cut to Jira's 255 characters. */
export function defectSummaryOf(context: ExecutionContext): string {
  const line = firstLine(context.execution.message);
  const text = `Test failure: ${context.test.name}${line ? `: ${line}` : ''}`;
  return text.length <= SUMMARY_LENGTH ? text : `${text.slice(0, SUMMARY_LENGTH - 1)}…`;
}

/** The description: where it failed, the message and the trimmed stack, as plain text. */
export function defectDescriptionOf(context: ExecutionContext, runUrl: string): string {
  const { test, run, execution } = context;
  const lines = [
    `Test: ${test.classname ? `${test.classname} › ` : ''}${test.name}`,
    `Run: ${run.name} (${runUrl})`,
    ...(run.environment ? [`Environment: ${run.environment}`] : []),
    ...(run.branch ? [`Branch: ${run.branch}`] : []),
    ...(run.revision ? [`Revision: ${run.revision}`] : []),
    `Status: ${execution.status}`,
    '',
    execution.message ?? '(no failure message)',
  ];
  if (execution.stack) lines.push('', execution.stack);
  return lines.join('\n');
}

/** The label every Testbridge defect carries, which also finds it again after a lost answer. */
export const defectLabelOf = (defectId: string) => `testbridge-defect-${defectId}`;

export async function toDefects(deps: ToolApiDeps, rows: DefectRow[]): Promise<Defect[]> {
  const repo = createDefectRepo(deps.store.tables);
  const executions = await repo.executionIds(
    deps.store.db,
    rows.map((row) => row.id),
  );
  const browse = new Map<string, string>();
  const out: Defect[] = [];
  for (const row of rows) {
    let base = browse.get(row.connectionId);
    if (base === undefined && row.issueKey) {
      base = await browseBaseOf(deps, row.connectionId);
      browse.set(row.connectionId, base);
    }
    out.push({
      id: row.id,
      state: row.state,
      projectKey: row.projectKey,
      connectionId: row.connectionId,
      testId: row.testId,
      runId: row.runId,
      signature: row.signature,
      summary: row.summary,
      issue:
        row.issueId && row.issueKey
          ? { id: row.issueId, key: row.issueKey, url: `${base}/browse/${row.issueKey}` }
          : null,
      failureReason: row.failureReason,
      executionIds: executions.get(row.id) ?? [],
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    });
  }
  return out;
}

/** Where people open a connection's issues: its link base URL, else its Jira URL. */
export async function browseBaseOf(deps: ToolApiDeps, connectionId: string): Promise<string> {
  const connection = await getConnection(deps, connectionId).catch(() => undefined);
  return (connection?.linkBaseUrl ?? connection?.jiraUrl ?? '').replace(/\/+$/, '');
}

/** The mapping that allows defects for a run's tool project. @throws AppError conflict */
export async function mappingForDefects(
  deps: Pick<Deps, 'store'>,
  projectKey: string,
): Promise<Mapping> {
  const mapping = await findMappingOfToolProject(deps, projectKey);
  if (!mapping)
    throw new AppError(
      'conflict',
      `The test-tool project ${projectKey} is not mapped to a Jira project`,
    );
  if (!mapping.createDefects)
    throw new AppError(
      'conflict',
      `"Create defects in Jira" is off for the mapping of ${projectKey}; an admin can turn it on`,
      { extensions: { mappingId: mapping.id } },
    );
  if (!mapping.defectIssueType)
    throw new AppError('conflict', `The mapping of ${projectKey} names no defect issue type`, {
      extensions: { mappingId: mapping.id },
    });
  return mapping;
}

function requireFailure(context: ExecutionContext): string {
  const { execution } = context;
  if ((execution.status !== 'failed' && execution.status !== 'error') || !execution.signature)
    throw new AppError(
      'conflict',
      `Execution ${execution.id} ${execution.status === 'passed' ? 'passed' : `is ${execution.status}`}: only failed or errored executions are filed as defects`,
    );
  return execution.signature;
}

const isUniqueViolation = (error: unknown): boolean => {
  for (let e: unknown = error; e; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE') return true;
  }
  return false;
};

/**
 * Files a failed execution as a Jira defect: 202 with a pending defect committed with its outbox
 * item, or — when its failure signature already has an open defect in the project — the
 * execution linked to that one (`existing`). As `user`'s own grant when named, else the
 * connection's (checked now, so a missing grant is the caller's 403 at once).
 * @throws AppError not_found | conflict | user_authorization_required | needs_reauthorization
 */
export async function fileDefect(
  deps: DefectDeps,
  input: { runId: string; testId: string; summary?: string | undefined },
  user: string | undefined,
): Promise<DefectFiled> {
  const { row, existing } = await fileDefectRow(deps, input, { user });
  const [defect] = await toDefects(deps, [row]);
  return { defect: defect as Defect, existing };
}

/**
 * A Jira user acting through a token Forge forwarded (`x-forge-oauth-user`) for the site at
 * `apiBaseUrl`: the defect is filed as them, not through the connection's grant.
 */
export interface DefectViewer {
  accountId: string;
  apiBaseUrl: string;
  token: PlainSecret;
}

/**
 * The outbox target of a defect: the connection, or — filed with a viewer's own token — that
 * viewer on the connection, so a hold on the connection's grant (refused credentials) never
 * keeps a viewer's defect from Jira while their short-lived token lasts, nor the other way round.
 */
export const defectTargetOf = (connectionId: string, viewer?: DefectViewer) =>
  viewer ? `${connectionId}/forge-user/${viewer.accountId}` : connectionId;

/** Where a viewer's token is sealed: bound to the defect row and column. */
export const actingTokenBinding = (defectId: string) => ({
  table: 'defects',
  column: 'acting_token',
  rowId: defectId,
});

/**
 * `fileDefect`'s work: the row (new or the open one of its signature) and, for a new one, the
 * id of its outbox item. A `viewer`'s token is sealed onto the new row; an existing defect
 * stores none.
 */
export async function fileDefectRow(
  deps: DefectDeps,
  input: { runId: string; testId: string; summary?: string | undefined },
  actor: { user?: string | undefined; viewer?: DefectViewer },
): Promise<{ row: DefectRow; existing: boolean; outboxId: string | null }> {
  const { user, viewer } = actor;
  const context = await getExecutionContext(deps, { runId: input.runId, testId: input.testId });
  const signature = requireFailure(context);
  const mapping = await mappingForDefects(deps, context.run.projectKey);
  // A viewer's own token is judged by Jira when it is used; a grant is checked now.
  if (!viewer) await jiraTargetFor(deps, mapping.connectionId, user, 'write');
  const repo = createDefectRepo(deps.store.tables);
  const attempt = () =>
    deps.store.transaction(async (tx) => {
      const now = deps.clock.now();
      const open = await repo.findOpen(tx, context.run.projectKey, signature);
      if (open) {
        await repo.linkExecution(tx, open.id, context.execution.id, now);
        return { row: open, existing: true, outboxId: null };
      }
      const id = `def_${newSortableId(now)}`;
      const row: DefectRow = {
        id,
        projectKey: context.run.projectKey,
        connectionId: mapping.connectionId,
        testId: context.test.id,
        runId: context.run.id,
        executionId: context.execution.id,
        signature,
        openSignature: signature,
        state: 'pending',
        actingUser: viewer ? null : (user ?? null),
        actingAccountId: viewer?.accountId ?? null,
        jiraApiBaseUrl: viewer?.apiBaseUrl ?? null,
        actingToken: viewer ? deps.sealer.seal(viewer.token, actingTokenBinding(id)) : null,
        summary: input.summary ?? defectSummaryOf(context),
        issueId: null,
        issueKey: null,
        failureReason: null,
        linkedIssues: 0,
        createdAt: now,
        updatedAt: now,
      };
      await repo.insert(tx, row);
      await repo.linkExecution(tx, row.id, context.execution.id, now);
      const [outboxId] = await enqueueOutboxItems(
        deps.store,
        tx,
        [
          {
            kind: DEFECT_KIND,
            target: defectTargetOf(mapping.connectionId, viewer),
            subject: context.test.id,
            dedupeKey: `defect:${row.id}`,
            payload: JSON.stringify({ defectId: row.id }),
          },
        ],
        now,
      );
      return { row, existing: false, outboxId: outboxId ?? null };
    });
  try {
    return await attempt();
  } catch (error) {
    // Another request filed the same signature between our read and our insert: link to it.
    if (!isUniqueViolation(error)) throw error;
    return attempt();
  }
}

/** @throws AppError not_found */
export async function getDefect(deps: ToolApiDeps, id: string): Promise<Defect> {
  const row = await createDefectRepo(deps.store.tables).findById(deps.store.db, id);
  if (!row) throw new AppError('not_found', `No defect ${id}`);
  return (await toDefects(deps, [row]))[0] as Defect;
}

export async function listDefectsOfTest(deps: ToolApiDeps, testId: string): Promise<Defect[]> {
  return toDefects(
    deps,
    await createDefectRepo(deps.store.tables).listByTest(deps.store.db, testId),
  );
}

/** The open defects of each test, as the Tests panel shows them (`deps.openDefectsOf`). */
export function openDefectsOfTests(deps: ToolApiDeps) {
  return async (testIds: readonly string[]): Promise<Map<string, DefectRef[]>> => {
    const rows = await createDefectRepo(deps.store.tables).listOpenByTests(deps.store.db, testIds);
    const views = await toDefects(deps, rows);
    const byTest = new Map<string, DefectRef[]>();
    for (const view of views) {
      const ref: DefectRef = {
        id: view.id,
        issueKey: view.issue?.key ?? null,
        url: view.issue?.url ?? null,
        state: view.state,
      };
      byTest.set(view.testId, [...(byTest.get(view.testId) ?? []), ref]);
    }
    return byTest;
  };
}

/**
 * Jira's own create-issue screen prefilled with the defect (project, type, summary, description,
 * labels), for tools that open Jira's dialog instead of filing through Testbridge.
 * @see https://confluence.atlassian.com/jirakb/how-to-create-issues-using-direct-html-links-in-jira-server-159474.html
 */
export async function defectCreateUrl(
  deps: ToolApiDeps,
  of: { runId: string; testId: string },
): Promise<string> {
  const context = await getExecutionContext(deps, of);
  requireFailure(context);
  const mapping = await mappingForDefects(deps, context.run.projectKey);
  const base = await browseBaseOf(deps, mapping.connectionId);
  const query = new URLSearchParams({
    pid: mapping.jiraProject.id,
    issuetype: mapping.defectIssueType?.id ?? '',
    summary: defectSummaryOf(context),
    description: defectDescriptionOf(context, runUrlOf(deps, context.run.id)).slice(0, 4000),
  });
  for (const label of mapping.labels) query.append('labels', label);
  return `${base}/secure/CreateIssueDetails!init.jspa?${query}`;
}
