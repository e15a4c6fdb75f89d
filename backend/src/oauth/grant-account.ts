import { dispatcherFor } from '../connections/endpoint.ts';
import type { PlainSecret } from '../crypto/secret.ts';
import { bearerAuth } from '../jira/auth.ts';
import { oauth1Auth } from '../jira/oauth1.ts';
import { getMyself } from '../jira/platform-api.ts';
import { oauthBaseUrl } from './endpoint.ts';
import { consumerOf } from './oauth1-client.ts';
import type { OAuthConnectionRow } from './repo.ts';
import type { OAuthDeps } from './start.ts';

export interface GrantAccount {
  /** Cloud: the accountId; Data Center: the username (`name`), else the user key. */
  accountId: string;
  displayName: string | null;
}

/**
 * Who a new grant acts as in Jira (`myself` with its token), so the connection can list which
 * Jira account each user's grant is. A failure is logged and leaves the account unknown: the
 * grant itself is valid.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-myself/
 */
export async function jiraAccountOf(
  deps: OAuthDeps,
  connection: OAuthConnectionRow,
  cloudId: string | null,
  token: PlainSecret,
): Promise<GrantAccount | null> {
  try {
    const row = { ...connection, cloudId: cloudId ?? connection.cloudId };
    const auth =
      connection.authType === 'oauth1'
        ? oauth1Auth({ ...consumerOf(deps, connection), token: token.reveal() }, deps.clock)
        : bearerAuth(async () => token);
    const endpoint = {
      baseUrl: oauthBaseUrl(deps, row),
      dispatcher: dispatcherFor(deps, connection),
      auth,
    };
    const me = await getMyself(deps, endpoint, connection.deployment === 'cloud' ? '3' : '2');
    const accountId = me.accountId ?? me.name ?? me.key;
    return accountId ? { accountId, displayName: me.displayName } : null;
  } catch (error) {
    deps.logger.warn(
      { connectionId: connection.id, err: error instanceof Error ? error.message : String(error) },
      'could not read the Jira account of a new grant',
    );
    return null;
  }
}
