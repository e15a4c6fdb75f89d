import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { AppError } from '../http/errors.ts';
import { JiraCallError } from '../jira/errors.ts';
import { upsertRemoteLink } from '../jira/issues-api.ts';
import type { ItemVerdict, OutboxItem, OutboxSender, SendOutcome } from '../outbox/sender.ts';
import { enqueueOutboxItems } from '../outbox/service.ts';
import { type JiraTarget, jiraTargetFor, type ToolApiDeps } from '../tool-api/endpoint.ts';
import { createExecutionRepo } from './execution-repo.ts';
import { REMOTE_LINK_KIND, remoteLinkGlobalIdOf, runUrlOf } from './remote-links.ts';
import { createRemoteLinksRepo, pairKey, type RemoteLinkSyncRow } from './remote-links-repo.ts';

const Payload = z.object({ issueId: z.string(), testId: z.string() });
const STATUS_WORDS = {
  passed: 'PASSED',
  failed: 'FAILED',
  error: 'ERROR',
  skipped: 'SKIPPED',
} as const;
/** Refusals retrying will not change (the issue is gone or hidden, writes are not allowed). */
const REFUSALS = new Set([
  'jira_rejected_request',
  'jira_not_found',
  'jira_forbidden',
  'user_authorization_required',
  'forbidden',
]);

type Latest =
  NonNullable<
    Awaited<ReturnType<ReturnType<typeof createExecutionRepo>['findLatestOfTests']>>
  > extends Map<string, infer V>
    ? V
    : never;

/** The title and link Jira shows on the requirement: the test and its latest result. */
function linkOf(deps: Pick<Deps, 'config'>, { test, execution, run }: Latest) {
  const status = execution ? STATUS_WORDS[execution.status] : 'NOT RUN';
  const title = `${test.name}: ${status}${execution?.flaky ? ' (flaky)' : ''}`;
  return {
    globalId: remoteLinkGlobalIdOf(test.id),
    url: run ? runUrlOf(deps, run.id) : `${deps.config.publicUrl.replace(/\/+$/, '')}/api/v1`,
    title: title.length <= 255 ? title : `${title.slice(0, 254)}…`,
    summary: run
      ? `Latest result ${status.toLowerCase()} in run "${run.name}"${run.environment ? ` (${run.environment})` : ''}`
      : 'Not run yet',
    relationship: 'is tested by',
    application: { type: 'com.testbridge', name: 'Testbridge' },
  };
}

interface Sent {
  row: RemoteLinkSyncRow;
  failureReason: string | null;
}

/**
 * Records what was sent, in one transaction: a pair is up to date unless an import raised its
 * version meanwhile; then a new update is queued in its place (still one pending per pair).
 */
async function settlePairs(deps: Pick<Deps, 'store' | 'clock'>, sent: readonly Sent[]) {
  if (sent.length === 0) return;
  const repo = createRemoteLinksRepo(deps.store.tables);
  await deps.store.transaction(async (tx) => {
    const now = deps.clock.now();
    for (const { row: before, failureReason } of sent) {
      const row = await repo.find(tx, before.connectionId, before.issueId, before.testId);
      if (!row) continue;
      let pendingItemId: string | null = null;
      if (row.version > before.version && failureReason === null) {
        const [queued] = await enqueueOutboxItems(
          deps.store,
          tx,
          [
            {
              kind: REMOTE_LINK_KIND,
              target: row.connectionId,
              subject: row.testId,
              payload: JSON.stringify({ issueId: row.issueId, testId: row.testId }),
            },
          ],
          now,
        );
        pendingItemId = queued ?? null;
      }
      await repo.update(tx, row, {
        sentVersion: before.version,
        pendingItemId,
        failureReason,
        updatedAt: now,
      });
    }
  });
}

const superseded: ItemVerdict = {
  status: 'delivered',
  verdict: 'superseded',
  explanation: 'Another update of this remote link took its place, or its test is gone.',
};

/**
 * The outbox sender of remote links (kind `jira.remote-link`, target: the connection): upserts
 * each test's remote link on its requirement (by `globalId`, never duplicated) with the result
 * the store has when it is sent. A batch reads its pairs and results in two queries and records
 * what was sent in one transaction.
 */
export function createRemoteLinkSender(deps: ToolApiDeps): OutboxSender {
  return {
    kind: REMOTE_LINK_KIND,
    maxBatch: 100,
    async send(connectionId, items: readonly OutboxItem[]): Promise<SendOutcome> {
      const verdicts = new Map<string, ItemVerdict>();
      const wanted: { item: OutboxItem; issueId: string; testId: string }[] = [];
      for (const item of items) {
        const parsed = Payload.safeParse(JSON.parse(item.payload));
        if (parsed.success) wanted.push({ item, ...parsed.data });
        else
          verdicts.set(item.id, {
            status: 'rejected',
            verdict: 'malformed',
            explanation: 'Testbridge could not read this item back from its outbox.',
          });
      }
      const testIds = [...new Set(wanted.map((w) => w.testId))];
      const rows = await createRemoteLinksRepo(deps.store.tables).findByTests(
        deps.store.db,
        connectionId,
        testIds,
      );
      const latest = await createExecutionRepo(deps.store.tables).findLatestOfTests(
        deps.store.db,
        testIds,
      );
      const sent: Sent[] = [];
      let target: JiraTarget | undefined;
      try {
        for (const { item, issueId, testId } of wanted) {
          const row = rows.get(pairKey(issueId, testId));
          const found = latest.get(testId);
          if (!row || row.pendingItemId !== item.id || !found) {
            verdicts.set(item.id, superseded);
            if (row && row.pendingItemId === item.id)
              sent.push({ row, failureReason: 'The test no longer exists' });
            continue;
          }
          target ??= await jiraTargetFor(deps, connectionId, undefined, 'write');
          const link = linkOf(deps, found);
          try {
            await upsertRemoteLink(deps, target, issueId, link);
          } catch (error) {
            if (!(error instanceof AppError && REFUSALS.has(error.code))) throw error;
            sent.push({ row, failureReason: error.message });
            verdicts.set(item.id, {
              status: 'rejected',
              verdict: 'rejected',
              explanation: error.message,
            });
            continue;
          }
          sent.push({ row, failureReason: null });
          verdicts.set(item.id, {
            status: 'delivered',
            verdict: 'accepted',
            explanation: `Jira shows "${link.title}".`,
          });
        }
      } catch (error) {
        await settlePairs(deps, sent);
        if (error instanceof AppError && error.code === 'not_found')
          return { type: 'target_gone', message: error.message };
        const message = error instanceof Error ? error.message : String(error);
        if (error instanceof JiraCallError && error.jira?.status === 429)
          return { type: 'rate_limited', retryAfterMs: 10_000, message, settled: verdicts };
        return { type: 'unavailable', message, settled: verdicts };
      }
      await settlePairs(deps, sent);
      return { type: 'delivered', verdicts };
    },
  };
}
