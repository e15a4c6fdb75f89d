import { isTokenAuth, tokenEndpointFor } from '../connections/endpoint.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../http/errors.ts';
import type { JiraApi } from '../jira/http.ts';
import { endpointOnBehalfOf } from '../oauth/on-behalf.ts';
import { createToolApiRepo } from './repo.ts';

export type ToolApiDeps = Pick<
  Deps,
  'store' | 'clock' | 'logger' | 'sealer' | 'config' | 'fetch' | 'sleep' | 'lookupHost'
>;

/** Everything a call to one connection's Jira needs. */
export interface JiraTarget extends JiraApi {
  connectionId: string;
  /** Where people open issues: the link base URL, else the Jira URL. */
  browseBase: string;
  grant: 'shared' | 'user';
}

/**
 * The Jira endpoint for a call on behalf of `user`. OAuth connections use the user's own grant
 * when there is one (oauth feature: refresh, `requireUserGrantForWrites`); token connections (API
 * token, PAT, password) act as their one account, so they refuse writes that require a user's grant.
 * @throws AppError not_found | needs_reauthorization | user_authorization_required | forbidden
 */
export async function jiraTargetFor(
  deps: ToolApiDeps,
  connectionId: string,
  user: string | undefined,
  access: 'read' | 'write',
): Promise<JiraTarget> {
  const found = await createToolApiRepo(deps.store.tables).findConnection(
    deps.store.db,
    connectionId,
  );
  if (!found) throw new AppError('not_found', `No connection ${connectionId}`);
  const { connection, sharedGrant } = found;
  const base = {
    connectionId,
    deployment: connection.deployment,
    apiVersion: connection.deployment === 'cloud' ? ('3' as const) : ('2' as const),
    browseBase: (connection.linkBaseUrl ?? connection.jiraUrl).replace(/\/+$/, ''),
  };
  if (!isTokenAuth(connection.authType)) {
    const { endpoint, subject } = await endpointOnBehalfOf(deps, connectionId, user, access);
    return { ...base, endpoint, grant: subject === '' ? 'shared' : 'user' };
  }
  if (access === 'write' && connection.requireUserGrantForWrites) {
    throw new AppError(
      'forbidden',
      'This connection requires each user’s own grant for writes, and a token connection has none; use an OAuth connection',
      { extensions: { connectionId } },
    );
  }
  if (!sharedGrant || connection.status !== 'active') {
    throw new AppError(
      'needs_reauthorization',
      connection.statusReason ?? 'The connection has no usable credentials; update them',
      { extensions: { connectionId, connectionStatus: connection.status } },
    );
  }
  return { ...base, endpoint: tokenEndpointFor(deps, connection, sharedGrant), grant: 'shared' };
}
