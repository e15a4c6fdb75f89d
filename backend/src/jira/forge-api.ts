/**
 * Jira as a Forge Remote reaches it: the installation's `app.apiBaseUrl`
 * (`https://api.atlassian.com/ex/jira/<cloudId>`) with a token Forge forwarded — the viewing
 * user's (`x-forge-oauth-user`) or the app's (`x-forge-oauth-system`). Tokens are opaque, never
 * refreshed (Forge sends a fresh one with each invocation) and never logged.
 * @see https://developer.atlassian.com/platform/forge/remote/calling-product-apis/
 */
import type { Config } from '../config.ts';
import type { PlainSecret } from '../crypto/secret.ts';
import { AppError } from '../http/errors.ts';
import { bearerAuth } from './auth.ts';
import type { JiraApi } from './http.ts';

/**
 * Whether `apiBaseUrl` is a Jira site under Atlassian's API gateway (`ATLASSIAN_API_URL`): the
 * only place a forwarded token may be sent, whatever a token claims.
 */
export function isAtlassianApiBaseUrl(config: Pick<Config, 'atlassian'>, apiBaseUrl: string) {
  let url: URL;
  try {
    url = new URL(apiBaseUrl);
  } catch {
    return false;
  }
  const gateway = new URL(config.atlassian.apiUrl);
  const prefix = `${gateway.pathname.replace(/\/+$/, '')}/ex/jira/`;
  return (
    url.origin === gateway.origin &&
    url.pathname.startsWith(prefix) &&
    url.pathname.length > prefix.length &&
    !url.search &&
    !url.hash
  );
}

/**
 * The Jira Cloud REST API (v3) at `apiBaseUrl`, authenticated with a forwarded Forge token.
 * @throws AppError forbidden (`apiBaseUrl` is not under `ATLASSIAN_API_URL`)
 */
export function forgeJiraApi(
  config: Pick<Config, 'atlassian'>,
  apiBaseUrl: string,
  token: PlainSecret,
): JiraApi {
  if (!isAtlassianApiBaseUrl(config, apiBaseUrl))
    throw new AppError(
      'forbidden',
      "The Forge token's app.apiBaseUrl is not a Jira site under ATLASSIAN_API_URL",
    );
  return {
    deployment: 'cloud',
    apiVersion: '3',
    endpoint: { baseUrl: apiBaseUrl.replace(/\/+$/, ''), auth: bearerAuth(async () => token) },
  };
}
