import {
  type DevopsEvent,
  type DevopsEventQuery,
  type DevopsItemKey,
  JiraVerdictDetail,
} from '@testbridge/shared/api/devops';
import type { Deps } from '../deps.ts';
import { AppError } from '../http/errors.ts';
import type { OutboxRow } from '../outbox/repo.ts';
import { getOutboxItem, listOutboxItems, UNTIL_RELEASED } from '../outbox/service.ts';
import {
  buildKeyOf,
  DEVOPS_KINDS,
  deploymentKeyOf,
  StoredBuild,
  StoredDeployment,
} from './payloads.ts';

/** Who asks: an API key sees every site; CI credentials see their own site only. */
export type EventViewer = { kind: 'api-key' } | { kind: 'ci'; siteId: string };

const KIND_OF = new Map<string, 'build' | 'deployment'>([
  [DEVOPS_KINDS.build, 'build'],
  [DEVOPS_KINDS.deployment, 'deployment'],
]);

function keyOf(row: OutboxRow): DevopsItemKey {
  const payload: unknown = JSON.parse(row.payload);
  const build = StoredBuild.safeParse(payload);
  if (build.success) return buildKeyOf(build.data.item);
  const deployment = StoredDeployment.safeParse(payload);
  if (deployment.success) return deploymentKeyOf(deployment.data.item);
  return { pipelineId: row.subject ?? '', buildNumber: 0 };
}

function explainUnsettled(row: OutboxRow): string {
  if (row.status === 'delivering') return 'Being sent to Jira right now.';
  if (row.nextAttemptAt.getTime() >= UNTIL_RELEASED.getTime()) {
    return `Accepted and kept safe, but deliveries to this Jira site are paused until an admin fixes its credentials (${row.lastError ?? 'Jira refused them'}).`;
  }
  if (!row.lastError) return 'Accepted; waiting to be sent to Jira.';
  return `Accepted; waiting to be sent to Jira again at ${row.nextAttemptAt.toISOString()} (the last attempt failed: ${row.lastError}).`;
}

function parseDetail(text: string | null): JiraVerdictDetail | null {
  if (!text) return null;
  const parsed = JiraVerdictDetail.safeParse(JSON.parse(text));
  return parsed.success ? parsed.data : null;
}

/** An outbox item of the DevOps feature as CI sees it. */
export function toDevopsEvent(row: OutboxRow): DevopsEvent {
  const settled = row.status === 'delivered' || row.status === 'rejected' || row.status === 'dead';
  return {
    id: row.id,
    kind: KIND_OF.get(row.kind) ?? 'build',
    siteId: row.target,
    key: keyOf(row),
    status: row.status,
    verdict: row.verdict,
    explanation: settled ? (row.explanation ?? '') : explainUnsettled(row),
    jira: parseDetail(row.detail),
    attempts: row.attempts,
    lastError: row.lastError,
    nextAttemptAt:
      settled || row.nextAttemptAt.getTime() >= UNTIL_RELEASED.getTime()
        ? null
        : row.nextAttemptAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
    settledAt: row.settledAt?.toISOString() ?? null,
  };
}

/** One event, if the viewer may see it (CI only sees its own site's; others get 404). */
export async function getDevopsEvent(
  deps: Pick<Deps, 'store'>,
  id: string,
  viewer: EventViewer,
): Promise<DevopsEvent> {
  const row = await getOutboxItem(deps, id).catch(() => undefined);
  const visible =
    row && KIND_OF.has(row.kind) && (viewer.kind === 'api-key' || viewer.siteId === row.target);
  if (!row || !visible) throw new AppError('not_found', `No DevOps event ${id}`);
  return toDevopsEvent(row);
}

/** Events newest first, by site, pipeline, kind and status. */
export async function listDevopsEvents(
  deps: Pick<Deps, 'store'>,
  query: DevopsEventQuery,
  viewer: EventViewer,
): Promise<{ items: DevopsEvent[]; nextBefore: string | null }> {
  if (viewer.kind === 'ci' && query.siteId !== undefined && query.siteId !== viewer.siteId) {
    throw new AppError('forbidden', 'These CI credentials are for another DevOps site');
  }
  const siteId = viewer.kind === 'ci' ? viewer.siteId : query.siteId;
  const kinds = query.kind ? [DEVOPS_KINDS[query.kind]] : undefined;
  const rows = await listOutboxItems(deps, {
    target: siteId,
    subject: query.pipelineId,
    status: query.status,
    kind: kinds?.[0],
    beforeId: query.before,
    limit: query.limit,
  });
  const items = rows.filter((row) => KIND_OF.has(row.kind)).map(toDevopsEvent);
  const nextBefore = rows.length === query.limit ? (rows.at(-1)?.id ?? null) : null;
  return { items, nextBefore };
}
