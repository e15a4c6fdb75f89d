import { z } from 'zod';
import { AppError } from '../http/errors.ts';
import { JiraCallError } from '../jira/errors.ts';
import { forgeJiraApi } from '../jira/forge-api.ts';
import { createIssue, linkIssues, searchIssues, upsertRemoteLink } from '../jira/issues-api.ts';
import { findMappingOfToolProject } from '../mappings/service.ts';
import type { ItemVerdict, OutboxItem, OutboxSender, SendOutcome } from '../outbox/sender.ts';
import { coveredIssueIdsOf, getExecutionContext } from '../results/execution-context.ts';
import { runUrlOf } from '../results/remote-links.ts';
import { type JiraTarget, jiraTargetFor } from '../tool-api/endpoint.ts';
import { createDefectRepo, type DefectRow } from './repo.ts';
import {
  actingTokenBinding,
  browseBaseOf,
  DEFECT_KIND,
  type DefectDeps,
  defectDescriptionOf,
  defectLabelOf,
} from './service.ts';

/** Jira's stock link type between a defect and the requirement its test covers. */
const LINK_TYPE = 'Relates';
const Payload = z.object({ defectId: z.string() });
/** Refusals of a requirement link that leave the defect standing without that link. */
const LINK_SKIPPED = new Set(['jira_not_found', 'jira_forbidden']);

const done = (verdict: string, explanation: string, detail?: unknown): ItemVerdict => ({
  status: 'delivered',
  verdict,
  explanation,
  ...(detail === undefined ? {} : { detail }),
});

/** Refusals that retrying will not change: the defect fails with Jira's (or our) words. */
const REFUSALS = new Set([
  'jira_rejected_request',
  'jira_not_found',
  'jira_forbidden',
  'user_authorization_required',
  'needs_reauthorization',
  'forbidden',
  'not_found',
  'conflict',
]);

/** Creates the issue once: a retry after a lost answer finds it by its label first. */
async function ensureIssue(deps: DefectDeps, target: JiraTarget, row: DefectRow, item: OutboxItem) {
  if (row.issueId && row.issueKey) return { id: row.issueId, key: row.issueKey };
  const label = defectLabelOf(row.id);
  if (item.attempts > 0) {
    const found = await searchIssues(deps, target, `labels = "${label}"`, 1, undefined);
    const issue = found.issues[0];
    if (issue) return { id: issue.id, key: issue.key };
  }
  const context = await getExecutionContext(deps, { executionId: row.executionId });
  const mapping = await findMappingOfToolProject(deps, row.projectKey);
  if (!mapping?.createDefects || !mapping.defectIssueType)
    throw new AppError(
      'conflict',
      `Defects were turned off for ${row.projectKey} before this one reached Jira`,
    );
  return createIssue(deps, target, {
    project: mapping.jiraProject.id,
    issueType: mapping.defectIssueType.id,
    summary: row.summary,
    description: defectDescriptionOf(context, runUrlOf(deps, row.runId)),
    labels: [...mapping.labels, label],
    components: mapping.components,
  });
}

/**
 * Whose Jira the defect goes to: a viewer's forwarded token on the installation's API base URL
 * (filed from the Forge panel), else the connection's grant or the tool user's own.
 */
async function targetOf(deps: DefectDeps, row: DefectRow): Promise<JiraTarget> {
  if (row.actingToken === null || row.jiraApiBaseUrl === null)
    return jiraTargetFor(deps, row.connectionId, row.actingUser ?? undefined, 'write');
  const token = deps.sealer.open(row.actingToken, actingTokenBinding(row.id));
  return {
    ...forgeJiraApi(deps.config, row.jiraApiBaseUrl, token),
    connectionId: row.connectionId,
    browseBase: await browseBaseOf(deps, row.connectionId),
    grant: 'user',
  };
}

