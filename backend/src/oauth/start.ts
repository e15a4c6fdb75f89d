import { randomUUID } from 'node:crypto';
import type { AuthorizationFlow } from '@testbridge/shared/api/oauth';
import * as client from 'openid-client';
import { PlainSecret } from '../crypto/secret.ts';
import type { Deps } from '../deps.ts';
import type { Caller } from '../http/env.ts';
import { AppError } from '../http/errors.ts';
import {
  hashSecret,
  randomState,
  STATE_TTL_MS,
  starterOf,
  toAuthorizationFlow,
} from './flow-view.ts';
import { requestOAuth1Token } from './oauth1-client.ts';
import { oauth2ServerFor, redirectUriOf } from './oauth2-client.ts';
import { createOAuthRepo, type FlowRow, type OAuthConnectionRow } from './repo.ts';
import { bindFlowSecret } from './seal.ts';

export type OAuthDeps = Pick<
  Deps,
  'store' | 'clock' | 'logger' | 'sealer' | 'config' | 'fetch' | 'sleep' | 'lookupHost'
>;

export const isOAuthType = (type: OAuthConnectionRow['authType']) =>
  type === 'cloud_oauth2' || type === 'dc_oauth2' || type === 'oauth1';

/** The connection, if it exists and uses an OAuth auth type. @throws AppError not_found */
export async function findOAuthConnection(
  deps: Pick<Deps, 'store'>,
  id: string,
): Promise<OAuthConnectionRow> {
  const row = await createOAuthRepo(deps.store).findConnection(deps.store.db, id);
  if (!row || !isOAuthType(row.authType))
    throw new AppError('not_found', `No OAuth connection ${id}`);
  return row;
}

/** Ended or expired flows are deleted this long after their `state` expired. */
export const FLOW_RETENTION_MS = 60 * 60_000;

/** The Cloud scope dynamic webhooks need, asked for only with automatic webhooks. */
export const WEBHOOK_SCOPE = 'manage:jira-webhook';

export interface StartedFlow {
  flow: AuthorizationFlow;
  /** The value of the browser-binding cookie the start call sets; never stored in clear. */
  browserBinding: string;
}

/**
 * Starts a consent flow for the shared grant (subject '') or a test-tool user's grant: a random,
 * single-use `state` stored hashed and expiring in 10 minutes, PKCE S256 where the server takes
 * it, and the URL to open. OAuth 1.0a fetches a request token first (`oob` or our callback).
 * Also returns a random browser binding for the caller's cookie (see BROWSER_COOKIE_PREFIX), and
 * deletes flows that expired over FLOW_RETENTION_MS ago.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.1
 * @see https://www.rfc-editor.org/rfc/rfc7636#section-4.2
 */
export async function startAuthorization(
  deps: OAuthDeps,
  connectionId: string,
  caller: Caller,
  subject: string,
  options: { callback: 'redirect' | 'oob'; webhooks?: 'automatic' | 'none' },
): Promise<StartedFlow> {
  const row = await findOAuthConnection(deps, connectionId);
  const now = deps.clock.now();
  const id = randomUUID();
  const state = randomState();
  const browserBinding = randomState();
  const flow: FlowRow = {
    id,
    connectionId,
    subject,
    startedBy: starterOf(caller, subject),
    stateHash: hashSecret(state),
    codeVerifier: null,
    requestToken: null,
    oob: false,
    status: 'pending',
    failure: null,
    expiresAt: new Date(now.getTime() + STATE_TTL_MS),
    verificationHash: null,
    verificationExpiresAt: null,
    wrongCodes: 0,
    accessToken: null,
    refreshToken: null,
    tokenExpiresAt: null,
    scopes: null,
    sites: null,
    browserBindingHash: hashSecret(browserBinding),
    browserVerified: false,
    createdAt: now,
    updatedAt: now,
  };
  let url: string;
  if (row.authType === 'oauth1') {
    const oob = options.callback === 'oob';
    const requested = await requestOAuth1Token(deps, row, oob ? 'oob' : redirectUriOf(deps));
    flow.requestToken = requested.token;
    flow.oob = oob;
    url = requested.authorizeUrl;
  } else {
    const server = oauth2ServerFor(deps, row);
    const params: Record<string, string> = {
      redirect_uri: redirectUriOf(deps),
      response_type: 'code',
      // manage:jira-webhook only when the admin wants automatic webhooks (Cloud 3LO).
      scope:
        options.webhooks === 'automatic' && row.authType === 'cloud_oauth2'
          ? `${server.scope} ${WEBHOOK_SCOPE}`
          : server.scope,
      state,
      ...server.authorizeParams,
    };
    if (server.pkce) {
      const verifier = client.randomPKCECodeVerifier();
      params.code_challenge = await client.calculatePKCECodeChallenge(verifier);
      params.code_challenge_method = 'S256';
      flow.codeVerifier = deps.sealer.seal(
        new PlainSecret(verifier),
        bindFlowSecret(id, 'code_verifier'),
      );
    }
    url = client.buildAuthorizationUrl(server.config, params).toString();
  }
  const repo = createOAuthRepo(deps.store);
  const purged = await deps.store.transaction(async (tx) => {
    await repo.insertFlow(tx, flow);
    return repo.purgeFlows(tx, new Date(now.getTime() - FLOW_RETENTION_MS));
  });
  deps.logger.info({ connectionId, flowId: id, subject, purged }, 'oauth flow started');
  return { flow: toAuthorizationFlow(flow, row.authType, url), browserBinding };
}
