import { dispatcherFor } from '../connections/endpoint.ts';
import type { PlainSecret } from '../crypto/secret.ts';
import { AppError } from '../http/errors.ts';
import { bearerAuth } from '../jira/auth.ts';
import type { JiraAuth, JiraEndpoint } from '../jira/http.ts';
import { oauth1Auth } from '../jira/oauth1.ts';
import { consumerOf } from './oauth1-client.ts';
import { confirmOAuth1Rejection } from './oauth1-rejection.ts';
import { isExpiring, refreshGrant } from './refresh.ts';
import { createOAuthRepo, type OAuthConnectionRow, type OAuthGrantRow } from './repo.ts';
import { bindGrantSecret } from './seal.ts';
import type { OAuthDeps } from './start.ts';
import { noteGrantUse } from './user-grants.ts';

/** Where Jira answers OAuth calls: the Cloud gateway for 3LO, the site itself otherwise. */
export function oauthBaseUrl(deps: OAuthDeps, row: OAuthConnectionRow): string {
  if (row.authType !== 'cloud_oauth2') return row.jiraUrl;
  if (!row.cloudId) throw new AppError('needs_reauthorization', 'The connection has no site yet');
  return `${deps.config.atlassian.apiUrl.replace(/\/+$/, '')}/ex/jira/${row.cloudId}`;
}

/**
 * The Jira endpoint for an OAuth connection and one of its grants (subject '' = shared): bearer
 * tokens refreshed shortly before expiry and once on a 401, or OAuth 1.0a RSA-SHA1 signatures.
 * `grant`: the subject's grant row when the caller has just read it (else it is read here).
 * @see https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/#3-2-make-calls-to-the-api-using-the-access-token
 * @throws AppError needs_reauthorization (shared grant missing) | not_found
 */
export async function oauthEndpointFor(
  deps: OAuthDeps,
  connection: OAuthConnectionRow,
  subject: string,
  read?: OAuthGrantRow,
): Promise<JiraEndpoint> {
  const grant =
    read ?? (await createOAuthRepo(deps.store).findGrant(deps.store.db, connection.id, subject));
  if (subject === '' && (connection.status !== 'active' || !grant)) {
    throw new AppError(
      'needs_reauthorization',
      connection.statusReason ?? 'The connection is not authorized yet; authorize it in Jira',
      { extensions: { connectionId: connection.id, connectionStatus: connection.status } },
    );
  }
  if (!grant) throw new AppError('not_found', `No grant for ${subject} on ${connection.id}`);
  if (subject !== '') await noteGrantUse(deps, grant);
  const baseUrl = oauthBaseUrl(deps, connection);
  const dispatcher = dispatcherFor(deps, connection);
  const open = (row: OAuthGrantRow) =>
    deps.sealer.open(row.accessToken, bindGrantSecret(row.id, 'access_token'));
  if (connection.authType === 'oauth1') {
    const credentials = { ...consumerOf(deps, connection), token: open(grant).reveal() };
    const signer = oauth1Auth(credentials, deps.clock);
    const auth: JiraAuth = {
      headers: signer.headers,
      refresh: () => confirmOAuth1Rejection(deps, connection, grant, baseUrl, signer),
    };
    return { baseUrl, dispatcher, auth };
  }
  let current = grant;
  let token: PlainSecret = open(grant);
  const refresh = async () => {
    current = await refreshGrant(deps, connection, current);
    token = open(current);
  };
  return {
    baseUrl,
    dispatcher,
    auth: bearerAuth(async () => {
      if (isExpiring(current, deps.clock.now())) await refresh();
      return token;
    }, refresh),
  };
}
