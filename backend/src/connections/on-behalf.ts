import { AppError } from '../http/errors.ts';
import type { JiraEndpoint } from '../jira/http.ts';
import { endpointOnBehalfOf } from '../oauth/on-behalf.ts';
import { isTokenAuth, tokenEndpointFor } from './endpoint.ts';
import { type ConnectionRow, createConnectionRepo } from './repo.ts';
import type { ServiceDeps } from './service.ts';

/** A connection's Jira endpoint for one call, and whose grant it uses. */
export interface ConnectionEndpoint {
  connection: ConnectionRow;
  endpoint: JiraEndpoint;
  /** `user`: the test-tool user's own OAuth grant; `shared`: the connection's grant. */
  grant: 'shared' | 'user';
}

/**
 * The Jira endpoint of any connection for a call on behalf of `user` (the `X-Testbridge-User`
 * header). OAuth connections: the oauth feature's `endpointOnBehalfOf` (the user's own grant,
 * else the shared one; refresh; `requireUserGrantForWrites`). Token connections (API token, PAT,
 * password) act as their one account, so they refuse writes that require a user's grant.
 * @throws AppError not_found | needs_reauthorization | user_authorization_required | forbidden
 */
export async function jiraEndpointOnBehalfOf(
  deps: ServiceDeps,
  connectionId: string,
  user: string | undefined,
  access: 'read' | 'write',
): Promise<ConnectionEndpoint> {
  const repo = createConnectionRepo(deps.store.tables);
  const connection = await repo.findById(deps.store.db, connectionId);
  if (!connection) throw new AppError('not_found', `No connection ${connectionId}`);
  if (!isTokenAuth(connection.authType)) {
    const oauth = await endpointOnBehalfOf(deps, connectionId, user, access);
    return {
      connection: oauth.connection,
      endpoint: oauth.endpoint,
      grant: oauth.subject === '' ? 'shared' : 'user',
    };
  }
  if (access === 'write' && connection.requireUserGrantForWrites) {
    throw new AppError(
      'forbidden',
      'This connection requires each user’s own grant for writes, and a token connection has none; use an OAuth connection',
      { extensions: { connectionId } },
    );
  }
  const shared = await repo.findGrant(deps.store.db, connectionId, '');
  if (!shared || connection.status !== 'active') {
    throw new AppError(
      'needs_reauthorization',
      connection.statusReason ?? 'The connection has no usable credentials; update them',
      { extensions: { connectionId, connectionStatus: connection.status } },
    );
  }
  return { connection, endpoint: tokenEndpointFor(deps, connection, shared), grant: 'shared' };
}
