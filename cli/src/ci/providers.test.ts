import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ciFixtures } from '../testing/ci-fixtures.ts';
import { CI_PROVIDERS, detectCi } from './providers.ts';
import { normalizeState } from './state.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('CI detection', () => {
  it('tells each CI by its own marker variable, and none from an empty environment', () => {
    for (const fixture of ciFixtures(['a', 'b', 'c'], '')) {
      expect(detectCi(fixture.env)?.name).toBe(fixture.ci);
    }
    expect(detectCi({})).toBeUndefined();
    expect(detectCi({ CI: 'true' })).toBeUndefined();
  });

  it('is documented: the README names every CI, its doc URL and every variable read', () => {
    for (const provider of CI_PROVIDERS) {
      expect(readme).toContain(provider.name);
      expect(readme).toContain(provider.docs);
      for (const text of Object.values(provider.variables)) {
        for (const [, name] of String(text).matchAll(/`([A-Z][A-Z0-9_]+)`/g)) {
          expect(readme, `${provider.name}: ${name}`).toContain(`\`${name}\``);
        }
      }
    }
  });

  it("reads a commit range only from a real 'before' commit (not a new branch's zeros)", () => {
    const gitlab = CI_PROVIDERS.find((p) => p.id === 'gitlab');
    const env = { GITLAB_CI: 'true', CI_COMMIT_SHA: 'b'.repeat(40) };
    expect(gitlab?.read({ ...env, CI_COMMIT_BEFORE_SHA: 'a'.repeat(40) }).commitRange).toBe(
      `${'a'.repeat(40)}..${'b'.repeat(40)}`,
    );
    expect(
      gitlab?.read({ ...env, CI_COMMIT_BEFORE_SHA: '0'.repeat(40) }).commitRange,
    ).toBeUndefined();
  });
});

describe('states', () => {
  it.each([
    ['success', 'successful'],
    ['SUCCESS', 'successful'],
    ['SucceededWithIssues', 'successful'],
    ['failure', 'failed'],
    ['canceled', 'cancelled'],
    ['ABORTED', 'cancelled'],
    ['in-progress', 'in_progress'],
    ['failed', 'failed'],
  ])('build state %s is %s', (raw, state) => {
    expect(normalizeState('build', raw, '--state')).toBe(state);
  });

  it('rolled_back is a deployment state only; unknown words are usage errors naming the source', () => {
    expect(normalizeState('deployment', 'rolled-back', '--state')).toBe('rolled_back');
    expect(() => normalizeState('build', 'rolled_back', '--state')).toThrow(
      '--state "rolled_back" is not a build state',
    );
    expect(() => normalizeState('build', 'green', 'Azure Pipelines state')).toThrow(
      'Azure Pipelines state "green" is not a build state',
    );
  });
});
