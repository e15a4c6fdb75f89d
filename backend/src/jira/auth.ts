import type { PlainSecret } from '../crypto/secret.ts';
import type { JiraAuth } from './http.ts';

/** Basic auth: Cloud email + API token, or Data Center user name + password. */
export function basicAuth(user: string, secret: PlainSecret): JiraAuth {
  const value = `Basic ${Buffer.from(`${user}:${secret.reveal()}`, 'utf8').toString('base64')}`;
  return { headers: async () => ({ authorization: value }) };
}

/**
 * Bearer auth: a Data Center personal access token, or an OAuth 2.0 access token supplied (and
 * refreshed) by the caller.
 */
export function bearerAuth(
  token: () => Promise<PlainSecret>,
  refresh?: () => Promise<void>,
): JiraAuth {
  return {
    headers: async () => ({ authorization: `Bearer ${(await token()).reveal()}` }),
    ...(refresh ? { refresh } : {}),
  };
}

/** No credentials: for what Jira answers anonymously (serverInfo). */
export const anonymousAuth: JiraAuth = { headers: async () => ({}) };
