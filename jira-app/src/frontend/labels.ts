/**
 * Words and colours for statuses. Every lozenge names its status in text; the colour only
 * repeats it (no colour-only meaning).
 */
import type { LozengeProps } from '@forge/react';
import type {
  Coverage,
  CoverageScope,
  CoveringTest,
  IssueTests,
} from '@testbridge/shared/api/coverage';
import type { ExecutionStatus } from '@testbridge/shared/api/test-report';

type Appearance = NonNullable<LozengeProps['appearance']>;

export const COVERAGE_LABEL: Record<
  Coverage,
  { text: string; appearance: Appearance; means: string }
> = {
  OK: { text: 'OK', appearance: 'success', means: 'every covering test passed' },
  NOK: { text: 'NOK', appearance: 'removed', means: 'a covering test failed' },
  NOTRUN: { text: 'NOT RUN', appearance: 'moved', means: 'covering tests have not all run' },
  UNCOVERED: { text: 'UNCOVERED', appearance: 'default', means: 'no test covers this issue' },
};

export const STATUS_LABEL: Record<ExecutionStatus, { text: string; appearance: Appearance }> = {
  passed: { text: 'Passed', appearance: 'success' },
  failed: { text: 'Failed', appearance: 'removed' },
  error: { text: 'Error', appearance: 'removed' },
  skipped: { text: 'Skipped', appearance: 'default' },
  not_run: { text: 'Not run', appearance: 'moved' },
};

/** `2026-03-01 10:00 UTC`: the same for every viewer, whatever their locale. */
export function formatWhen(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

export function describeScope(scope: CoverageScope): string {
  if (scope.kind === 'environment') return `Environment: ${scope.environment}`;
  if (scope.kind === 'fixVersion') return `Fix version: ${scope.fixVersion}`;
  return 'Latest run anywhere';
}

/** Select options value ⇄ scope. */
export function scopeValue(scope: CoverageScope): string {
  if (scope.kind === 'environment') return `environment:${scope.environment}`;
  if (scope.kind === 'fixVersion') return `fixVersion:${scope.fixVersion}`;
  return 'latest';
}

export function scopeOf(value: string): CoverageScope {
  if (value.startsWith('environment:')) {
    return { kind: 'environment', environment: value.slice('environment:'.length) };
  }
  if (value.startsWith('fixVersion:')) {
    return { kind: 'fixVersion', fixVersion: value.slice('fixVersion:'.length) };
  }
  return { kind: 'latest' };
}

/** The scopes the picker offers: latest, each environment, each fix version, and the current. */
export function scopeOptions(
  tests: Pick<IssueTests, 'environments' | 'fixVersions'>,
  current: CoverageScope,
) {
  const scopes: CoverageScope[] = [
    { kind: 'latest' },
    ...tests.environments.map((environment) => ({ kind: 'environment' as const, environment })),
    ...tests.fixVersions.map((fixVersion) => ({ kind: 'fixVersion' as const, fixVersion })),
  ];
  if (!scopes.some((scope) => scopeValue(scope) === scopeValue(current))) scopes.push(current);
  return scopes.map((scope) => ({ label: describeScope(scope), value: scopeValue(scope) }));
}

/** "Create defect" shows on a row whose latest result failed, when the issue's mapping allows it. */
export function canCreateDefect(tests: Pick<IssueTests, 'mapping'>, test: CoveringTest): boolean {
  const status = test.latest?.status;
  return tests.mapping?.createDefects === true && (status === 'failed' || status === 'error');
}

export function countsSentence(counts: IssueTests['counts']): string {
  const parts = [
    counts.passed && `${counts.passed} passed`,
    counts.failed && `${counts.failed} failed`,
    counts.error && `${counts.error} with errors`,
    counts.skipped && `${counts.skipped} skipped`,
    counts.notRun && `${counts.notRun} not run`,
  ].filter(Boolean);
  const total = `${counts.total} ${counts.total === 1 ? 'test' : 'tests'}`;
  return parts.length ? `${total}: ${parts.join(', ')}` : total;
}
