import { AppError } from '../http/errors.ts';
import type { JiraEndpoint } from '../jira/http.ts';
import { getMyself, type Myself } from '../jira/platform-api.ts';
import { oauthEndpointFor } from './endpoint.ts';
import { startAuthorizationOf } from './flow-view.ts';
import { createOAuthRepo, type OAuthConnectionRow, type OAuthGrantRow } from './repo.ts';
import { findOAuthConnection, isOAuthType, type OAuthDeps } from './start.ts';

/** The connection and its grants as the caller already read them (one statement). */
export interface ReadForCall {
  connection: OAuthConnectionRow;
  shared: OAuthGrantRow | undefined;
  own: OAuthGrantRow | undefined;
}

/**
 * The endpoint for a call made on behalf of `user` (the `X-Testbridge-User` header): their own
 * grant when they have one; otherwise the shared grant, unless the connection requires a user
 * grant for writes and this is a write. `read`: the rows as the caller just read them (else read here).
 * @throws AppError user_authorization_required (with `startAuthorizationUrl`) | needs_reauthorization
 */
export async function endpointOnBehalfOf(
  deps: OAuthDeps,
  connectionId: string,
  user: string | undefined,
  access: 'read' | 'write',
  read?: ReadForCall,
): Promise<{ connection: OAuthConnectionRow; endpoint: JiraEndpoint; subject: string }> {
  if (read && !isOAuthType(read.connection.authType))
    throw new AppError('not_found', `No OAuth connection ${connectionId}`);
  const connection = read ? read.connection : await findOAuthConnection(deps, connectionId);
  let subject = '';
  let grant = read?.shared;
  if (user) {
    const own = read
      ? read.own
      : await createOAuthRepo(deps.store).findGrant(deps.store.db, connectionId, user);
    if (own) {
      subject = user;
      grant = own;
    } else if (access === 'write' && connection.requireUserGrantForWrites) {
      throw new AppError(
        'user_authorization_required',
        `${user} must authorize Testbridge in Jira before making changes through this connection`,
        { extensions: { ...startAuthorizationOf(deps, connectionId), connectionId, user } },
      );
    }
  } else if (access === 'write' && connection.requireUserGrantForWrites) {
    throw new AppError('user_authorization_required', 'Writes on this connection name the user', {
      extensions: { ...startAuthorizationOf(deps, connectionId), connectionId },
    });
  }
  const endpoint = await oauthEndpointFor(deps, connection, subject, read ? grant : undefined);
  return { connection, endpoint, subject };
}

/**
 * Who Jira says the caller (or the shared grant) is: the authenticated check of a connection.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-myself/
 */
export async function getJiraMyselfOnBehalfOf(
  deps: OAuthDeps,
  connectionId: string,
  user: string | undefined,
  access: 'read' | 'write' = 'read',
): Promise<Myself & { grant: 'shared' | 'user' }> {
  const { connection, endpoint, subject } = await endpointOnBehalfOf(
    deps,
    connectionId,
    user,
    access,
  );
  const me = await getMyself(deps, endpoint, connection.deployment === 'cloud' ? '3' : '2');
  return { ...me, grant: subject === '' ? 'shared' : 'user' };
}
