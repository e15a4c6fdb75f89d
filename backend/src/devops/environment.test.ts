import { describe, expect, it } from 'vitest';
import { resolveEnvironmentType } from './environment.ts';

describe('environment types for CI environment names', () => {
  it("uses the site's rules first, matching id or display name, case-insensitively", () => {
    const rules = [
      { pattern: 'blue-*', environmentType: 'production' as const },
      { pattern: '*preview*', environmentType: 'testing' as const },
    ];
    expect(resolveEnvironmentType(rules, { id: 'BLUE-eu' })).toBe('production');
    expect(resolveEnvironmentType(rules, { id: 'x1', displayName: 'PR preview 12' })).toBe(
      'testing',
    );
  });

  it('falls back to common names, then unmapped', () => {
    const cases: [string, string][] = [
      ['prod-eu', 'production'],
      ['pre-prod', 'staging'],
      ['stg', 'staging'],
      ['uat', 'staging'],
      ['qa-2', 'testing'],
      ['integration-test', 'testing'],
      ['dev', 'development'],
      ['mars', 'unmapped'],
    ];
    for (const [id, type] of cases) expect(resolveEnvironmentType([], { id }), id).toBe(type);
  });
});
