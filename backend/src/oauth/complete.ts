import { randomUUID } from 'node:crypto';
import type { AuthorizationFlow } from '@testbridge/shared/api/oauth';
import { createApiKeyRepo } from '../api-keys/repo.ts';
import { runDiagnostics } from '../connections/run-diagnostics.ts';
import { actorOf, recordConnectionEvent } from '../connections/service.ts';
import { PlainSecret } from '../crypto/secret.ts';
import type { Caller } from '../http/env.ts';
import { AppError } from '../http/errors.ts';
import { hashSecret, missingScopesOf, starterOf, toAuthorizationFlow } from './flow-view.ts';
import { jiraAccountOf } from './grant-account.ts';
import { exchangeOAuth1Verifier, OAuth1Refusal } from './oauth1-client.ts';
import {
  createOAuthRepo,
  type FlowRow,
  type OAuthConnectionRow,
  type OAuthGrantRow,
} from './repo.ts';
import { bindFlowSecret, bindGrantSecret } from './seal.ts';
import { decideSite, type SiteDecision } from './site-choice.ts';
import { moveToSite } from './site-move.ts';
import { findOAuthConnection, type OAuthDeps } from './start.ts';

const invalidCode = (message: string) =>
  new AppError('verification_code_invalid', message, {
    invalidFields: [{ field: 'body.code', message }],
  });

/** A flow of this connection; never another's. @throws AppError not_found */
export async function getAuthorizationFlow(
  deps: OAuthDeps,
  connectionId: string,
  flowId: string,
): Promise<AuthorizationFlow> {
  const connection = await findOAuthConnection(deps, connectionId);
  const flow = await createOAuthRepo(deps.store).findFlow(deps.store.db, flowId);
  if (!flow || flow.connectionId !== connectionId)
    throw new AppError('not_found', `No authorization ${flowId} on connection ${connectionId}`);
  return toAuthorizationFlow(flow, connection.authType);
}

/**
 * Completes a flow with the verification code from the callback page (or the OAuth 1.0a `oob`
 * verifier): single-use, only by the caller who started it, within minutes. A `browserVerified`
 * flow needs no code (its consent came back in the starter's browser), only the site choice.
 * The grant is stored sealed and the connection becomes active with the same id.
 * @throws AppError verification_code_invalid | oauth_state_invalid | validation_failed
 */
export async function completeAuthorization(
  deps: OAuthDeps,
  connectionId: string,
  flowId: string,
  caller: Caller,
  subject: string,
  input: { code?: string | undefined; cloudId?: string | undefined },
): Promise<AuthorizationFlow> {
  const repo = createOAuthRepo(deps.store);
  const connection = await findOAuthConnection(deps, connectionId);
  let flow = await repo.findFlow(deps.store.db, flowId);
  if (!flow || flow.connectionId !== connectionId)
    throw new AppError('not_found', `No authorization ${flowId} on connection ${connectionId}`);
  if (flow.startedBy !== starterOf(caller, subject))
    throw invalidCode('This code belongs to an authorization someone else started');
  if (flow.status === 'completed') throw invalidCode('This code was used already');
  if (flow.status === 'failed')
    throw new AppError('oauth_state_invalid', flow.failure ?? 'The authorization failed');
  const now = deps.clock.now();
  if (flow.status === 'pending') {
    if (!flow.oob) throw invalidCode('Jira has not sent the authorization back yet');
    if (!input.code) throw invalidCode('Paste the verifier Jira showed');
    flow = await exchangeOobVerifier(deps, connection, flow, input.code);
  } else if (!flow.browserVerified) {
    if (!flow.verificationHash || !flow.verificationExpiresAt) throw invalidCode('No code issued');
    if (flow.verificationExpiresAt.getTime() <= now.getTime())
      throw invalidCode('The verification code expired; start the authorization again');
    if (!input.code) throw invalidCode('Paste the verification code Testbridge showed');
    if (hashSecret(input.code.trim().toUpperCase()) !== flow.verificationHash)
      throw await refuseWrongCode(deps, flow.id);
  } else if (flow.expiresAt.getTime() <= now.getTime()) {
    throw new AppError('oauth_state_expired', 'The authorization flow expired; start again');
  }
  const site = decideSite(flow, connection, input.cloudId);
  // Not an error: the consent is good, the admin still has to say which site (202, the flow).
  if (site.kind === 'choice_required') return toAuthorizationFlow(flow, connection.authType);
  return finishFlow(deps, connection, flow, caller, site);
}

export type BrowserCompletion = 'completed' | 'site_choice_required' | 'starter_gone';

/**
 * The callback's completion of a flow whose consent came back in the starter's browser: as if
 * the starter had pasted the code, acting as their API key (gone if it was revoked since). A
 * site that still has to be chosen leaves the flow to the wizard.
 */
export async function completeInBrowser(
  deps: OAuthDeps,
  connection: OAuthConnectionRow,
  flow: FlowRow,
): Promise<BrowserCompletion> {
  const keyId = flow.startedBy.slice(0, flow.startedBy.indexOf('|'));
  const key = await createApiKeyRepo(deps.store.tables).findById(deps.store.db, keyId);
  if (!key || key.revokedAt) return 'starter_gone';
  const site = decideSite(flow, connection, undefined);
  if (site.kind === 'choice_required') return 'site_choice_required';
  await finishFlow(deps, connection, flow, { keyId, name: key.name, role: key.role }, site);
  return 'completed';
}

