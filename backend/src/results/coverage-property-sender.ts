import { COVERAGE_PROPERTY_KEY, type CoverageProperty } from '@testbridge/shared/api/coverage';
import { setIssueProperty } from '../jira/issues-api.ts';
import type { OutboxSender } from '../outbox/sender.ts';
import { type CoverageDeps, getIssueTests } from './coverage.ts';
import { createSyncSender } from './sync-sender.ts';

/**
 * The outbox sender of the coverage property (kind `jira.coverage-property`): puts the issue's
 * coverage over the latest executions on the issue as `testbridge-coverage`, read from the store
 * when it is sent, so JQL, filters and dashboards can use it.
 */
export function createCoveragePropertySender(deps: CoverageDeps): OutboxSender {
  return createSyncSender(deps, {
    kind: 'coverage_property',
    prepare: async () => undefined,
    async write(d, target, row) {
      const tests = await getIssueTests(d, {
        connectionId: row.connectionId,
        issueIdOrKey: row.issueId,
        scope: { kind: 'latest' },
        history: 0,
      });
      const runs = tests.tests.flatMap((test) => (test.latest ? [test.latest.at] : []));
      const value: CoverageProperty = {
        status: tests.coverage,
        total: tests.counts.total,
        passed: tests.counts.passed,
        failed: tests.counts.failed + tests.counts.error,
        notRun: tests.counts.notRun,
        flaky: tests.counts.flaky,
        lastRunAt: runs.length > 0 ? (runs.sort().at(-1) ?? null) : null,
      };
      await setIssueProperty(d, target, row.issueId, COVERAGE_PROPERTY_KEY, value);
      return `${COVERAGE_PROPERTY_KEY} = ${value.status}`;
    },
  });
}
