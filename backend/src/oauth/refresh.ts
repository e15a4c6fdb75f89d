import * as client from 'openid-client';
import { recordConnectionEvent } from '../connections/service.ts';
import { PlainSecret } from '../crypto/secret.ts';
import type { Store } from '../db/store.ts';
import { AppError } from '../http/errors.ts';
import { tokenExpiresAt } from '../jira/token-expiry.ts';
import { startAuthorizationOf } from './flow-view.ts';
import { describeOAuthError, oauth2ServerFor } from './oauth2-client.ts';
import { createOAuthRepo, type OAuthConnectionRow, type OAuthGrantRow } from './repo.ts';
import { bindGrantSecret } from './seal.ts';
import type { OAuthDeps } from './start.ts';

/** Refresh this long before the access token expires, so a call never starts with a dying token. */
export const REFRESH_MARGIN_MS = 2 * 60_000;

const SYSTEM_ACTOR = 'testbridge (token refresh)';

// One in-flight refresh per grant and store (a store stands for one process's replica).
const inFlightByStore = new WeakMap<Store, Map<string, Promise<OAuthGrantRow>>>();

export const isExpiring = (grant: Pick<OAuthGrantRow, 'expiresAt'>, now: Date) =>
  grant.expiresAt !== null && grant.expiresAt.getTime() - now.getTime() <= REFRESH_MARGIN_MS;

/**
 * Refreshes an OAuth 2.0 grant once, however many callers ask at the same time: single-flight in
 * the process, and across replicas a row lock (`FOR UPDATE` on PostgreSQL, the single writer on
 * SQLite) with a re-read, so a token another replica just refreshed is used as it is. The rotated
 * refresh token is committed before the new access token is handed out. `invalid_grant` turns
 * the connection to needs_reauthorization with Jira's own text.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-6
 * @see https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/#use-a-refresh-token-to-get-another-access-token-and-refresh-token-pair
 * @throws AppError needs_reauthorization | user_authorization_required | jira_unreachable
 */
export function refreshGrant(
  deps: OAuthDeps,
  connection: OAuthConnectionRow,
  grant: OAuthGrantRow,
): Promise<OAuthGrantRow> {
  let inFlight = inFlightByStore.get(deps.store);
  if (!inFlight) {
    inFlight = new Map();
    inFlightByStore.set(deps.store, inFlight);
  }
  const running = inFlight.get(grant.id);
  if (running) return running;
  const map = inFlight;
  const work = refreshLocked(deps, connection, grant).finally(() => map.delete(grant.id));
  map.set(grant.id, work);
  return work;
}

type Outcome =
  | { kind: 'ok'; grant: OAuthGrantRow }
  | { kind: 'revoked'; text: string }
  | { kind: 'failed'; text: string; cause: unknown };

type Tx = Parameters<Parameters<OAuthDeps['store']['transaction']>[0]>[0];
/** Runs the writes of a refresh: inside the locking transaction, or in one of their own. */
type Commit = <T>(write: (tx: Tx) => Promise<T>) => Promise<T>;

async function refreshLocked(
  deps: OAuthDeps,
  connection: OAuthConnectionRow,
  grant: OAuthGrantRow,
): Promise<OAuthGrantRow> {
  const repo = createOAuthRepo(deps.store);
  // PostgreSQL: replicas share the grant, so hold its row lock across the token request. SQLite
  // has one writer per process and the single flight above already serialises refreshes: no
  // write transaction is held across the HTTP call (other writers would wait on it); the write
  // re-reads the row instead.
  const outcome =
    deps.store.dialect === 'postgres'
      ? await deps.store.transaction(async (tx) => {
          await repo.lockGrant(tx, grant.id);
          const row = await repo.findGrantById(tx, grant.id);
          return refreshRow(deps, connection, grant.accessToken, row, (write) => write(tx));
        })
      : await refreshRow(
          deps,
          connection,
          grant.accessToken,
          await repo.findGrantById(deps.store.db, grant.id),
          (write) => deps.store.transaction(write),
        );
  if (outcome.kind === 'ok') return outcome.grant;
  if (outcome.kind === 'failed') {
    deps.logger.warn({ connectionId: connection.id, error: outcome.text }, 'token refresh failed');
    throw new AppError('jira_unreachable', `Refreshing the Jira token failed: ${outcome.text}`, {
      cause: outcome.cause,
    });
  }
  deps.logger.warn({ connectionId: connection.id, error: outcome.text }, 'grant revoked by Jira');
  throw revokedError(deps, connection, grant.subject, outcome.text);
}

