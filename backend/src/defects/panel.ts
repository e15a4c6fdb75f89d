/**
 * "Create defect" from the Forge Tests panel: filed as the viewing user with the token Forge
 * forwarded, and tried at once, while the user waits.
 *
 * The token is short-lived (Forge: at most 4 h) and cannot be refreshed. So the defect and its
 * outbox item are committed first (nothing is lost if Jira is away or the process dies), with
 * the token sealed onto the defect; then the item is delivered now, through the outbox's own
 * claim and settle. Jira's answer is the panel's answer. If Jira cannot be reached now, the
 * forwarder retries while the token lasts; once Jira refuses it (401) the defect fails with a
 * reason that says to file it again, and no other credential is used instead — a defect filed
 * "as the user" is never silently filed as someone else. The token is erased once it settles.
 */
import type { DefectRef } from '@testbridge/shared/api/coverage';
import type { Deps } from '../deps.ts';
import { AppError } from '../http/errors.ts';
import { outboxDeliverNowFor } from '../outbox/deliver-now.ts';
import { getExecutionContext } from '../results/execution-context.ts';
import { createDefectRepo } from './repo.ts';
import { createDefectSender } from './sender.ts';
import { type DefectViewer, fileDefectRow, mappingForDefects, toDefects } from './service.ts';

/**
 * How long the panel's request waits for Jira before answering `pending` (Forge gives a UI call
 * 25 s); the delivery goes on regardless.
 */
const PANEL_WAIT_MS = 15_000;

export interface PanelDefect {
  defect: DefectRef;
  /** Why Jira did not file it (state `failed`), in Jira's words where it gave some. */
  failureReason: string | null;
}

/** Resolves after `ms` of real time (never holds the process open). */
const patience = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

/**
 * `ForgeFeatures.fileDefect`: files a failed execution of the site's connection as `viewer`.
 * @throws AppError not_found | conflict
 */
export async function fileDefectAsViewer(
  deps: Deps,
  request: { connectionId: string; runId: string; testId: string; viewer: DefectViewer },
): Promise<PanelDefect> {
  const { runId, testId, viewer } = request;
  const context = await getExecutionContext(deps, { runId, testId });
  const mapping = await mappingForDefects(deps, context.run.projectKey);
  if (mapping.connectionId !== request.connectionId)
    throw new AppError('not_found', `Test ${testId} has no execution in run ${runId}`);
  const filed = await fileDefectRow(deps, { runId, testId }, { viewer });
  let row = filed.row;
  if (filed.outboxId) {
    const delivery = outboxDeliverNowFor(deps, [createDefectSender(deps)])
      .deliver([filed.outboxId])
      .catch((error: unknown) => {
        deps.logger.warn({ err: error, defectId: row.id }, 'panel defect left to the forwarder');
      });
    await Promise.race([delivery, patience(PANEL_WAIT_MS)]);
    row = (await createDefectRepo(deps.store.tables).findById(deps.store.db, row.id)) ?? row;
  }
  const [view] = await toDefects(deps, [row]);
  if (!view) throw new Error(`defect ${row.id} vanished`);
  return {
    defect: {
      id: view.id,
      issueKey: view.issue?.key ?? null,
      url: view.issue?.url ?? null,
      state: view.state,
    },
    failureReason: view.failureReason,
  };
}
