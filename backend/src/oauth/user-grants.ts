import type { UserGrant } from '@testbridge/shared/api/oauth';
import { createOAuthRepo, type OAuthGrantRow } from './repo.ts';
import { findOAuthConnection, type OAuthDeps } from './start.ts';

/** `lastUsedAt` is written at most this often per grant, so calls do not each cost a write. */
export const LAST_USED_RESOLUTION_MS = 60_000;

/** The test-tool users' own grants on an OAuth connection: who, as which Jira account, when. */
export async function listUserGrants(deps: OAuthDeps, connectionId: string): Promise<UserGrant[]> {
  await findOAuthConnection(deps, connectionId);
  const rows = await createOAuthRepo(deps.store).listUserGrants(deps.store.db, connectionId);
  return rows.map((row) => ({
    user: row.subject,
    jiraAccount: row.accountId
      ? { accountId: row.accountId, displayName: row.accountDisplayName }
      : null,
    scopes: row.scopes ? row.scopes.split(' ').filter(Boolean) : [],
    grantedAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  }));
}

/** Notes that a call is about to use a user's grant (to the minute). */
export async function noteGrantUse(deps: OAuthDeps, grant: OAuthGrantRow): Promise<void> {
  const now = deps.clock.now();
  if (grant.lastUsedAt && now.getTime() - grant.lastUsedAt.getTime() < LAST_USED_RESOLUTION_MS)
    return;
  await deps.store.transaction((tx) =>
    createOAuthRepo(deps.store).updateGrant(tx, grant.id, { lastUsedAt: now }),
  );
}
