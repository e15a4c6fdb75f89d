import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { createKeyAuthenticator, findActiveCaller } from '../api-keys/service.ts';
import type { Deps } from '../deps.ts';
import type { Caller } from '../http/env.ts';
import { createAdminSessionRepo } from './session-repo.ts';

type SessionDeps = Pick<Deps, 'store' | 'clock' | 'logger'>;

/** How long a sign-in lasts (absolute, on the injected clock); then the admin signs in again. */
export const SESSION_TTL_MS = 8 * 60 * 60_000;

const sessionIdOf = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

/** A signed-in admin: who, until when, and the CSRF token every form of the session carries. */
export interface AdminSession {
  id: string;
  caller: Caller;
  expiresAt: Date;
  csrfToken: string;
}

/**
 * The CSRF token of a session: derived from its secret cookie token (which page script never
 * sees), so it needs no storage and a page of another session cannot forge it.
 */
export function csrfTokenOf(token: string): string {
  return createHmac('sha256', token).update('testbridge-admin-csrf').digest('base64url');
}

/** Whether two tokens are equal, in time independent of where they differ. */
export function isSameToken(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Signs in with an admin API key: a new session whose random token goes into the cookie and
 * whose hash is stored. Undefined when the key is unknown, revoked or not an admin key.
 */
export async function signIn(
  deps: SessionDeps,
  apiKey: string,
): Promise<{ token: string; session: AdminSession } | undefined> {
  const caller = await createKeyAuthenticator(deps)(apiKey.trim());
  if (caller?.role !== 'admin') return undefined;
  const repo = createAdminSessionRepo(deps.store.tables);
  const token = randomBytes(32).toString('base64url');
  const now = deps.clock.now();
  const row = {
    id: sessionIdOf(token),
    keyId: caller.keyId,
    createdAt: now,
    expiresAt: new Date(now.getTime() + SESSION_TTL_MS),
  };
  await deps.store.transaction(async (tx) => {
    await repo.deleteExpired(tx, now);
    await repo.insert(tx, row);
  });
  deps.logger.info({ keyId: caller.keyId }, 'admin signed in');
  return {
    token,
    session: { id: row.id, caller, expiresAt: row.expiresAt, csrfToken: csrfTokenOf(token) },
  };
}

/** The live session of a cookie token; undefined when unknown, expired or its key was revoked. */
export async function findSession(
  deps: SessionDeps,
  token: string,
): Promise<AdminSession | undefined> {
  const repo = createAdminSessionRepo(deps.store.tables);
  const row = await repo.findLive(deps.store.db, sessionIdOf(token), deps.clock.now());
  if (!row) return undefined;
  const caller = await findActiveCaller(deps, row.keyId);
  if (caller?.role !== 'admin') return undefined;
  return { id: row.id, caller, expiresAt: row.expiresAt, csrfToken: csrfTokenOf(token) };
}

/** Ends a session (sign out); a no-op when it is already gone. */
export async function signOut(deps: SessionDeps, session: AdminSession): Promise<void> {
  const repo = createAdminSessionRepo(deps.store.tables);
  await deps.store.transaction((tx) => repo.delete(tx, session.id));
  deps.logger.info({ keyId: session.caller.keyId }, 'admin signed out');
}
