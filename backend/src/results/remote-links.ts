import type { Db, Store } from '../db/store.ts';
import type { Deps } from '../deps.ts';
import { createExecutionRepo } from './execution-repo.ts';
import { requestSyncs, SYNC_OUTBOX_KIND } from './jira-syncs.ts';
import { createJiraSyncsRepo } from './jira-syncs-repo.ts';

/** The outbox kind of a remote-link update (target: the connection; payload: issue and test). */
export const REMOTE_LINK_KIND = SYNC_OUTBOX_KIND.remote_link;
/** The outbox kind of a coverage-property update (target: the connection; payload: the issue). */
export const COVERAGE_PROPERTY_KIND = SYNC_OUTBOX_KIND.coverage_property;

/** Where people and Jira's remote links find a run. */
export const runUrlOf = (deps: Pick<Deps, 'config'>, runId: string) =>
  `${deps.config.publicUrl.replace(/\/+$/, '')}/api/v1/test-runs/${encodeURIComponent(runId)}`;

/** The remote link's `globalId`: one per test on each issue, so updates replace it. */
export const remoteLinkGlobalIdOf = (testId: string) => `testbridge:test:${testId}`;

/**
 * Asks, inside the import's transaction, for what Jira shows of `testIds` to be brought up to
 * date: their remote links on every issue they cover, and those issues' coverage property.
 * `dropped` are links the import removed (a requirement no longer named): their remote links go
 * and their issues' property is recomputed (the sender decides from the store when it sends).
 * Coalesced (`requestSyncs`): however many files and runs arrive before delivery, each issue and
 * test has at most one pending remote-link update and each issue one pending property update.
 */
export async function requestRemoteLinkUpdates(
  store: Pick<Store, 'dialect' | 'tables'>,
  tx: Db,
  connectionId: string,
  testIds: readonly string[],
  now: Date,
  dropped: readonly { testId: string; issueId: string }[] = [],
): Promise<number> {
  const covered = await createExecutionRepo(store.tables).coveredIssueIds(
    tx,
    connectionId,
    testIds,
  );
  const links = [
    ...[...covered].flatMap(([testId, issueIds]) =>
      issueIds.map((issueId) => ({ issueId, subject: testId })),
    ),
    ...dropped.map(({ testId, issueId }) => ({ issueId, subject: testId })),
  ];
  if (links.length === 0) return 0;
  const repo = createJiraSyncsRepo(store.tables);
  const subjects = [...new Set(links.map((link) => link.subject))];
  const issues = [...new Set(links.map((link) => link.issueId))];
  const queued = await requestSyncs(
    store,
    tx,
    'remote_link',
    connectionId,
    links,
    await repo.findMany(tx, 'remote_link', connectionId, 'subject', subjects),
    now,
  );
  return (
    queued +
    (await requestSyncs(
      store,
      tx,
      'coverage_property',
      connectionId,
      issues.map((issueId) => ({ issueId, subject: '' })),
      await repo.findMany(tx, 'coverage_property', connectionId, 'issueId', issues),
      now,
    ))
  );
}
