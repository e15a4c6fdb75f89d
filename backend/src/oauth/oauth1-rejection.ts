import { dispatcherFor } from '../connections/endpoint.ts';
import type { JiraAuth } from '../jira/http.ts';
import { markGrantRevoked, revokedError } from './refresh.ts';
import type { OAuthConnectionRow, OAuthGrantRow } from './repo.ts';
import type { OAuthDeps } from './start.ts';

/** `oauth_problem` values that mean the access token itself is dead (RFC 5849 problem names). */
const DEAD_TOKEN = new Set([
  'token_rejected',
  'token_expired',
  'token_revoked',
  'permission_denied',
]);

/**
 * OAuth 1.0a has no refresh: on a 401, ask Jira once more (`myself`) and, when it names the token
 * as rejected or expired, mark the grant revoked so the connection asks for a new consent.
 * @see https://wiki.oauth.net/w/page/12238543/ProblemReporting
 * @throws AppError needs_reauthorization | user_authorization_required
 */
export async function confirmOAuth1Rejection(
  deps: OAuthDeps,
  connection: OAuthConnectionRow,
  grant: OAuthGrantRow,
  baseUrl: string,
  auth: JiraAuth,
): Promise<void> {
  const url = `${baseUrl}/rest/api/2/myself`;
  const init: RequestInit = {
    method: 'GET',
    headers: await auth.headers({ method: 'GET', url }),
    redirect: 'manual',
  };
  Object.assign(init, { dispatcher: dispatcherFor(deps, connection) });
  const response = await deps.fetch(url, init).catch(() => undefined);
  if (response?.status !== 401) return;
  const challenge = `${response.headers.get('www-authenticate') ?? ''} ${await response.text()}`;
  const problem = /oauth_problem="?([a-z_]+)/.exec(challenge)?.[1];
  if (!problem || !DEAD_TOKEN.has(problem)) return;
  const text = `oauth_problem=${problem}`;
  await markGrantRevoked(deps, connection, grant, text);
  deps.logger.warn({ connectionId: connection.id, problem }, 'oauth 1.0a token rejected by Jira');
  throw revokedError(deps, connection, grant.subject, text);
}
