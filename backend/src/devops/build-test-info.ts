import type { Db, Store } from '../db/store.ts';
import { rewritePendingPayloads } from '../outbox/pending-payloads.ts';
import { DEVOPS_KINDS, StoredBuild } from './payloads.ts';

/** Jira's `testInfo` of a build. */
export interface BuildTestInfo {
  totalNumber: number;
  numberPassed: number;
  numberFailed: number;
  numberSkipped: number;
}

/** The build a test run names; `siteId` when the run came from that site's CI credentials. */
export interface BuildRef {
  siteId?: string | undefined;
  pipelineId: string;
  buildNumber: number;
}

export type TestInfoOutcome = 'filled' | 'already_set' | 'no_pending_build';

/**
 * Gives a build still waiting in the outbox the test counts of a run, when the CI did not send
 * `testInfo` itself (`replace`: the counts were ours, from an earlier file of the same run).
 * Runs in the caller's transaction, so the run's results and the build's counts commit together.
 * Answers what it did and the build's url and display name as CI posted them.
 */
export async function fillBuildTestInfo(
  store: Pick<Store, 'dialect' | 'tables'>,
  tx: Db,
  build: BuildRef,
  testInfo: BuildTestInfo,
  options: { replace: boolean; now: Date },
): Promise<{ outcome: TestInfoOutcome; url: string | null; displayName: string | null }> {
  let url: string | null = null;
  let displayName: string | null = null;
  let alreadySet = false;
  const { rewritten } = await rewritePendingPayloads(
    store,
    tx,
    { kind: DEVOPS_KINDS.build, subject: build.pipelineId, target: build.siteId },
    (payload) => {
      const parsed = StoredBuild.safeParse(JSON.parse(payload));
      if (!parsed.success || parsed.data.item.buildNumber !== build.buildNumber) return undefined;
      url = parsed.data.item.url;
      displayName = parsed.data.item.displayName;
      if (parsed.data.item.testInfo && !options.replace) {
        alreadySet = true;
        return undefined;
      }
      return JSON.stringify({ ...parsed.data, item: { ...parsed.data.item, testInfo } });
    },
    options.now,
  );
  const outcome: TestInfoOutcome =
    rewritten > 0 ? 'filled' : alreadySet ? 'already_set' : 'no_pending_build';
  return { outcome, url, displayName };
}
