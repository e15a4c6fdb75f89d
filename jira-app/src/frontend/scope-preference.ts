/**
 * Each user's panel scope, remembered per Jira project in a Jira user property (Forge offers no
 * per-user storage of its own; user properties are read with read:jira-user, written with
 * write:jira-work, as the user). A missing or unreadable property means "latest".
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-user-properties/
 */
import { requestJira } from '@forge/bridge';
import type { CoverageScope } from '@testbridge/shared/api/coverage';
import {
  SCOPE_PREFERENCE_KEY,
  type ScopePreference,
  ScopePreference as ScopePreferenceSchema,
} from '@testbridge/shared/forge/remote';

export const LATEST: CoverageScope = { kind: 'latest' };

const pathOf = (accountId: string) =>
  `/rest/api/3/user/properties/${SCOPE_PREFERENCE_KEY}?accountId=${encodeURIComponent(accountId)}`;

async function readAll(accountId: string): Promise<ScopePreference> {
  const res = await requestJira(pathOf(accountId), { headers: { accept: 'application/json' } });
  if (res.status !== 200) return {};
  const parsed = ScopePreferenceSchema.safeParse(((await res.json()) as { value?: unknown }).value);
  return parsed.success ? parsed.data : {};
}

/** The scope this user last chose in this project; "latest" when none (or Jira says no). */
export async function readScopePreference(
  accountId: string,
  projectKey: string,
): Promise<CoverageScope> {
  try {
    return (await readAll(accountId))[projectKey] ?? LATEST;
  } catch {
    return LATEST;
  }
}

/** Remembers the choice; a failure only means it is not remembered (the panel still shows it). */
export async function saveScopePreference(
  accountId: string,
  projectKey: string,
  scope: CoverageScope,
): Promise<boolean> {
  try {
    const all = { ...(await readAll(accountId)), [projectKey]: scope };
    const res = await requestJira(pathOf(accountId), {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(all),
    });
    return res.ok;
  } catch {
    return false;
  }
}
