import { BuildState } from '@testbridge/shared/jira/builds';
import { DeploymentState } from '@testbridge/shared/jira/deployments';
import { CliError, EXIT } from '../errors.ts';

/** The CIs' words for a job's outcome (lower-cased), as Jira's states. */
const ALIASES: Record<string, string> = {
  success: 'successful',
  succeeded: 'successful',
  succeededwithissues: 'successful',
  passed: 'successful',
  fixed: 'successful',
  failure: 'failed',
  error: 'failed',
  errored: 'failed',
  broken: 'failed',
  unstable: 'failed',
  canceled: 'cancelled',
  aborted: 'cancelled',
  skipped: 'cancelled',
  not_built: 'cancelled',
  running: 'in_progress',
  started: 'in_progress',
  queued: 'pending',
  rolledback: 'rolled_back',
};

/** A CI's or a user's state word as Jira's build or deployment state; a usage error otherwise. */
export function normalizeState(kind: 'build' | 'deployment', raw: string, source: string): string {
  const word = raw.trim().toLowerCase().replaceAll('-', '_');
  const state = ALIASES[word] ?? word;
  const allowed: readonly string[] = (kind === 'build' ? BuildState : DeploymentState).options;
  if (!allowed.includes(state)) {
    throw new CliError(
      EXIT.usage,
      `${source} "${raw}" is not a ${kind} state; use one of ${allowed.join(', ')} (or success, failure, canceled …)`,
    );
  }
  return state;
}
