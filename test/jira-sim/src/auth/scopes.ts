/**
 * Scope checks for REST routes. Cloud: Atlassian's per-operation scope table (classic scopes, or
 * the operation's full granular set); a 2LO token has no platform REST access at all.
 * DC OAuth 2.0: hierarchical READ < WRITE < ADMIN < SYSTEM_ADMIN.
 * @see https://developer.atlassian.com/cloud/jira/platform/scopes-for-oauth-2-3LO-and-forge-apps/
 */
import { readFileSync } from 'node:fs';
import type { MiddlewareHandler } from 'hono';
import { z } from 'zod';
import type { DcScope } from './credentials.ts';
import { DC_SCOPES } from './credentials.ts';
import { failWith, gatewayScopeMismatch, jiraError, jiraNotAuthenticated } from './jira-errors.ts';
import type { CloudEnv, CloudPrincipal, DcEnv, DcPrincipal } from './principal.ts';

const operationScopes = z.record(
  z.string(),
  z.object({ classic: z.array(z.string()), granular: z.array(z.string()), anonymous: z.boolean() }),
);
/** `"GET /rest/api/3/myself"` → scopes, from Atlassian's platform OpenAPI (fixtures/platform-scopes.json). */
export type OperationScopes = z.infer<typeof operationScopes>[string];

let table: Record<string, OperationScopes> | undefined;

/**
 * The scope entry of an operation, by method and OpenAPI path template (v2 paths map to v3).
 * Throws for unknown operations so a typo is caught at start-up, not in a test.
 */
export function scopesForOperation(method: string, pathTemplate: string): OperationScopes {
  table ??= operationScopes.parse(
    JSON.parse(
      readFileSync(new URL('../../fixtures/platform-scopes.json', import.meta.url), 'utf8'),
    ),
  );
  const key = `${method.toUpperCase()} ${pathTemplate.replace(/^\/rest\/api\/2\//, '/rest/api/3/')}`;
  const entry = table[key];
  if (!entry) throw new RangeError(`No scope entry for ${key} in Atlassian's OpenAPI`);
  return entry;
}

/** Whether a Cloud principal may call an operation with these scope requirements. */
export function isCloudCallAllowed(principal: CloudPrincipal, required: OperationScopes): boolean {
  switch (principal.kind) {
    case 'anonymous':
      return required.anonymous;
    case 'cloud-api-token':
      return true;
    case 'cloud-2lo':
      return false;
    case 'cloud-3lo': {
      const has = (scope: string) => principal.scopes.has(scope);
      if (required.classic.length > 0 && required.classic.every(has)) return true;
      if (required.granular.length > 0 && required.granular.every(has)) return true;
      return required.classic.length === 0 && required.granular.length === 0;
    }
  }
}

function rejectCloud(principal: CloudPrincipal): never {
  if (principal.kind === 'anonymous') failWith(jiraNotAuthenticated());
  failWith(gatewayScopeMismatch());
}

/**
 * Route middleware: the caller needs every given classic scope (3LO), a user (site URL), and is
 * never a 2LO token. 401 `{"code":401,"message":"Unauthorized; scope does not match"}` otherwise.
 */
export function requireScopes(...classic: string[]): MiddlewareHandler<CloudEnv> {
  const required: OperationScopes = { classic, granular: [], anonymous: false };
  return async (c, next) => {
    if (!isCloudCallAllowed(c.var.principal, required)) rejectCloud(c.var.principal);
    await next();
  };
}

/** Like {@link requireScopes}, with the requirement looked up in Atlassian's table (anonymous allowed where it is). */
export function requireOperationScopes(
  method: string,
  pathTemplate: string,
): MiddlewareHandler<CloudEnv> {
  const required = scopesForOperation(method, pathTemplate);
  return async (c, next) => {
    if (!isCloudCallAllowed(c.var.principal, required)) rejectCloud(c.var.principal);
    await next();
  };
}

/** Whether a DC principal reaches `level` (non-OAuth principals act with the user's full rights). */
export function isDcCallAllowed(principal: DcPrincipal, level: DcScope | 'ANONYMOUS'): boolean {
  if (level === 'ANONYMOUS') return true;
  if (principal.kind === 'anonymous') return false;
  if (principal.kind !== 'dc-oauth2') return true;
  return DC_SCOPES.indexOf(principal.scope) >= DC_SCOPES.indexOf(level);
}

/**
 * DC route middleware: an authenticated caller whose OAuth 2.0 scope reaches `level`.
 * 401 for anonymous; 403 with `WWW-Authenticate: Bearer error="insufficient_scope"` (RFC 6750
 * §3.1; Jira's body text is UNCONFIRMED) for a too-narrow token.
 */
export function requireDcScope(level: DcScope | 'ANONYMOUS'): MiddlewareHandler<DcEnv> {
  return async (c, next) => {
    const principal = c.var.principal;
    if (isDcCallAllowed(principal, level)) return next();
    if (principal.kind === 'anonymous')
      failWith(
        jiraError(401, [
          'You are not authenticated. Authentication required to perform this operation.',
        ]),
      );
    failWith(
      jiraError(
        403,
        [`The access token does not have the required scope ${level}.`],
        {},
        {
          'WWW-Authenticate': `Bearer error="insufficient_scope", scope="${level}"`,
        },
      ),
    );
  };
}
