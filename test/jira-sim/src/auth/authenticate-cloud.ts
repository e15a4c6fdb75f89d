/**
 * Authentication for Cloud: the API gateway (`/api/ex/jira/{cloudId}`, bearer tokens only) and
 * the site URL (`/cloud/{site}`, Basic e-mail + API token or anonymous).
 * @see https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/
 */
import type { MiddlewareHandler } from 'hono';
import type { SimDeps } from '../deps.ts';
import { findAccountByEmail, findSiteByCloudId, findSiteByName } from '../world/read.ts';
import type { CloudSite } from '../world/types.ts';
import { parseAuthorization } from './authorization-header.ts';
import { failWith, gatewayError, jiraError } from './jira-errors.ts';
import type { CloudEnv, CloudPrincipal } from './principal.ts';
import { findLiveAccessToken } from './token-store.ts';

function authenticateBearer(deps: SimDeps, site: CloudSite, token: string): CloudPrincipal | null {
  const record = findLiveAccessToken(deps.tokens, token, deps.clock.now(), [
    'cloud-3lo',
    'cloud-2lo',
    'forge-user',
    'forge-system',
  ]);
  if (!record) return null;
  if (record.kind === 'forge-user' || record.kind === 'forge-system') {
    // A Forge token is minted for one installation: one site, and acts as its one user (the
    // viewing user, or the app's bot account) with the app's scopes.
    const user = record.userId === null ? undefined : site.users.get(record.userId);
    if (record.cloudId !== site.cloudId || !user?.active) return null;
    return {
      kind: 'cloud-3lo',
      instance: site,
      user,
      clientId: record.clientId,
      scopes: new Set(record.scopes),
      token: record,
    };
  }
  if (record.kind === 'cloud-2lo') {
    const client = deps.credentials.devopsClients.get(record.clientId);
    if (!client || record.cloudId !== site.cloudId) return null;
    return {
      kind: 'cloud-2lo',
      instance: site,
      clientId: record.clientId,
      apis: new Set(client.apis),
      token: record,
    };
  }
  const grant = record.grantId === null ? undefined : deps.tokens.grants.get(record.grantId);
  const user = record.userId === null ? undefined : site.users.get(record.userId);
  if (!grant?.cloudIds.includes(site.cloudId) || !user?.active) return null;
  return {
    kind: 'cloud-3lo',
    instance: site,
    user,
    clientId: record.clientId,
    scopes: new Set(record.scopes),
    token: record,
  };
}

/**
 * Gateway middleware: resolves `:cloudId`, requires a live bearer token covering that site.
 * Failures: 401 `{"code":401,"message":"Unauthorized"}` (unknown site, missing/expired/foreign token).
 */
export function authenticateGateway(deps: SimDeps): MiddlewareHandler<CloudEnv> {
  return async (c, next) => {
    const site = findSiteByCloudId(deps.world, c.req.param('cloudId') ?? '');
    const header = parseAuthorization(c.req.header('authorization'));
    const principal =
      site && header?.scheme === 'bearer' ? authenticateBearer(deps, site, header.token) : null;
    if (!site || !principal)
      failWith(
        gatewayError(401, 'Unauthorized', {
          'WWW-Authenticate': 'Bearer realm="api.atlassian.com"',
        }),
      );
    c.set('instance', site);
    c.set('principal', principal);
    await next();
  };
}

/**
 * Site-URL middleware: resolves `:site`; no Authorization → anonymous; Basic e-mail + API token
 * of an active member → that user. Anything else → 401 (OAuth tokens are refused on the site URL,
 * as Jira does; exact message bodies UNCONFIRMED).
 */
export function authenticateSite(deps: SimDeps): MiddlewareHandler<CloudEnv> {
  return async (c, next) => {
    const site = findSiteByName(deps.world, c.req.param('site') ?? '');
    if (!site) failWith(jiraError(404, ['Site not found.']));
    c.set('instance', site);
    const header = parseAuthorization(c.req.header('authorization'));
    if (header === null) {
      c.set('principal', { kind: 'anonymous', instance: site });
      return next();
    }
    if (header.scheme === 'bearer')
      failWith(jiraError(401, ['Failed to parse Connect Session Auth Token']));
    if (header.scheme !== 'basic')
      failWith(jiraError(401, ['Client must be authenticated to access this resource.']));
    const account = findAccountByEmail(deps.world, header.username);
    const token = deps.credentials.apiTokens.get(header.password);
    const valid =
      account !== undefined &&
      token !== undefined &&
      !token.revoked &&
      token.accountId === account.id &&
      (token.expiresAt === null || token.expiresAt > deps.clock.now());
    const user = valid ? site.users.get(account.id) : undefined;
    if (!user?.active)
      failWith(jiraError(401, ['Client must be authenticated to access this resource.']));
    c.set('principal', { kind: 'cloud-api-token', instance: site, user });
    await next();
  };
}
