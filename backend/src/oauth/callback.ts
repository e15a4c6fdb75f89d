import { timingSafeEqual } from 'node:crypto';
import * as client from 'openid-client';
import { dispatcherFor } from '../connections/endpoint.ts';
import { PlainSecret } from '../crypto/secret.ts';
import { getAccessibleResources } from '../jira/accessible-resources.ts';
import { bearerAuth } from '../jira/auth.ts';
import { tokenExpiresAt } from '../jira/token-expiry.ts';
import {
  callbackErrorPage,
  chooseSitePage,
  connectedPage,
  verificationCodePage,
} from './callback-page.ts';
import { completeInBrowser } from './complete.ts';
import { hashSecret, randomVerificationCode, VERIFICATION_TTL_MS } from './flow-view.ts';
import { exchangeOAuth1Verifier } from './oauth1-client.ts';
import { describeOAuthError, oauth2ServerFor, redirectUriOf } from './oauth2-client.ts';
import { createOAuthRepo, type FlowRow, type OAuthConnectionRow } from './repo.ts';
import { bindFlowSecret } from './seal.ts';
import { decideSite, userSiteFailure } from './site-choice.ts';
import type { OAuthDeps } from './start.ts';

export interface CallbackResult {
  status: number;
  html: string;
  /** The flow the callback belonged to, so its browser-binding cookie can be cleared. */
  flowId?: string;
}

interface Tokens {
  accessToken: string;
  refreshToken: string | null;
  expiresAt: Date | null;
  scopes: string | null;
}

/**
 * `GET /oauth/callback`: checks `state` (or the OAuth 1.0a request token), exchanges the code at
 * once, and answers a page with a single-use verification code, never a token. When the browser
 * presents the flow's binding cookie (it started the flow), the flow completes here instead and
 * no code is shown. A denied or bad flow gets an error page naming the problem.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2
 */
export async function handleOAuthCallback(
  deps: OAuthDeps,
  query: URLSearchParams,
  browserBindingOf: (flowId: string) => string | undefined,
): Promise<CallbackResult> {
  const repo = createOAuthRepo(deps.store);
  const requestToken = query.get('oauth_token');
  const state = query.get('state');
  const flow = requestToken
    ? await repo.findFlowByRequestToken(deps.store.db, requestToken)
    : state
      ? await repo.findFlowByState(deps.store.db, hashSecret(state))
      : undefined;
  if (flow?.status !== 'pending' || flow.oob)
    return fail(400, 'The authorization flow is unknown or already used (oauth_state_invalid).');
  const connection = await repo.findConnection(deps.store.db, flow.connectionId);
  if (!connection) return fail(400, 'The connection was deleted (oauth_state_invalid).');
  const now = deps.clock.now();
  const markFailed = (failure: string) =>
    deps.store.transaction((tx) =>
      repo.updateFlow(tx, flow.id, { status: 'failed', failure, updatedAt: now }),
    );
  if (flow.expiresAt.getTime() <= now.getTime()) {
    await markFailed('The authorization flow expired');
    return fail(400, 'The authorization flow expired (oauth_state_expired).');
  }
  const denied =
    query.get('error') ?? (query.get('oauth_verifier') === 'denied' ? 'access_denied' : null);
  if (denied) {
    const description = query.get('error_description');
    const failure = `Jira answered ${denied}${description ? `: ${description}` : ''}`;
    await markFailed(failure);
    deps.logger.info({ flowId: flow.id, error: denied }, 'oauth consent refused');
    return fail(400, `The authorization was not granted. ${failure}.`);
  }
  let tokens: Tokens;
  try {
    tokens = requestToken
      ? await exchangeOAuth1(deps, connection, flow, query.get('oauth_verifier') ?? '')
      : await exchangeCode(deps, connection, flow, state ?? '', query);
  } catch (error) {
    const failure = `Jira refused the token exchange: ${describeOAuthError(error).text}`;
    await markFailed(failure);
    deps.logger.warn(
      { flowId: flow.id, err: describeOAuthError(error).text },
      'oauth exchange failed',
    );
    return fail(502, failure);
  }
  const sites =
    connection.authType === 'cloud_oauth2' ? await listSites(deps, connection, tokens) : [];
  // The connection's own site is taken without asking; otherwise the shared grant's flow waits
  // for the admin's choice, and a user's grant (only ever for the connection's site) fails.
  const decision = decideSite({ ...flow, sites: JSON.stringify(sites) }, connection, undefined);
  if (decision.kind === 'choice_required' && flow.subject !== '') {
    const failure = userSiteFailure(sites, connection);
    await markFailed(failure);
    return fail(400, failure);
  }
  const binding = browserBindingOf(flow.id);
  const browserVerified =
    binding !== undefined &&
    flow.browserBindingHash !== null &&
    timingSafeEqual(Buffer.from(hashSecret(binding)), Buffer.from(flow.browserBindingHash));
  const code = randomVerificationCode();
  const changes: Partial<FlowRow> = {
    status: decision.kind === 'choice_required' ? 'site_choice_required' : 'awaiting_verification',
    browserVerified,
    verificationHash: hashSecret(code),
    verificationExpiresAt: new Date(now.getTime() + VERIFICATION_TTL_MS),
    accessToken: deps.sealer.seal(
      new PlainSecret(tokens.accessToken),
      bindFlowSecret(flow.id, 'access_token'),
    ),
    refreshToken: tokens.refreshToken
      ? deps.sealer.seal(
          new PlainSecret(tokens.refreshToken),
          bindFlowSecret(flow.id, 'refresh_token'),
        )
      : null,
    tokenExpiresAt: tokens.expiresAt,
    scopes: tokens.scopes,
    sites: JSON.stringify(sites),
    updatedAt: now,
  };
  await deps.store.transaction((tx) => repo.updateFlow(tx, flow.id, changes));
  deps.logger.info(
    { flowId: flow.id, sites: sites.length, browserVerified },
    'oauth consent received',
  );
  if (browserVerified) {
    const done = await completeInBrowser(deps, connection, { ...flow, ...changes });
    if (done === 'completed') return { status: 200, html: connectedPage(), flowId: flow.id };
    if (done === 'site_choice_required')
      return { status: 200, html: chooseSitePage(sites, connection.jiraUrl), flowId: flow.id };
  }
  const choice = decision.kind === 'choice_required' ? sites : null;
  const html = verificationCodePage(code, VERIFICATION_TTL_MS / 60_000, choice, connection.jiraUrl);
  return { status: 200, html, flowId: flow.id };
}

