/**
 * Periodic reconciliation: what Jira changed since the last run, read with JQL
 * (`updated >= -<minutes>m`, paged, a few minutes of overlap) and the mapped projects' versions,
 * stored as events of source `reconcile` and processed like deliveries (same order per issue; an
 * older state never overwrites a newer one). So a lost delivery, or a day of them, heals itself.
 * Deleted issues are not found by a search: only their delivery reports them.
 */
import { createHash, randomUUID } from 'node:crypto';
import { listProjectVersions } from '../jira/catalog-api.ts';
import { type SearchPosition, searchIssues } from '../jira/issues-api.ts';
import { listMappings } from '../mappings/service.ts';
import { jiraTargetFor, type ToolApiDeps } from '../tool-api/endpoint.ts';
import { storeJiraEvent } from './receive.ts';
import { createCursorRepo, createLeaseRepo } from './repo.ts';

/** How far back the first run of a connection looks. */
export const FIRST_LOOKBACK_MS = 24 * 3_600_000;
/** Overlap with the previous run: clocks differ, and Jira indexes with a delay. */
const OVERLAP_MINUTES = 5;
const PAGE = 100;
const LEASE_NAME = 'jira-reconcile';
const LEASE_MS = 10 * 60_000;

export interface ReconcileReport {
  skipped: boolean;
  connections: number;
  issues: number;
  versions: number;
  /** Events stored anew (the rest were known already). */
  stored: number;
  failed: number;
}

/** Jira's `2026-01-15T09:00:00.000+0000` as epoch ms (the offset without a colon). */
const jiraTime = (text: string | null | undefined): number | undefined => {
  if (!text) return undefined;
  const ms = Date.parse(text.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(ms) ? undefined : ms;
};

const digest = (value: unknown) =>
  createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 32);

async function reconcileConnection(
  deps: ToolApiDeps,
  connectionId: string,
  projects: readonly { id: string; key: string }[],
  report: ReconcileReport,
): Promise<void> {
  const cursors = createCursorRepo(deps.store.tables);
  const startedAt = deps.clock.now();
  const last =
    (await cursors.find(deps.store.db, connectionId)) ??
    new Date(startedAt.getTime() - FIRST_LOOKBACK_MS);
  const minutes = Math.ceil((startedAt.getTime() - last.getTime()) / 60_000) + OVERLAP_MINUTES;
  const keys = projects.map((p) => p.key).join(', ');
  const jql = `project in (${keys}) AND updated >= -${minutes}m ORDER BY updated ASC`;
  const target = await jiraTargetFor(deps, connectionId, undefined, 'read');
  let from: SearchPosition | undefined;
  do {
    const page = await searchIssues(deps, target, jql, PAGE, from);
    for (const issue of page.issues) {
      report.issues++;
      const fields = issue.fields;
      const payload = {
        timestamp: jiraTime(fields?.updated) ?? startedAt.getTime(),
        webhookEvent: 'jira:issue_updated',
        issue: {
          id: issue.id,
          key: issue.key,
          fields: {
            summary: fields?.summary ?? null,
            project: fields?.project ? { id: fields.project.id, key: fields.project.key } : null,
            status: fields?.status ? { name: fields.status.name } : null,
          },
        },
      };
      const receipt = await storeJiraEvent(deps, {
        connectionId,
        source: 'reconcile',
        deliveryId: `reconcile:issue:${issue.id}:${fields?.updated ?? digest(payload)}`,
        eventType: 'jira:issue_updated',
        orderKey: `issue:${issue.id}`,
        payload: JSON.stringify(payload),
      });
      if (!receipt.duplicate) report.stored++;
    }
    from = page.next ?? undefined;
  } while (from);
  for (const project of projects) {
    let startAt: number | null = 0;
    while (startAt !== null) {
      const page = await listProjectVersions(deps, target, project.key, { startAt, limit: PAGE });
      for (const version of page.items) {
        report.versions++;
        const body = {
          id: version.id,
          name: version.name,
          projectId: project.id,
          released: version.released ?? false,
          archived: version.archived ?? false,
          releaseDate: version.releaseDate ?? null,
        };
        const receipt = await storeJiraEvent(deps, {
          connectionId,
          source: 'reconcile',
          // The same state twice is one event; a changed one is new.
          deliveryId: `reconcile:version:${version.id}:${digest(body)}`,
          eventType: 'jira:version_updated',
          orderKey: `version:${version.id}`,
          payload: JSON.stringify({
            timestamp: startedAt.getTime(),
            webhookEvent: 'jira:version_updated',
            version: body,
          }),
        });
        if (!receipt.duplicate) report.stored++;
      }
      startAt = page.next;
    }
  }
  await deps.store.transaction((tx) => cursors.save(tx, connectionId, startedAt));
}

/** One run over every connection with mappings whose webhooks are not off; one replica at a time. */
export async function reconcileJiraEvents(
  deps: ToolApiDeps,
  owner: string,
): Promise<ReconcileReport> {
  const report: ReconcileReport = {
    skipped: false,
    connections: 0,
    issues: 0,
    versions: 0,
    stored: 0,
    failed: 0,
  };
  const now = deps.clock.now();
  const held = await deps.store.transaction((tx) =>
    createLeaseRepo(deps.store.tables).acquire(
      tx,
      LEASE_NAME,
      owner,
      now,
      new Date(now.getTime() + LEASE_MS),
    ),
  );
  if (!held) return { ...report, skipped: true };
  const byConnection = new Map<string, Map<string, { id: string; key: string }>>();
  for (const mapping of await listMappings(deps)) {
    if (mapping.webhookMode === 'off' || mapping.jiraProjectStatus === 'deleted') continue;
    const projects = byConnection.get(mapping.connectionId) ?? new Map();
    projects.set(mapping.jiraProject.id, mapping.jiraProject);
    byConnection.set(mapping.connectionId, projects);
  }
  for (const [connectionId, projects] of byConnection) {
    report.connections++;
    try {
      await reconcileConnection(deps, connectionId, [...projects.values()], report);
    } catch (error) {
      report.failed++;
      deps.logger.warn({ err: error, connectionId }, 'reconciliation of a connection failed');
    }
  }
  return report;
}

/** The reconciliation main.ts runs (every 15 minutes by default); `stop` waits for a run. */
export function startReconciler(
  deps: ToolApiDeps,
  options: { everyMs?: number } = {},
): { stop(): Promise<void> } {
  const owner = randomUUID();
  let running: Promise<unknown> = Promise.resolve();
  const run = () => {
    running = reconcileJiraEvents(deps, owner).then(
      (report) => {
        if (report.stored + report.failed > 0) deps.logger.info(report, 'jira reconciled');
      },
      (error: unknown) => deps.logger.error({ err: error }, 'reconciliation run failed'),
    );
  };
  const timer = setInterval(run, options.everyMs ?? 15 * 60_000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
