/**
 * What one stored Jira event changes in Testbridge. Webhook names and Forge event types are read
 * alike; events Testbridge does not follow are done without effect.
 */
import { JiraEventIssue } from '@testbridge/shared/jira/events';
import type { Deps } from '../deps.ts';
import { followIssueKey, orphanIssueLinks } from '../results/issue-sync.ts';
import { createIssueStateRepo, type JiraEventRow } from './repo.ts';

export type SyncDeps = Pick<Deps, 'store' | 'clock' | 'logger'>;

/** A stored event that can never be processed (its payload lacks what its type promises). */
export class PoisonEventError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PoisonEventError';
  }
}

const ISSUE_CHANGED = new Set([
  'jira:issue_created',
  'jira:issue_updated',
  'avi:jira:created:issue',
  'avi:jira:updated:issue',
]);
const ISSUE_DELETED = new Set(['jira:issue_deleted', 'avi:jira:deleted:issue']);

function parsePayload(event: JiraEventRow): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(event.payload);
    if (value !== null && typeof value === 'object') return value as Record<string, unknown>;
  } catch {
    // falls through
  }
  throw new PoisonEventError('The stored payload is not a JSON object');
}

function issueOf(payload: Record<string, unknown>): JiraEventIssue {
  const parsed = JiraEventIssue.safeParse(payload.issue);
  if (!parsed.success) {
    throw new PoisonEventError(
      `The issue in the event is not valid: ${parsed.error.issues.map((i) => `issue.${i.path.join('.')}`).join(', ')}`,
    );
  }
  return parsed.data;
}

/** Jira's time of the event (ms), else when Testbridge received it. */
const eventTime = (payload: Record<string, unknown>, event: JiraEventRow) =>
  new Date(typeof payload.timestamp === 'number' ? payload.timestamp : event.receivedAt.getTime());

/**
 * Applies one event. Issue created/updated: key, project, summary and status followed (an older
 * event never overwrites a newer state), and the key remembered for coverage. Issue deleted: its
 * test links orphaned.
 * @throws PoisonEventError when the payload cannot be applied, ever
 */
export async function applyJiraEvent(deps: SyncDeps, event: JiraEventRow): Promise<void> {
  const payload = parsePayload(event);
  const issues = createIssueStateRepo(deps.store.tables);
  if (ISSUE_CHANGED.has(event.eventType)) {
    const issue = issueOf(payload);
    const fields = issue.fields;
    const written = await deps.store.transaction((tx) =>
      issues.upsertIfNewer(tx, {
        connectionId: event.connectionId,
        issueId: issue.id,
        issueKey: issue.key,
        projectId: fields?.project?.id ?? null,
        projectKey: fields?.project?.key ?? null,
        summary: fields?.summary ?? null,
        status: fields?.status?.name ?? null,
        deletedAt: null,
        eventAt: eventTime(payload, event),
        updatedAt: deps.clock.now(),
      }),
    );
    if (written) await followIssueKey(deps, event.connectionId, issue);
    return;
  }
  if (ISSUE_DELETED.has(event.eventType)) {
    const issue = issueOf(payload);
    const at = eventTime(payload, event);
    const known = await issues.find(deps.store.db, event.connectionId, issue.id);
    await deps.store.transaction((tx) =>
      issues.upsertIfNewer(tx, {
        connectionId: event.connectionId,
        issueId: issue.id,
        issueKey: issue.key,
        projectId: issue.fields?.project?.id ?? known?.projectId ?? null,
        projectKey: issue.fields?.project?.key ?? known?.projectKey ?? null,
        summary: issue.fields?.summary ?? known?.summary ?? null,
        status: issue.fields?.status?.name ?? known?.status ?? null,
        deletedAt: at,
        eventAt: at,
        updatedAt: deps.clock.now(),
      }),
    );
    const orphaned = await orphanIssueLinks(deps, event.connectionId, issue.id);
    deps.logger.info(
      { connectionId: event.connectionId, issueId: issue.id, orphaned },
      'jira issue deleted: its test links are orphaned',
    );
  }
}
