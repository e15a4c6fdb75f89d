import type { Deps } from '../deps.ts';
import { deleteRemoteLinkByGlobalId, upsertRemoteLink } from '../jira/issues-api.ts';
import type { OutboxSender } from '../outbox/sender.ts';
import type { ToolApiDeps } from '../tool-api/endpoint.ts';
import { createExecutionRepo } from './execution-repo.ts';
import { remoteLinkGlobalIdOf, runUrlOf } from './remote-links.ts';
import { createSyncSender } from './sync-sender.ts';

const STATUS_WORDS = {
  passed: 'PASSED',
  failed: 'FAILED',
  error: 'ERROR',
  skipped: 'SKIPPED',
} as const;

type Latest =
  Awaited<ReturnType<ReturnType<typeof createExecutionRepo>['findLatestOfTests']>> extends Map<
    string,
    infer V
  >
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

/**
 * The outbox sender of remote links (kind `jira.remote-link`): upserts each test's remote link
 * on its requirement (by `globalId`, never duplicated) with the test's latest result, and removes
 * it from an issue the test no longer covers (its requirement was dropped, or the test is gone).
 */
export function createRemoteLinkSender(deps: ToolApiDeps): OutboxSender {
  return createSyncSender(deps, {
    kind: 'remote_link',
    async prepare(d, rows) {
      const tests = [...new Set(rows.map((row) => row.subject))];
      const connectionId = rows[0]?.connectionId;
      const repo = createExecutionRepo(d.store.tables);
      return {
        latest: await repo.findLatestOfTests(d.store.db, tests),
        covered: connectionId
          ? await repo.coveredIssueIds(d.store.db, connectionId, tests)
          : new Map<string, string[]>(),
      };
    },
    async write(d, target, row, { latest, covered }) {
      const found = latest.get(row.subject);
      if (!found || !covered.get(row.subject)?.includes(row.issueId)) {
        const globalId = remoteLinkGlobalIdOf(row.subject);
        return (await deleteRemoteLinkByGlobalId(d, target, row.issueId, globalId))
          ? 'removed'
          : undefined;
      }
      const link = linkOf(d, found);
      await upsertRemoteLink(d, target, row.issueId, link);
      return `"${link.title}"`;
    },
  });
}
