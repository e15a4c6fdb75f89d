import type { EnvironmentRule } from '@testbridge/shared/api/devops';
import type { EnvironmentType } from '@testbridge/shared/jira/deployments';

/**
 * Used after a site's own rules: common CI environment names. Order matters (`pre-prod` is
 * staging before `*prod*` makes it production).
 */
export const DEFAULT_ENVIRONMENT_RULES: readonly EnvironmentRule[] = [
  ...['*stag*', '*stg*', '*preprod*', '*pre-prod*', '*uat*'].map((pattern) => ({
    pattern,
    environmentType: 'staging' as const,
  })),
  ...['*prod*', '*prd*', '*live*'].map((pattern) => ({
    pattern,
    environmentType: 'production' as const,
  })),
  ...['*test*', '*qa*'].map((pattern) => ({ pattern, environmentType: 'testing' as const })),
  ...['*dev*', '*local*', '*sandbox*'].map((pattern) => ({
    pattern,
    environmentType: 'development' as const,
  })),
];

function globToRegExp(pattern: string): RegExp {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`, 'i');
}

/**
 * Jira's environment type for a CI environment the payload left untyped: the first of the site's
 * rules matching its id or display name, else the first default rule, else `unmapped`.
 */
export function resolveEnvironmentType(
  rules: readonly EnvironmentRule[],
  environment: { id: string; displayName?: string | undefined },
): EnvironmentType {
  for (const rule of [...rules, ...DEFAULT_ENVIRONMENT_RULES]) {
    const match = globToRegExp(rule.pattern);
    if (
      match.test(environment.id) ||
      (environment.displayName && match.test(environment.displayName))
    ) {
      return rule.environmentType;
    }
  }
  return 'unmapped';
}
