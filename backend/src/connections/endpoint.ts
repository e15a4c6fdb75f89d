import type { Deps } from '../deps.ts';
import { AppError } from '../http/errors.ts';
import { basicAuth, bearerAuth } from '../jira/auth.ts';
import { createJiraDispatcher } from '../jira/dispatcher.ts';
import type { JiraEndpoint } from '../jira/http.ts';
import type { ConnectionRow, GrantRow } from './repo.ts';

/**
 * `dispatchers` is optional only so the narrower deps types of the callers still fit; every Deps
 * has the pool, and without one each call would build (and leak) a dispatcher of its own.
 */
type EndpointDeps = Pick<Deps, 'sealer' | 'config'> & Partial<Pick<Deps, 'dispatchers'>>;

export const bindConnection = (rowId: string, column: string) => ({
  table: 'connections',
  column,
  rowId,
});
export const bindGrant = (rowId: string, column: string) => ({ table: 'grants', column, rowId });

/** v3 on Cloud (ADF bodies), v2 on Data Center (wiki text). */
export function apiVersionOf(row: Pick<ConnectionRow, 'deployment'>): '2' | '3' {
  return row.deployment === 'cloud' ? '3' : '2';
}

/**
 * How calls for this connection travel: its proxy, or the SSRF-guarded direct agent. One
 * dispatcher per connection, reused (keep-alive, bounded sockets) until its Jira URL or proxy
 * changes, when the old one is closed; the sealed proxy password is opened only to build one.
 */
export function dispatcherFor(deps: EndpointDeps, row: ConnectionRow) {
  const proxy = () =>
    row.proxyUrl
      ? {
          url: row.proxyUrl,
          username: row.proxyUsername ?? undefined,
          password: row.proxyPassword
            ? deps.sealer.open(row.proxyPassword, bindConnection(row.id, 'proxy_password')).reveal()
            : undefined,
        }
      : undefined;
  if (!deps.dispatchers) {
    return createJiraDispatcher({
      allowPrivate: deps.config.allowPrivateJiraUrls,
      allowPrivateProxy: deps.config.allowPrivateProxyUrls,
      connections: deps.config.jiraMaxSocketsPerSite,
      proxy: proxy(),
    });
  }
  const fingerprint = JSON.stringify([
    row.jiraUrl,
    row.proxyUrl,
    row.proxyUsername,
    row.proxyPassword,
  ]);
  return deps.dispatchers.get(row.id, fingerprint, proxy);
}

/** API token, PAT or password: a grant that needs no refresh. */
export function isTokenAuth(type: ConnectionRow['authType']): boolean {
  return type === 'cloud_api_token' || type === 'dc_pat' || type === 'dc_basic';
}

/**
 * The Jira endpoint for a connection and one of its token grants (API token, PAT, password).
 * OAuth grants get their endpoint from the oauth feature, which owns refresh.
 */
export function tokenEndpointFor(
  deps: EndpointDeps,
  row: ConnectionRow,
  grant: GrantRow,
): JiraEndpoint {
  const token = deps.sealer.open(grant.accessToken, bindGrant(grant.id, 'access_token'));
  const dispatcher = dispatcherFor(deps, row);
  switch (row.authType) {
    case 'cloud_api_token':
    case 'dc_basic':
      return { baseUrl: row.jiraUrl, auth: basicAuth(row.username ?? '', token), dispatcher };
    case 'dc_pat':
      return { baseUrl: row.jiraUrl, auth: bearerAuth(async () => token), dispatcher };
    default:
      throw new AppError('internal_error', `${row.authType} grants are not token grants`);
  }
}