/** Files one defect: the issue, a link to each requirement, a remote link to the run. */
async function fileOne(deps: DefectDeps, item: OutboxItem, row: DefectRow): Promise<ItemVerdict> {
  const repo = createDefectRepo(deps.store.tables);
  const target = await targetOf(deps, row);
  const issue = await ensureIssue(deps, target, row, item);
  if (row.issueId !== issue.id) {
    await deps.store.transaction((tx) =>
      repo.update(tx, row.id, {
        issueId: issue.id,
        issueKey: issue.key,
        state: 'created',
        updatedAt: deps.clock.now(),
      }),
    );
  }
  const requirements = await coveredIssueIdsOf(deps, row.connectionId, row.testId);
  for (let step = row.linkedIssues; step <= requirements.length; step++) {
    const requirement = requirements[step];
    if (requirement !== undefined) {
      await linkIssues(deps, target, {
        type: LINK_TYPE,
        inwardIssue: requirement,
        outwardIssue: issue.id,
      }).catch((error: unknown) => {
        // A requirement deleted since the run, or an acting user who may not link issues (a
        // viewer filing from the panel): the defect stands without that link.
        if (!(error instanceof AppError && LINK_SKIPPED.has(error.code))) throw error;
        deps.logger.info(
          { defectId: row.id, requirement, code: error.code },
          'defect filed without its link to a requirement',
        );
      });
    } else {
      await upsertRemoteLink(deps, target, issue.id, {
        globalId: `testbridge:run:${row.runId}`,
        url: runUrlOf(deps, row.runId),
        title: `Testbridge test run ${row.runId}`,
        relationship: 'found in test run',
        application: { type: 'com.testbridge', name: 'Testbridge' },
      }).catch((error: unknown) => {
        // Jira asks "Link issues" of remote links too: a viewer without it gets the defect alone.
        if (!(error instanceof AppError && error.code === 'jira_forbidden')) throw error;
        deps.logger.info({ defectId: row.id }, 'defect filed without its link to the run');
      });
    }
    await deps.store.transaction((tx) =>
      repo.update(tx, row.id, { linkedIssues: step + 1, updatedAt: deps.clock.now() }),
    );
  }
  if (row.actingToken !== null) {
    // Settled: the viewer's token is no longer needed, so it is no longer kept.
    await deps.store.transaction((tx) =>
      repo.update(tx, row.id, { actingToken: null, updatedAt: deps.clock.now() }),
    );
  }
  return done('accepted', `Jira created ${issue.key}.`, { issueKey: issue.key, issueId: issue.id });
}

async function failDefect(deps: DefectDeps, row: DefectRow, error: AppError): Promise<ItemVerdict> {
  const jira = error instanceof JiraCallError ? error.jira : undefined;
  const words = jira ? [...jira.errorMessages, ...Object.values(jira.errors)] : [];
  const reason = words.length > 0 ? `${error.message}: ${words.join('; ')}` : error.message;
  await deps.store.transaction((tx) =>
    createDefectRepo(deps.store.tables).update(tx, row.id, {
      state: row.issueId ? 'created' : 'failed',
      openSignature: row.issueId ? row.openSignature : null,
      failureReason: reason,
      actingToken: null,
      updatedAt: deps.clock.now(),
    }),
  );
  return {
    status: 'rejected',
    verdict: 'rejected',
    explanation: reason,
    detail: { code: error.code },
  };
}

const isUnauthorized = (error: unknown) =>
  error instanceof JiraCallError && error.code === 'jira_unauthorized';

const viewerTokenRefused = (cause: unknown, created: boolean) =>
  new AppError(
    'user_authorization_required',
    created
      ? "Jira no longer accepts the viewing user's token that Forge forwarded: the issue was created, some of its links were not"
      : "Jira no longer accepts the viewing user's token that Forge forwarded (it expired before Jira could be reached); file the defect again from the Tests panel",
    { cause },
  );

/** A failure that concerns the whole target: retry later, keeping what was judged. */
function transientOutcome(error: unknown, settled: Map<string, ItemVerdict>): SendOutcome {
  const message = error instanceof Error ? error.message : String(error);
  if (error instanceof JiraCallError && error.jira?.status === 429)
    return { type: 'rate_limited', retryAfterMs: 10_000, message, settled };
  return { type: 'unavailable', message, settled };
}

/**
 * The outbox sender of defects (kind `jira.defect`, target: the connection). Each defect is
 * filed once: its key is stored as soon as Jira answers, and a retry after a lost answer looks
 * for the issue by its label before creating another.
 */
export function createDefectSender(deps: DefectDeps): OutboxSender {
  return {
    kind: DEFECT_KIND,
    maxBatch: 10,
    async send(_target, items): Promise<SendOutcome> {
      const repo = createDefectRepo(deps.store.tables);
      const verdicts = new Map<string, ItemVerdict>();
      for (const item of items) {
        const payload = Payload.safeParse(JSON.parse(item.payload));
        const row = payload.success
          ? await repo.findById(deps.store.db, payload.data.defectId)
          : undefined;
        if (!row || row.state === 'failed') {
          verdicts.set(item.id, done('superseded', 'The defect was removed or already settled.'));
          continue;
        }
        try {
          verdicts.set(item.id, await fileOne(deps, item, row));
        } catch (error) {
          // As it now stands: the issue may have been created before the failure.
          const now = (await repo.findById(deps.store.db, row.id)) ?? row;
          if (row.actingToken !== null && isUnauthorized(error)) {
            // Forge tokens cannot be refreshed: only the viewer's next click brings a new one.
            verdicts.set(
              item.id,
              await failDefect(deps, now, viewerTokenRefused(error, now.issueId !== null)),
            );
            continue;
          }
          if (error instanceof AppError && REFUSALS.has(error.code)) {
            verdicts.set(item.id, await failDefect(deps, now, error));
            continue;
          }
          return transientOutcome(error, verdicts);
        }
      }
      return { type: 'delivered', verdicts };
    },
  };
}
