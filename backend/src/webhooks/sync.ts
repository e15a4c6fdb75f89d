/**
 * What one stored Jira event changes in Testbridge. Webhook names and Forge event types are read
 * alike; events Testbridge does not follow are done without effect.
 */
import type { JiraProjectStatus } from '@testbridge/shared/api/mappings';
import { JiraEventIssue, JiraEventProject, JiraEventVersion } from '@testbridge/shared/jira/events';
import type { Deps } from '../deps.ts';
import { followJiraProject } from '../mappings/service.ts';
import { followIssueKeyIn, orphanIssueLinks } from '../results/issue-sync.ts';
import { mappingIdsOf, recordChange } from './changes.ts';
import { checkNonceOf } from './check.ts';
import {
  createCheckRepo,
  createIssueStateRepo,
  createVersionRepo,
  type JiraEventRow,
} from './repo.ts';

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
/** Version events: created, updated, released, unreleased, moved, deleted (merged: deleted). */
const VERSION_EVENT = /^(?:jira:version_(\w+)|avi:jira:(\w+):version)$/;
/** Project events and the mapping status they leave (Forge: `avi:jira:<verb>:project`). */
const PROJECT_STATUS: Record<string, JiraProjectStatus> = {
  project_updated: 'active',
  project_restored_deleted: 'active',
  project_restored_archived: 'active',
  project_archived: 'archived',
  project_deleted: 'deleted',
  project_soft_deleted: 'deleted',
  'avi:jira:updated:project': 'active',
  'avi:jira:restored:project': 'active',
  'avi:jira:unarchived:project': 'active',
  'avi:jira:archived:project': 'archived',
  'avi:jira:softdeleted:project': 'deleted',
  'avi:jira:deleted:project': 'deleted',
};

function parsePayload(event: JiraEventRow): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(event.payload);
    if (value !== null && typeof value === 'object') return value as Record<string, unknown>;
  } catch {
    // falls through
  }
  throw new PoisonEventError('The stored payload is not a JSON object');
}

function parsed<T>(
  schema: {
    safeParse(
      v: unknown,
    ):
      | { success: true; data: T }
      | { success: false; error: { issues: { path: PropertyKey[] }[] } };
  },
  value: unknown,
  name: string,
): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw new PoisonEventError(
    `The ${name} in the event is not valid: ${result.error.issues.map((i) => [name, ...i.path.map(String)].join('.')).join(', ')}`,
  );
}

