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
  // One read of the connection and the grants it may use; the oauth feature takes them as read.
  const found = await createConnectionRepo(deps.store.tables).findForCall(
    deps.store.db,
    connectionId,
    user ?? '',
  );
  if (!found) throw new AppError('not_found', `No connection ${connectionId}`);
  const { connection, shared } = found;
  if (!isTokenAuth(connection.authType)) {
    const oauth = await endpointOnBehalfOf(deps, connectionId, user, access, found);
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
  if (!shared || connection.status !== 'active') {
    throw new AppError(
      'needs_reauthorization',
      connection.statusReason ?? 'The connection has no usable credentials; update them',
      { extensions: { connectionId, connectionStatus: connection.status } },
    );
  }
  return { connection, endpoint: tokenEndpointFor(deps, connection, shared), grant: 'shared' };
}