const fail = (status: number, detail: string): CallbackResult => ({
  status,
  html: callbackErrorPage('Testbridge could not complete the authorization', detail),
});

async function exchangeCode(
  deps: OAuthDeps,
  connection: OAuthConnectionRow,
  flow: FlowRow,
  state: string,
  query: URLSearchParams,
): Promise<Tokens> {
  const server = oauth2ServerFor(deps, connection);
  // The URL as registered (PUBLIC_URL), not as this request arrived: openid-client derives the
  // token request's redirect_uri from it, and it must match exactly.
  const currentUrl = new URL(`${redirectUriOf(deps)}?${query.toString()}`);
  const verifier = flow.codeVerifier
    ? deps.sealer.open(flow.codeVerifier, bindFlowSecret(flow.id, 'code_verifier')).reveal()
    : undefined;
  const response = await client.authorizationCodeGrant(server.config, currentUrl, {
    expectedState: state,
    ...(verifier ? { pkceCodeVerifier: verifier } : {}),
  });
  return {
    accessToken: response.access_token,
    refreshToken: response.refresh_token ?? null,
    expiresAt: tokenExpiresAt(response, deps.clock.now()) ?? null,
    scopes: response.scope ?? server.scope,
  };
}

async function exchangeOAuth1(
  deps: OAuthDeps,
  connection: OAuthConnectionRow,
  flow: FlowRow,
  verifier: string,
): Promise<Tokens> {
  const access = await exchangeOAuth1Verifier(deps, connection, flow.requestToken ?? '', verifier);
  return {
    accessToken: access.token,
    refreshToken: null,
    expiresAt: access.expiresInSeconds
      ? new Date(deps.clock.now().getTime() + access.expiresInSeconds * 1000)
      : null,
    scopes: null,
  };
}

/** The Jira sites the grant reaches (entries of other products share ids, so keep Jira's). */
async function listSites(deps: OAuthDeps, connection: OAuthConnectionRow, tokens: Tokens) {
  const token = new PlainSecret(tokens.accessToken);
  const resources = await getAccessibleResources(deps, {
    baseUrl: deps.config.atlassian.apiUrl.replace(/\/+$/, ''),
    auth: bearerAuth(async () => token),
    dispatcher: dispatcherFor(deps, connection),
  });
  return resources
    .filter((site) => site.scopes.length === 0 || site.scopes.some((s) => s.includes('jira')))
    .map((site) => ({ cloudId: site.id, url: site.url.replace(/\/+$/, ''), name: site.name }));
}
