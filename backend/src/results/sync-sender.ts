import { AppError } from '../http/errors.ts';
import { JiraCallError } from '../jira/errors.ts';
import type { ItemVerdict, OutboxItem, OutboxSender, SendOutcome } from '../outbox/sender.ts';
import { type JiraTarget, jiraTargetFor, type ToolApiDeps } from '../tool-api/endpoint.ts';
import { type SentSync, SYNC_OUTBOX_KIND, SyncPayload, settleSyncs } from './jira-syncs.ts';
import {
  createJiraSyncsRepo,
  type JiraSyncKind,
  type JiraSyncRow,
  syncKey,
} from './jira-syncs-repo.ts';

/** Refusals retrying will not change (the issue is gone or hidden, writes are not allowed). */
const REFUSALS = new Set([
  'jira_rejected_request',
  'jira_not_found',
  'jira_forbidden',
  'user_authorization_required',
  'forbidden',
]);

/** How one kind is sent: what to put on the issue now, read from the store when it is sent. */
export interface SyncWriter<Prepared, D extends ToolApiDeps = ToolApiDeps> {
  kind: JiraSyncKind;
  /** Reads what the batch needs at once (e.g. the latest results of its tests). */
  prepare(deps: D, rows: readonly JiraSyncRow[]): Promise<Prepared>;
  /** Writes one to Jira; `undefined`: nothing to write any more (its test is gone). */
  write(
    deps: D,
    target: JiraTarget,
    row: JiraSyncRow,
    prepared: Prepared,
  ): Promise<string | undefined>;
}

const superseded: ItemVerdict = {
  status: 'delivered',
  verdict: 'superseded',
  explanation: 'Another update took its place, or what it described is gone.',
};

/**
 * An outbox sender for one kind kept current on Jira issues (target: the connection). A batch
 * reads its rows in one query, sends each with what the store has *then*, and records what was
 * sent in one transaction; 429 holds the connection until `Retry-After`, nothing is dropped.
 */
export function createSyncSender<Prepared, D extends ToolApiDeps>(
  deps: D,
  writer: SyncWriter<Prepared, D>,
): OutboxSender {
  return {
    kind: SYNC_OUTBOX_KIND[writer.kind],
    maxBatch: 100,
    async send(connectionId, items: readonly OutboxItem[]): Promise<SendOutcome> {
      const verdicts = new Map<string, ItemVerdict>();
      const wanted: { item: OutboxItem; issueId: string; subject: string }[] = [];
      for (const item of items) {
        const parsed = SyncPayload.safeParse(JSON.parse(item.payload));
        if (parsed.success) wanted.push({ item, ...parsed.data });
        else
          verdicts.set(item.id, {
            status: 'rejected',
            verdict: 'malformed',
            explanation: 'Testbridge could not read this item back from its outbox.',
          });
      }
      const repo = createJiraSyncsRepo(deps.store.tables);
      const subjects = [...new Set(wanted.map((w) => w.subject))].filter((s) => s !== '');
      const found =
        subjects.length > 0
          ? await repo.findMany(deps.store.db, writer.kind, connectionId, 'subject', subjects)
          : await repo.findMany(deps.store.db, writer.kind, connectionId, 'issueId', [
              ...new Set(wanted.map((w) => w.issueId)),
            ]);
      const rows = wanted.map((w) => found.get(syncKey(w.issueId, w.subject)));
      const current = rows.flatMap((row, i) =>
        row && row.pendingItemId === wanted[i]?.item.id ? [row] : [],
      );
      const prepared = await writer.prepare(deps, current);
      const sent: SentSync[] = [];
      let target: JiraTarget | undefined;
      try {
        for (const [i, { item }] of wanted.entries()) {
          const row = rows[i];
          if (!row || row.pendingItemId !== item.id) {
            verdicts.set(item.id, superseded);
            continue;
          }
          target ??= await jiraTargetFor(deps, connectionId, undefined, 'write');
          try {
            const shown = await writer.write(deps, target, row, prepared);
            sent.push({
              row,
              failureReason: shown === undefined ? 'Nothing to show any more' : null,
            });
            verdicts.set(
              item.id,
              shown === undefined
                ? superseded
                : { status: 'delivered', verdict: 'accepted', explanation: `Jira shows ${shown}.` },
            );
          } catch (error) {
            if (!(error instanceof AppError && REFUSALS.has(error.code))) throw error;
            sent.push({ row, failureReason: error.message });
            verdicts.set(item.id, {
              status: 'rejected',
              verdict: 'rejected',
              explanation: error.message,
            });
          }
        }
      } catch (error) {
        await settleSyncs(deps, sent);
        if (error instanceof AppError && error.code === 'not_found')
          return { type: 'target_gone', message: error.message };
        const message = error instanceof Error ? error.message : String(error);
        if (error instanceof JiraCallError && error.jira?.status === 429)
          return { type: 'rate_limited', retryAfterMs: 10_000, message, settled: verdicts };
        return { type: 'unavailable', message, settled: verdicts };
      }
      await settleSyncs(deps, sent);
      return { type: 'delivered', verdicts };
    },
  };
}
