/**
 * How the cases of a run's files become one execution per test: the last attempt wins, a test
 * that failed and then passed within the run is flaky, and a failure has a signature (test +
 * normalised first line of its message) that defects deduplicate on.
 */
import { createHash } from 'node:crypto';
import type { ReportedStatus } from '@testbridge/shared/api/test-report';

/** What the import keeps of one reported case (staged between reading and merging). */
export interface StagedCase {
  identity: string;
  key: string | null;
  name: string;
  classname: string | null;
  suite: string | null;
  status: ReportedStatus;
  flaky: boolean;
  attempts: number;
  durationMs: number | null;
  message: string | null;
  stack: string | null;
  requirements: string[];
}

export interface MergedExecution {
  status: ReportedStatus;
  flaky: boolean;
  hadFailure: boolean;
  attempts: number;
  durationMs: number | null;
  message: string | null;
  stack: string | null;
  signature: string | null;
}

/** Stack lines kept per execution: the top frames say where; the rest is noise in a panel. */
export const STACK_LINES = 40;

/** The stack's first STACK_LINES lines, trailing whitespace removed. */
export function trimStack(stack: string | null | undefined): string | null {
  if (!stack) return null;
  const lines = stack.split(/\r?\n/).map((line) => line.trimEnd());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) return null;
  const kept = lines.slice(0, STACK_LINES);
  if (lines.length > STACK_LINES) kept.push(`… ${lines.length - STACK_LINES} more lines`);
  return kept.join('\n');
}

/**
 * The first non-blank line of a failure message with what changes between runs of the same
 * failure taken out: numbers, hex addresses, uuids, quoted temp paths; whitespace collapsed.
 */
export function normaliseFailureLine(message: string | null | undefined): string {
  const line = (message ?? '').split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  return line
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>')
    .replace(/0x[0-9a-f]+/gi, '<hex>')
    .replace(/\d+(\.\d+)?/g, '<n>')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 500);
}

/** The failure signature of a test's failure: sha-256 of identity + normalised first line. */
export function failureSignature(identity: string, message: string | null | undefined): string {
  return createHash('sha256')
    .update(`${identity}\n${normaliseFailureLine(message)}`)
    .digest('hex')
    .slice(0, 40);
}

const isFailure = (status: ReportedStatus) => status === 'failed' || status === 'error';

/** Folds one more attempt of a test into its execution in the run (files in upload order). */
export function mergeAttempt(
  previous: MergedExecution | undefined,
  attempt: StagedCase,
): MergedExecution {
  const failedNow = isFailure(attempt.status);
  const hadFailure = (previous?.hadFailure ?? false) || failedNow || attempt.flaky;
  const passed = attempt.status === 'passed';
  // A flaky pass keeps the message of the failure that made it flaky.
  const message = attempt.message ?? (passed ? (previous?.message ?? null) : null);
  const stack = trimStack(attempt.stack) ?? (passed ? (previous?.stack ?? null) : null);
  return {
    status: attempt.status,
    flaky: passed && hadFailure,
    hadFailure,
    attempts: (previous?.attempts ?? 0) + attempt.attempts,
    durationMs: attempt.durationMs,
    message,
    stack,
    signature: failedNow ? failureSignature(attempt.identity, attempt.message) : null,
  };
}