/**
 * Stores the flow's tokens as the grant (sealed again, bound to the grant row) and activates
 * the connection ('authorized' or 're_authorized'), then runs the diagnostics for a shared grant.
 * A shared grant for another site moves the connection there ('site_changed').
 */
async function finishFlow(
  deps: OAuthDeps,
  connection: OAuthConnectionRow,
  current: FlowRow,
  caller: Caller,
  site: Exclude<SiteDecision, { kind: 'choice_required' }>,
): Promise<AuthorizationFlow> {
  const cloudId = site.kind === 'none' ? null : site.site.cloudId;
  const repo = createOAuthRepo(deps.store);
  const { connectionId, subject } = current;
  const now = deps.clock.now();
  // A user's grant records the Jira account it acts as (the shared one is in the diagnostics).
  const account =
    subject !== '' && current.accessToken
      ? await jiraAccountOf(
          deps,
          connection,
          cloudId,
          deps.sealer.open(current.accessToken, bindFlowSecret(current.id, 'access_token')),
        )
      : null;
  const result = await deps.store.transaction(async (tx) => {
    const claimed = await repo.claimFlow(tx, current.id, {
      verificationHash: null,
      accessToken: null,
      refreshToken: null,
      codeVerifier: null,
      updatedAt: now,
    });
    if (!claimed) throw invalidCode('This code was used already');
    const existing = await repo.findGrant(tx, connectionId, subject);
    const grantId = existing?.id ?? randomUUID();
    const open = (sealed: FlowRow['accessToken'], column: string) =>
      sealed ? deps.sealer.open(sealed, bindFlowSecret(current.id, column)) : null;
    const access = open(current.accessToken, 'access_token');
    const refresh = open(current.refreshToken, 'refresh_token');
    if (!access) throw new AppError('internal_error', `Flow ${current.id} holds no token`);
    const grant: OAuthGrantRow = {
      id: grantId,
      connectionId,
      subject,
      accessToken: deps.sealer.seal(access, bindGrantSecret(grantId, 'access_token')),
      tokenSecret: null,
      refreshToken: refresh
        ? deps.sealer.seal(refresh, bindGrantSecret(grantId, 'refresh_token'))
        : null,
      expiresAt: current.tokenExpiresAt,
      scopes: current.scopes,
      accountId: account?.accountId ?? null,
      accountDisplayName: account?.displayName ?? null,
      lastUsedAt: existing?.lastUsedAt ?? null,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    await repo.upsertGrant(tx, grant);
    const reauthorized = subject === '' && connection.status !== 'pending_authorization';
    if (subject === '') {
      await repo.updateConnection(tx, connectionId, {
        status: 'active',
        statusReason: null,
        ...(cloudId ? { cloudId } : {}),
        updatedAt: now,
      });
      if (site.kind === 'other') await moveToSite(deps, tx, connection, site.site, caller);
    }
    const missing = missingScopesOf(current.scopes, connection.authType);
    await recordConnectionEvent(
      deps,
      tx,
      connectionId,
      reauthorized ? 're_authorized' : 'authorized',
      actorOf(caller),
      {
        subject: subject || null,
        scopes: current.scopes,
        missingScopes: missing.length ? missing.join(' ') : null,
        cloudId: cloudId ?? null,
        ...(current.browserVerified ? { verifiedBy: 'browser' } : {}),
      },
    );
    return { ...current, status: 'completed' as const };
  });
  deps.logger.info({ connectionId, flowId: current.id, subject }, 'oauth authorization completed');
  // Diagnostics run after connecting (their failures are reported in them, never thrown).
  if (subject === '') await runDiagnostics(deps, connectionId, caller);
  return toAuthorizationFlow(result, connection.authType);
}

/** After this many wrong codes the flow fails, so a code cannot be guessed. */
export const MAX_WRONG_CODES = 5;

async function refuseWrongCode(deps: OAuthDeps, flowId: string): Promise<AppError> {
  const repo = createOAuthRepo(deps.store);
  const now = deps.clock.now();
  const wrong = await deps.store.transaction(async (tx) => {
    const count = await repo.countWrongCode(tx, flowId, now);
    if (count >= MAX_WRONG_CODES) {
      await repo.updateFlow(tx, flowId, {
        status: 'failed',
        failure: 'Too many wrong verification codes; start the authorization again',
        accessToken: null,
        refreshToken: null,
        verificationHash: null,
        updatedAt: now,
      });
    }
    return count;
  });
  return wrong >= MAX_WRONG_CODES
    ? new AppError('oauth_state_invalid', 'Too many wrong verification codes; start again')
    : invalidCode('The verification code is not the one Testbridge showed');
}

async function exchangeOobVerifier(
  deps: OAuthDeps,
  connection: Parameters<typeof exchangeOAuth1Verifier>[1],
  flow: FlowRow,
  verifier: string,
): Promise<FlowRow> {
  if (flow.expiresAt.getTime() <= deps.clock.now().getTime())
    throw new AppError('oauth_state_expired', 'The authorization flow expired; start again');
  const access = await exchangeOAuth1Verifier(
    deps,
    connection,
    flow.requestToken ?? '',
    verifier.trim(),
  ).catch((error: unknown) => {
    if (error instanceof OAuth1Refusal)
      throw invalidCode(`Jira refused this verifier (${error.problem})`);
    throw error;
  });
  return {
    ...flow,
    accessToken: deps.sealer.seal(
      new PlainSecret(access.token),
      bindFlowSecret(flow.id, 'access_token'),
    ),
    tokenExpiresAt: access.expiresInSeconds
      ? new Date(deps.clock.now().getTime() + access.expiresInSeconds * 1000)
      : null,
  };
}
