/**
 * The OAuth tokens Forge forwards to a remote with each invocation: `x-forge-oauth-user` (the
 * user in session, with the app's scopes) and `x-forge-oauth-system` (the app's bot account).
 * Both are good only against the installation's `app.apiBaseUrl` (`/api/ex/jira/{cloudId}`),
 * for their one site, until they expire; the site URL refuses them as it refuses every bearer.
 * Real tokens are JWTs the remote must treat as opaque; these are opaque strings.
 * @see https://developer.atlassian.com/platform/forge/forge-remote-invocation-contract/
 * @see https://developer.atlassian.com/platform/forge/remote/calling-product-apis/
 */
import type { AccessToken } from '../auth/token-store.ts';
import type { SimDeps } from '../deps.ts';
import { createStandardPermissions } from '../world/permissions.ts';
import type { CloudSite, User } from '../world/types.ts';

/** The scopes of the Testbridge manifest (`permissions.scopes`, token scopes aside). */
export const FORGE_APP_SCOPES = ['read:jira-work', 'read:jira-user', 'write:jira-work'];

export interface ForgeTokensInput {
  site: CloudSite;
  /** The viewing user's accountId: a user token is minted only when one is in session. */
  accountId?: string;
  scopes?: string[];
  /** Lifetime of both tokens (default `settings.forgeOAuthTokenTtlSeconds`). */
  ttlSeconds?: number;
}

export interface ForgeTokens {
  /** `x-forge-oauth-user`; absent without a user in session. */
  userToken?: string;
  /** `x-forge-oauth-system`. */
  systemToken: string;
  /** The app's bot account on the site: the user a system token acts as. */
  appAccountId: string;
}

/** The app's bot account on a site (Forge creates one per installation); made on first use. */
export function forgeAppUserOf(site: CloudSite): User {
  const id = `557058:forge-app-${site.id}`;
  let user = site.users.get(id);
  if (!user) {
    user = {
      id,
      username: `forge-app-${site.id}`,
      emailAddress: `forge-app-${site.id}@connect.atlassian.com`,
      displayName: 'Testbridge',
      active: true,
      accountType: 'app',
      timeZone: 'UTC',
      locale: 'en_US',
      groups: ['atlassian-addons-admin'],
    };
    site.users.set(id, user);
    // Apps get the "atlassian-addons-project-access" role in every project.
    site.permissions.set(id, createStandardPermissions());
  }
  return user;
}

function mint(
  deps: SimDeps,
  kind: 'forge-user' | 'forge-system',
  site: CloudSite,
  userId: string,
  scopes: string[],
  ttlSeconds: number,
): string {
  const now = deps.clock.now();
  const record: AccessToken = {
    token: deps.tokens.newSecret(kind === 'forge-user' ? 'forge_user' : 'forge_system'),
    kind,
    clientId: deps.forge.appId,
    userId,
    grantId: null,
    familyId: null,
    scopes,
    cloudId: site.cloudId,
    issuedAt: now,
    expiresAt: now + ttlSeconds * 1000,
    revoked: false,
  };
  deps.tokens.accessTokens.set(record.token, record);
  return record.token;
}

/**
 * Mints what Forge would forward with one invocation on `site`. A user token acts as exactly
 * that user (who must be a member of the site); after `ttlSeconds` both answer 401.
 */
export function issueForgeTokens(deps: SimDeps, input: ForgeTokensInput): ForgeTokens {
  const scopes = input.scopes ?? FORGE_APP_SCOPES;
  const ttl = input.ttlSeconds ?? deps.settings.forgeOAuthTokenTtlSeconds;
  const app = forgeAppUserOf(input.site);
  const tokens: ForgeTokens = {
    systemToken: mint(deps, 'forge-system', input.site, app.id, scopes, ttl),
    appAccountId: app.id,
  };
  if (input.accountId !== undefined) {
    if (!input.site.users.has(input.accountId))
      throw new RangeError(`${input.accountId} is not a user of ${input.site.id}`);
    tokens.userToken = mint(deps, 'forge-user', input.site, input.accountId, scopes, ttl);
  }
  return tokens;
}
