/**
 * "Send test event": proves the whole round trip of a mapping's webhook. Testbridge sets an issue
 * property (`testbridge-webhook-check`, a fresh nonce) on an issue of the mapped project through
 * the connection; Jira fires `issue_property_set`; the delivery is verified, stored and processed
 * like any other, and marks the check received.
 */
import { randomBytes } from 'node:crypto';
import type { WebhookCheck } from '@testbridge/shared/api/webhooks';
import { newSortableId } from '../db/ids.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../http/errors.ts';
import { searchIssues, setIssueProperty } from '../jira/issues-api.ts';
import { getMapping } from '../mappings/service.ts';
import { jiraTargetFor, type ToolApiDeps } from '../tool-api/endpoint.ts';
import { type CheckRow, createCheckRepo } from './repo.ts';

/** The issue property the check sets. */
export const CHECK_PROPERTY_KEY = 'testbridge-webhook-check';

const view = (row: CheckRow): WebhookCheck => ({
  id: row.id,
  mappingId: row.mappingId,
  issueKey: row.issueKey,
  status: row.receivedAt ? 'received' : 'waiting',
  sentAt: row.sentAt.toISOString(),
  receivedAt: row.receivedAt?.toISOString() ?? null,
  source: row.source,
});

/**
 * Starts a check: the property is set on the newest issue of the mapped project.
 * @throws AppError not_found (mapping) | conflict (the project has no issue) | Jira's failures
 */
export async function sendWebhookTestEvent(
  deps: ToolApiDeps,
  mappingId: string,
): Promise<WebhookCheck> {
  const mapping = await getMapping(deps, mappingId);
  const target = await jiraTargetFor(deps, mapping.connectionId, undefined, 'write');
  const { issues } = await searchIssues(
    deps,
    target,
    `project = ${mapping.jiraProject.key} ORDER BY created DESC`,
    1,
    undefined,
  );
  const issue = issues[0];
  if (!issue) {
    throw new AppError(
      'conflict',
      `${mapping.jiraProject.key} has no issue to set the test property on; create one first`,
    );
  }
  const now = deps.clock.now();
  const row: CheckRow = {
    id: newSortableId(now),
    mappingId,
    connectionId: mapping.connectionId,
    nonce: randomBytes(16).toString('hex'),
    issueKey: issue.key,
    sentAt: now,
    receivedAt: null,
    source: null,
  };
  const repo = createCheckRepo(deps.store.tables);
  await deps.store.transaction((tx) => repo.insert(tx, row));
  await setIssueProperty(deps, target, issue.key, CHECK_PROPERTY_KEY, {
    nonce: row.nonce,
    sentAt: now.toISOString(),
  });
  return view(row);
}

/**
 * A check's state.
 * @throws AppError not_found
 */
export async function getWebhookTestEvent(
  deps: Pick<Deps, 'store'>,
  mappingId: string,
  checkId: string,
): Promise<WebhookCheck> {
  const row = await createCheckRepo(deps.store.tables).find(deps.store.db, mappingId, checkId);
  if (!row) throw new AppError('not_found', `No test event ${checkId} on mapping ${mappingId}`);
  return view(row);
}

/** From an `issue_property_set` event: the nonce of our check property, if it is one. */
export function checkNonceOf(payload: Record<string, unknown>): string | null {
  const property = payload.property;
  if (property === null || typeof property !== 'object') return null;
  const { key, value } = property as { key?: unknown; value?: unknown };
  if (key !== CHECK_PROPERTY_KEY || value === null || typeof value !== 'object') return null;
  const nonce = (value as { nonce?: unknown }).nonce;
  return typeof nonce === 'string' ? nonce : null;
}
