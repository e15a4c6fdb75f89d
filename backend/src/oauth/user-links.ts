import type { AuthorizationLink } from '@testbridge/shared/api/oauth';
import { findActiveCaller } from '../api-keys/service.ts';
import type { Caller } from '../http/env.ts';
import { hashSecret, randomState } from './flow-view.ts';
import { createOAuthRepo, type OAuthConnectionRow } from './repo.ts';
import {
  FLOW_RETENTION_MS,
  findOAuthConnection,
  type OAuthDeps,
  type StartedFlow,
  startAuthorization,
} from './start.ts';

/** How long a user's authorization link can be opened and used (once). */
export const USER_LINK_TTL_MS = 15 * 60_000;
/** The path of Testbridge's own authorize page; the token follows it. */
export const AUTHORIZE_PAGE_PATH = '/authorize';

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/**
 * Issues a single-use link to `/authorize/<token>` for a test-tool user's own grant: 32 random
 * bytes, stored only as SHA-256, expiring in USER_LINK_TTL_MS. The page starts the flow as
 * `caller` (the key that asked), so the grant is the user's on that key's terms, exactly as if
 * the tool had called the start endpoint. @throws AppError not_found (no such OAuth connection)
 */
export async function createAuthorizationLink(
  deps: OAuthDeps,
  connectionId: string,
  caller: Caller,
  user: string,
): Promise<AuthorizationLink> {
  await findOAuthConnection(deps, connectionId);
  const now = deps.clock.now();
  const token = randomState();
  const expiresAt = new Date(now.getTime() + USER_LINK_TTL_MS);
  const repo = createOAuthRepo(deps.store);
  const purged = await deps.store.transaction(async (tx) => {
    await repo.insertUserLink(tx, {
      tokenHash: hashSecret(token),
      connectionId,
      subject: user,
      keyId: caller.keyId,
      createdAt: now,
      expiresAt,
      usedAt: null,
    });
    return repo.purgeUserLinks(tx, new Date(now.getTime() - FLOW_RETENTION_MS));
  });
  deps.logger.info({ connectionId, subject: user, purged }, 'authorization link issued');
  return {
    url: `${deps.config.publicUrl.replace(/\/+$/, '')}${AUTHORIZE_PAGE_PATH}/${token}`,
    expiresAt: expiresAt.toISOString(),
    user,
  };
}

/** What a link is good for: a live one names its site and user; the others say why not. */
export type LinkView =
  | { kind: 'unknown' }
  | { kind: 'used' }
  | { kind: 'expired' }
  | { kind: 'key_revoked' }
  | {
      kind: 'valid';
      user: string;
      connection: Pick<OAuthConnectionRow, 'id' | 'name' | 'jiraUrl' | 'authType'>;
      expiresAt: Date;
      /** The origin of the consent page the flow will redirect to (the page's form-action). */
      consentOrigin: string;
    };

/** Looks a link up without using it. */
export async function describeAuthorizationLink(deps: OAuthDeps, token: string): Promise<LinkView> {
  if (!TOKEN_SHAPE.test(token)) return { kind: 'unknown' };
  const link = await createOAuthRepo(deps.store).findUserLink(deps.store.db, hashSecret(token));
  if (!link) return { kind: 'unknown' };
  if (link.usedAt) return { kind: 'used' };
  if (link.expiresAt.getTime() <= deps.clock.now().getTime()) return { kind: 'expired' };
  if (!(await findActiveCaller(deps, link.keyId))) return { kind: 'key_revoked' };
  const connection = await findOAuthConnection(deps, link.connectionId);
  const consentOrigin =
    connection.authType === 'cloud_oauth2'
      ? new URL(deps.config.atlassian.authUrl).origin
      : new URL(connection.jiraUrl).origin;
  return {
    kind: 'valid',
    user: link.subject,
    connection: {
      id: connection.id,
      name: connection.name,
      jiraUrl: connection.jiraUrl,
      authType: connection.authType,
    },
    expiresAt: link.expiresAt,
    consentOrigin,
  };
}

export type LinkUse =
  | { kind: 'started'; started: StartedFlow }
  | { kind: Exclude<LinkView['kind'], 'valid'> };

/**
 * Uses a link: claims it (once; concurrent uses race on one conditional update), then starts the
 * user's consent flow through the same `startAuthorization` as the API's start route, as the key
 * that issued the link. When the flow cannot start (Jira unreachable for OAuth 1.0a's request
 * token), the link is given back so the user can try again, and the error is rethrown.
 */
export async function useAuthorizationLink(deps: OAuthDeps, token: string): Promise<LinkUse> {
  const view = await describeAuthorizationLink(deps, token);
  if (view.kind !== 'valid') return view;
  const repo = createOAuthRepo(deps.store);
  const tokenHash = hashSecret(token);
  const link = await repo.findUserLink(deps.store.db, tokenHash);
  const now = deps.clock.now();
  // Writes go through a transaction: on SQLite, `store.db` is the read-only connection.
  const claimed =
    link !== undefined &&
    (await deps.store.transaction((tx) => repo.claimUserLink(tx, tokenHash, now)));
  if (!link || !claimed) {
    const again = await describeAuthorizationLink(deps, token);
    return { kind: again.kind === 'valid' ? 'used' : again.kind };
  }
  const caller = await findActiveCaller(deps, link.keyId);
  if (!caller) return { kind: 'key_revoked' };
  try {
    const started = await startAuthorization(deps, link.connectionId, caller, link.subject, {
      callback: 'redirect',
    });
    return { kind: 'started', started };
  } catch (error) {
    await deps.store.transaction((tx) => repo.releaseUserLink(tx, tokenHash, now));
    throw error;
  }
}
