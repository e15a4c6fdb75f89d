import { describe, expect, it } from 'vitest';
import {
  failureSignature,
  type MergedExecution,
  mergeAttempt,
  normaliseFailureLine,
  STACK_LINES,
  type StagedCase,
  trimStack,
} from './merge.ts';

const attempt = (over: Partial<StagedCase>): StagedCase => ({
  identity: 'name:C::t',
  key: null,
  name: 't',
  classname: 'C',
  suite: null,
  status: 'passed',
  flaky: false,
  attempts: 1,
  durationMs: 10,
  message: null,
  stack: null,
  requirements: [],
  ...over,
});

const fold = (attempts: StagedCase[]) =>
  attempts.reduce<MergedExecution | undefined>((prev, next) => mergeAttempt(prev, next), undefined);

describe('merging attempts of a test within a run', () => {
  it('lets the last attempt win and marks failed-then-passed flaky, keeping the failure message', () => {
    const merged = fold([
      attempt({ status: 'failed', message: 'boom', stack: 'at a\nat b' }),
      attempt({ status: 'passed', durationMs: 5 }),
    ]);
    expect(merged).toMatchObject({
      status: 'passed',
      flaky: true,
      attempts: 2,
      durationMs: 5,
      message: 'boom',
      signature: null,
    });
  });

  it('is not flaky when it passed, then failed; an error counts as a failure', () => {
    expect(fold([attempt({}), attempt({ status: 'error', message: 'x' })])).toMatchObject({
      status: 'error',
      flaky: false,
    });
    expect(fold([attempt({ status: 'error' }), attempt({}), attempt({})])?.flaky).toBe(true);
  });

  it('takes a report that says flaky (surefire flakyFailure) at its word', () => {
    expect(fold([attempt({ flaky: true, attempts: 3 })])).toMatchObject({
      flaky: true,
      attempts: 3,
    });
  });

  it('signs a failure by test and normalised first message line', () => {
    const a = fold([
      attempt({ status: 'failed', message: 'timeout after 3012 ms at 0x7ffe\nstack' }),
    ]);
    const b = fold([attempt({ status: 'failed', message: '  timeout after 95 ms at 0x1a  ' })]);
    const other = fold([
      attempt({ identity: 'name:C::u', status: 'failed', message: 'timeout after 1 ms at 0x1' }),
    ]);
    expect(a?.signature).toBe(b?.signature);
    expect(a?.signature).not.toBe(other?.signature);
    expect(a?.signature).toBe(failureSignature('name:C::t', 'timeout after 1 ms at 0x2'));
    expect(normaliseFailureLine('\n  id 1b4e28ba-2fa1-11d2-883f-0016d3cca427 failed 3 times')).toBe(
      'id <uuid> failed <n> times',
    );
  });

  it('trims the stack to its first lines', () => {
    const stack = Array.from({ length: STACK_LINES + 5 }, (_, i) => `at frame ${i}   `).join('\n');
    const trimmed = trimStack(stack)?.split('\n') ?? [];
    expect(trimmed).toHaveLength(STACK_LINES + 1);
    expect(trimmed[0]).toBe('at frame 0');
    expect(trimmed.at(-1)).toBe('… 5 more lines');
    expect(trimStack('  \n')).toBeNull();
  });
});
