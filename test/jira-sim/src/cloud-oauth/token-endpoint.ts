/**
 * `POST /oauth/token` at auth.atlassian.com (all grants) and at api.atlassian.com (the 2LO
 * endpoint Atlassian documents for OAuth credentials: client_credentials only).
 * @see https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/#2--exchange-authorization-code-for-access-token
 */
import { Hono } from 'hono';
import { oauthError } from '../auth/jira-errors.ts';
import type { SimDeps } from '../deps.ts';
import { invalidClient, readTokenRequest } from './client-auth.ts';
import {
  exchangeAuthorizationCode,
  issueClientCredentials,
  refreshCloudToken,
} from './token-grants.ts';

type GrantType = 'authorization_code' | 'refresh_token' | 'client_credentials';

export function createTokenRoutes(deps: SimDeps, grantTypes: GrantType[], realm: string): Hono {
  const app = new Hono();
  app.post('/oauth/token', async (c) => {
    const request = await readTokenRequest(c, { allowQuery: false });
    if (request instanceof Response) return request;
    const grantType = request.params.get('grant_type');
    if (!grantType) return oauthError(400, 'invalid_request', 'grant_type is required.');
    if (!grantTypes.some((type) => type === grantType))
      return oauthError(400, 'unsupported_grant_type', `Unsupported grant_type ${grantType}.`);
    if (grantType === 'client_credentials') {
      const client = deps.credentials.devopsClients.get(request.clientId);
      if (!client || client.clientSecret !== request.clientSecret)
        return invalidClient(request, realm);
      return issueClientCredentials(deps, client, request.params);
    }
    const oauthApp = deps.credentials.oauthApps.get(request.clientId);
    if (!oauthApp || oauthApp.clientSecret !== request.clientSecret)
      return invalidClient(request, realm);
    return grantType === 'authorization_code'
      ? exchangeAuthorizationCode(deps, oauthApp, request.params)
      : refreshCloudToken(deps, oauthApp, request.params);
  });
  return app;
}
