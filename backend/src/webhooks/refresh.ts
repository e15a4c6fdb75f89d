/**
 * Dynamic webhooks expire 30 days after registration or their last refresh. This job extends
 * every one expiring within REFRESH_AHEAD_MS, well before the deadline, once across replicas: it
 * runs only under the `job_leases` row it takes (PostgreSQL and SQLite alike).
 */
import { randomUUID } from 'node:crypto';
import { refreshDynamicWebhooks as refreshInJira } from '../jira/webhooks-api.ts';
import { jiraTargetFor, type ToolApiDeps } from '../tool-api/endpoint.ts';
import { createJiraWebhookRepo, createLeaseRepo } from './repo.ts';

/** Refresh what expires within 10 days: a third of the lifetime, many runs to spare. */
export const REFRESH_AHEAD_MS = 10 * 24 * 3_600_000;
const LEASE_NAME = 'dynamic-webhook-refresh';
const LEASE_MS = 5 * 60_000;

export interface RefreshReport {
  /** Another replica holds the lease: this run did nothing. */
  skipped: boolean;
  refreshed: number;
  failed: number;
}

/** One run of the refresh job, as `owner` (a replica's id). */
export async function refreshDynamicWebhooks(
  deps: ToolApiDeps,
  owner: string,
): Promise<RefreshReport> {
  const now = deps.clock.now();
  const leases = createLeaseRepo(deps.store.tables);
  const held = await deps.store.transaction((tx) =>
    leases.acquire(tx, LEASE_NAME, owner, now, new Date(now.getTime() + LEASE_MS)),
  );
  if (!held) return { skipped: true, refreshed: 0, failed: 0 };
  const repo = createJiraWebhookRepo(deps.store.tables);
  const due = await repo.listDynamicExpiringBefore(
    deps.store.db,
    new Date(now.getTime() + REFRESH_AHEAD_MS),
  );
  const report: RefreshReport = { skipped: false, refreshed: 0, failed: 0 };
  for (const row of due) {
    try {
      const target = await jiraTargetFor(deps, row.connectionId, undefined, 'read');
      const ids = JSON.parse(row.jiraWebhookIds) as string[];
      const expiresAt = await refreshInJira(deps, target.endpoint, ids);
      await deps.store.transaction((tx) => repo.setExpiry(tx, row.id, expiresAt, deps.clock.now()));
      report.refreshed++;
    } catch (error) {
      report.failed++;
      deps.logger.warn(
        { err: error, connectionId: row.connectionId, expiresAt: row.expiresAt },
        'dynamic webhook refresh failed; retried on the next run',
      );
    }
  }
  return report;
}

/** The hourly job main.ts starts; `stop` waits for a run in flight. */
export function startWebhookRefresher(
  deps: ToolApiDeps,
  options: { everyMs?: number } = {},
): { stop(): Promise<void> } {
  const owner = randomUUID();
  let running: Promise<unknown> = Promise.resolve();
  const run = () => {
    running = refreshDynamicWebhooks(deps, owner).then(
      (report) => {
        if (report.refreshed + report.failed > 0)
          deps.logger.info(report, 'dynamic webhooks refreshed');
      },
      (error: unknown) => deps.logger.error({ err: error }, 'dynamic webhook refresh run failed'),
    );
  };
  run();
  const timer = setInterval(run, options.everyMs ?? 3_600_000);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
