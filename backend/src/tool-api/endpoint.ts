import { apiVersionOf } from '../connections/endpoint.ts';
import { jiraEndpointOnBehalfOf } from '../connections/on-behalf.ts';
import type { Deps } from '../deps.ts';
import type { JiraApi } from '../jira/http.ts';

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
 * The Jira target for a call on behalf of `user`: the connections feature picks the grant (the
 * user's own OAuth grant, else the shared one; token connections refuse writes that require a
 * user's grant).
 * @throws AppError not_found | needs_reauthorization | user_authorization_required | forbidden
 */
export async function jiraTargetFor(
  deps: ToolApiDeps,
  connectionId: string,
  user: string | undefined,
  access: 'read' | 'write',
): Promise<JiraTarget> {
  const { connection, endpoint, grant } = await jiraEndpointOnBehalfOf(
    deps,
    connectionId,
    user,
    access,
  );
  return {
    connectionId,
    deployment: connection.deployment,
    apiVersion: apiVersionOf(connection),
    endpoint,
    browseBase: (connection.linkBaseUrl ?? connection.jiraUrl).replace(/\/+$/, ''),
    grant,
  };
}
