/**
 * What Jira events change in results: links are by issue id, so a moved issue only needs its new
 * key remembered (coverage and the panel then show it); a deleted issue leaves its links orphaned,
 * listed for the test tool rather than dropped.
 */
import type { OrphanedLink } from '@testbridge/shared/api/webhooks';
import type { Db } from '../db/store.ts';
import type { Deps } from '../deps.ts';
import { createLinksRepo } from './links-repo.ts';

type SyncDeps = Pick<Deps, 'store' | 'clock'>;

/** Remembers an issue's current key (its old keys still resolve to the same id), in `tx`. */
export async function followIssueKeyIn(
  deps: Pick<Deps, 'store' | 'clock'>,
  tx: Db,
  connectionId: string,
  issue: { id: string; key: string },
): Promise<void> {
  await createLinksRepo(deps.store.tables).rememberIssueKeys(
    tx,
    connectionId,
    [issue],
    deps.clock.now(),
  );
}

/** Marks the links to a deleted issue orphaned; the number of links marked. */
export async function orphanIssueLinks(
  deps: SyncDeps,
  connectionId: string,
  issueId: string,
): Promise<number> {
  const repo = createLinksRepo(deps.store.tables);
  const now = deps.clock.now();
  return deps.store.transaction((tx) => repo.markOrphaned(tx, connectionId, issueId, now));
}

/** The orphaned links of a connection, each with its test and the issue's last known key. */
export async function listOrphanedLinks(
  deps: Pick<Deps, 'store'>,
  connectionId: string,
): Promise<OrphanedLink[]> {
  const repo = createLinksRepo(deps.store.tables);
  const rows = await repo.listOrphaned(deps.store.db, connectionId, 1000);
  const keys = new Map<string, string | null>();
  const items: OrphanedLink[] = [];
  for (const row of rows) {
    if (!keys.has(row.issueId)) {
      keys.set(row.issueId, await repo.findLatestKey(deps.store.db, connectionId, row.issueId));
    }
    items.push({
      connectionId,
      issueId: row.issueId,
      issueKey: keys.get(row.issueId) ?? null,
      testId: row.testId,
      testName: row.testName,
      projectKey: row.projectKey,
      orphanedAt: (row.orphanedAt ?? new Date(0)).toISOString(),
    });
  }
  return items;
}