async function refreshRow(
  deps: OAuthDeps,
  connection: OAuthConnectionRow,
  seen: OAuthGrantRow['accessToken'],
  row: OAuthGrantRow | undefined,
  commit: Commit,
): Promise<Outcome> {
  if (!row) return { kind: 'revoked', text: 'The grant was removed' };
  const now = deps.clock.now();
  // Someone refreshed (or re-authorized) since the caller read the grant: use theirs.
  if (row.accessToken !== seen && !isExpiring(row, now)) return { kind: 'ok', grant: row };
  const refreshToken = row.refreshToken
    ? deps.sealer.open(row.refreshToken, bindGrantSecret(row.id, 'refresh_token'))
    : null;
  if (!refreshToken) return { kind: 'revoked', text: 'The grant has no refresh token' };
  const server = oauth2ServerFor(deps, connection);
  let response: Awaited<ReturnType<typeof client.refreshTokenGrant>>;
  try {
    response = await client.refreshTokenGrant(
      server.config,
      refreshToken.reveal(),
      server.refreshParams,
    );
  } catch (error) {
    const described = describeOAuthError(error);
    return commit(async (tx): Promise<Outcome> => {
      await recordConnectionEvent(deps, tx, connection.id, 'refresh_failed', SYSTEM_ACTOR, {
        subject: row.subject || null,
        error: described.text,
      });
      if (!described.invalidGrant) return { kind: 'failed', text: described.text, cause: error };
      // A re-authorization that landed during the request replaced the dead grant: keep it.
      const current = await createOAuthRepo(deps.store).findGrantById(tx, row.id);
      if (current && current.refreshToken !== row.refreshToken)
        return { kind: 'ok', grant: current };
      await markRevoked(deps, connection, row, described.text, tx);
      return { kind: 'revoked', text: described.text };
    });
  }
  const changes = {
    accessToken: deps.sealer.seal(
      new PlainSecret(response.access_token),
      bindGrantSecret(row.id, 'access_token'),
    ),
    // Keep the old refresh token when an answer omits it (seen in the wild, jira-protocols §1.3).
    refreshToken: response.refresh_token
      ? deps.sealer.seal(
          new PlainSecret(response.refresh_token),
          bindGrantSecret(row.id, 'refresh_token'),
        )
      : row.refreshToken,
    expiresAt: tokenExpiresAt(response, now) ?? null,
    scopes: response.scope ?? row.scopes,
    updatedAt: now,
  };
  return commit(async (tx): Promise<Outcome> => {
    const repo = createOAuthRepo(deps.store);
    // Compare-and-set: a grant replaced during the request (re-authorized or removed) wins.
    const current = await repo.findGrantById(tx, row.id);
    if (!current) return { kind: 'revoked', text: 'The grant was removed' };
    if (current.refreshToken !== row.refreshToken) return { kind: 'ok', grant: current };
    await repo.updateGrant(tx, row.id, changes);
    await recordConnectionEvent(deps, tx, connection.id, 'refreshed', SYSTEM_ACTOR, {
      subject: row.subject || null,
      expiresAt: changes.expiresAt?.toISOString() ?? null,
    });
    return { kind: 'ok', grant: { ...row, ...changes } };
  });
}

/** What a caller gets when Jira no longer honours a grant: re-consent, shared or the user's own. */
export function revokedError(
  deps: Pick<OAuthDeps, 'config'>,
  connection: OAuthConnectionRow,
  subject: string,
  text: string,
): AppError {
  if (subject !== '')
    return new AppError(
      'user_authorization_required',
      `Jira no longer honours ${subject}'s authorization (${text}); authorize again`,
      {
        extensions: {
          connectionId: connection.id,
          user: subject,
          ...startAuthorizationOf(deps, connection.id),
        },
      },
    );
  return new AppError(
    'needs_reauthorization',
    `The Jira authorization can no longer be used (${text}); authorize again`,
    { extensions: { connectionId: connection.id } },
  );
}

/** markRevoked in a transaction of its own (for grants that are found dead outside a refresh). */
export function markGrantRevoked(
  deps: OAuthDeps,
  connection: OAuthConnectionRow,
  grant: OAuthGrantRow,
  text: string,
): Promise<void> {
  return deps.store.transaction((tx) => markRevoked(deps, connection, grant, text, tx));
}

/** The shared grant moves the connection to needs_reauthorization; a user's grant is dropped. */
async function markRevoked(
  deps: OAuthDeps,
  connection: OAuthConnectionRow,
  grant: OAuthGrantRow,
  text: string,
  tx: Tx,
): Promise<void> {
  const repo = createOAuthRepo(deps.store);
  if (grant.subject !== '') {
    await repo.deleteGrant(tx, connection.id, grant.subject);
    return;
  }
  await repo.updateConnection(tx, connection.id, {
    status: 'needs_reauthorization',
    statusReason: `Jira no longer honours the authorization: ${text}`,
    updatedAt: deps.clock.now(),
  });
  await recordConnectionEvent(deps, tx, connection.id, 'needs_reauthorization', SYSTEM_ACTOR, {
    error: text,
  });
}