const issueOf = (payload: Record<string, unknown>): JiraEventIssue =>
  parsed(JiraEventIssue, payload.issue, 'issue');

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
    const projectId = fields?.project?.id ?? null;
    const known = await issues.find(deps.store.db, event.connectionId, issue.id);
    const mappingIds = await mappingIdsOf(deps, event.connectionId, projectId);
    await deps.store.transaction(async (tx) => {
      const stored = await issues.upsertIfNewer(tx, {
        connectionId: event.connectionId,
        issueId: issue.id,
        issueKey: issue.key,
        projectId,
        projectKey: fields?.project?.key ?? null,
        summary: fields?.summary ?? null,
        status: fields?.status?.name ?? null,
        deletedAt: null,
        eventAt: eventTime(payload, event),
        updatedAt: deps.clock.now(),
      });
      if (stored) {
        await followIssueKeyIn(deps, tx, event.connectionId, issue);
        await recordChange(
          deps,
          tx,
          {
            kind: 'issue.updated',
            connectionId: event.connectionId,
            subject: issue.id,
            projectId,
            data: {
              issueId: issue.id,
              issueKey: issue.key,
              previousKey: known && known.issueKey !== issue.key ? known.issueKey : null,
              projectKey: fields?.project?.key ?? null,
              summary: fields?.summary ?? null,
              status: fields?.status?.name ?? null,
            },
          },
          mappingIds,
        );
      }
    });
    return;
  }
  if (ISSUE_DELETED.has(event.eventType)) {
    const issue = issueOf(payload);
    const at = eventTime(payload, event);
    const known = await issues.find(deps.store.db, event.connectionId, issue.id);
    const projectId = issue.fields?.project?.id ?? known?.projectId ?? null;
    const mappingIds = await mappingIdsOf(deps, event.connectionId, projectId);
    await deps.store.transaction(async (tx) => {
      const stored = await issues.upsertIfNewer(tx, {
        connectionId: event.connectionId,
        issueId: issue.id,
        issueKey: issue.key,
        projectId,
        projectKey: issue.fields?.project?.key ?? known?.projectKey ?? null,
        summary: issue.fields?.summary ?? known?.summary ?? null,
        status: issue.fields?.status?.name ?? known?.status ?? null,
        deletedAt: at,
        eventAt: at,
        updatedAt: deps.clock.now(),
      });
      if (stored) {
        await recordChange(
          deps,
          tx,
          {
            kind: 'issue.deleted',
            connectionId: event.connectionId,
            subject: issue.id,
            projectId,
            data: { issueId: issue.id, issueKey: issue.key },
          },
          mappingIds,
        );
      }
    });
    const orphaned = await orphanIssueLinks(deps, event.connectionId, issue.id);
    deps.logger.info(
      { connectionId: event.connectionId, issueId: issue.id, orphaned },
      'jira issue deleted: its test links are orphaned',
    );
    return;
  }
  if (event.eventType === 'issue_property_set') {
    const nonce = checkNonceOf(payload);
    if (nonce) {
      const checks = createCheckRepo(deps.store.tables);
      await deps.store.transaction((tx) =>
        checks.markReceived(tx, event.connectionId, nonce, deps.clock.now(), event.source),
      );
    }
    return;
  }
  const version = VERSION_EVENT.exec(event.eventType);
  if (version) {
    const verb = version[1] ?? version[2] ?? '';
    await applyVersionEvent(deps, event, payload, verb);
    return;
  }
  const status = PROJECT_STATUS[event.eventType];
  if (status) {
    const project = parsed(JiraEventProject, payload.project, 'project');
    const changed = await followJiraProject(
      deps,
      event.connectionId,
      { id: project.id, key: status === 'active' ? project.key : null },
      status,
    );
    if (changed.length > 0) {
      await deps.store.transaction((tx) =>
        recordChange(
          deps,
          tx,
          {
            kind: 'project.status',
            connectionId: event.connectionId,
            subject: project.id,
            projectId: project.id,
            data: { projectId: project.id, projectKey: project.key, status },
          },
          changed.map((m) => m.id),
        ),
      );
    }
    deps.logger.info(
      { connectionId: event.connectionId, projectId: project.id, status, mappings: changed.length },
      'jira project event followed on its mappings',
    );
  }
}

async function applyVersionEvent(
  deps: SyncDeps,
  event: JiraEventRow,
  payload: Record<string, unknown>,
  verb: string,
): Promise<void> {
  const version = parsed(JiraEventVersion, payload.version, 'version');
  const at = eventTime(payload, event);
  const deleted = verb === 'deleted' || verb === 'merged';
  const repo = createVersionRepo(deps.store.tables);
  const mappingIds = await mappingIdsOf(deps, event.connectionId, version.projectId);
  await deps.store.transaction(async (tx) => {
    const stored = await repo.upsertIfNewer(tx, {
      connectionId: event.connectionId,
      versionId: version.id,
      projectId: version.projectId,
      name: version.name,
      released: version.released ?? verb === 'released',
      archived: version.archived ?? false,
      releaseDate: version.releaseDate ?? null,
      deletedAt: deleted ? at : null,
      eventAt: at,
      updatedAt: deps.clock.now(),
    });
    if (!stored) return;
    await recordChange(
      deps,
      tx,
      {
        kind: 'version.changed',
        connectionId: event.connectionId,
        subject: version.id,
        projectId: version.projectId,
        data: {
          versionId: version.id,
          name: version.name,
          released: version.released ?? verb === 'released',
          archived: version.archived ?? false,
          releaseDate: version.releaseDate ?? null,
          deleted,
          change: verb,
        },
      },
      mappingIds,
    );
  });
}
