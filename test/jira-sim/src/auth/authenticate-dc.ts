/**
 * Authentication for Data Center REST (`/dc/jira/rest/...`): Basic username + password, Bearer
 * PAT or OAuth 2.0 access token, OAuth 1.0a RSA-SHA1 signed requests; no header → anonymous.
 * @see https://developer.atlassian.com/server/jira/platform/personal-access-token
 */
import type { Context, MiddlewareHandler } from 'hono';
import {
  isOAuth1Problem,
  readSignedRequest,
  renderOAuth1Problem,
  verifyOAuth1Request,
} from '../dc/oauth1/verify-request.ts';
import type { SimDeps } from '../deps.ts';
import { findUserByUsername } from '../world/read.ts';
import type { User } from '../world/types.ts';
import { parseAuthorization } from './authorization-header.ts';
import { DC_SCOPES } from './credentials.ts';
import { failWith, jiraError } from './jira-errors.ts';
import type { DcEnv, DcPrincipal } from './principal.ts';
import { findLiveAccessToken } from './token-store.ts';

/** Seraph's 401 for failed credentials (body text UNCONFIRMED; header as Jira sends it). */
function rejectDc(): never {
  failWith(
    jiraError(
      401,
      ['You are not authenticated. Authentication required to perform this operation.'],
      {},
      {
        'X-Seraph-LoginReason': 'AUTHENTICATED_FAILED',
        'WWW-Authenticate': 'Basic realm="protected-area"',
      },
    ),
  );
}

function activeUser(deps: SimDeps, userId: string | null | undefined): User | undefined {
  const user = userId ? deps.world.dc.users.get(userId) : undefined;
  return user?.active ? user : undefined;
}

function authenticateBearer(deps: SimDeps, token: string): DcPrincipal | null {
  const instance = deps.world.dc;
  const now = deps.clock.now();
  const pat = deps.credentials.pats.get(token);
  if (pat && !pat.revoked && (pat.expiresAt === null || pat.expiresAt > now)) {
    const user = activeUser(deps, pat.userId);
    return user ? { kind: 'dc-pat', instance, user } : null;
  }
  const access = findLiveAccessToken(deps.tokens, token, now, ['dc-oauth2']);
  const user = activeUser(deps, access?.userId);
  if (!access || !user) return null;
  const scope = DC_SCOPES.filter((level) => access.scopes.includes(level)).at(-1);
  return scope
    ? { kind: 'dc-oauth2', instance, user, clientId: access.clientId, scope, token: access }
    : null;
}

async function authenticateOAuth1(deps: SimDeps, c: Context<DcEnv>): Promise<DcPrincipal> {
  const result = verifyOAuth1Request(deps, await readSignedRequest(c));
  const realm = deps.world.dc.baseUrl;
  if (isOAuth1Problem(result)) failWith(renderOAuth1Problem(realm, result));
  const record = deps.oauth1.accessTokens.get(result.params.get('oauth_token') ?? '');
  if (!record || record.revoked || record.consumerKey !== result.consumer.consumerKey) {
    failWith(renderOAuth1Problem(realm, { problem: 'token_rejected', extra: [] }));
  }
  if (record.expiresAt <= deps.clock.now())
    failWith(renderOAuth1Problem(realm, { problem: 'token_expired', extra: [] }));
  const user = activeUser(deps, record.userId);
  if (!user) failWith(renderOAuth1Problem(realm, { problem: 'permission_denied', extra: [] }));
  return { kind: 'dc-oauth1', instance: deps.world.dc, user, consumerKey: record.consumerKey };
}

/** Puts a {@link DcPrincipal} on the context; bad credentials are rejected even on anonymous-capable routes, as Jira does. */
export function authenticateDc(deps: SimDeps): MiddlewareHandler<DcEnv> {
  return async (c, next) => {
    const instance = deps.world.dc;
    c.set('instance', instance);
    const header = parseAuthorization(c.req.header('authorization'));
    if (header === null) {
      c.set('principal', { kind: 'anonymous', instance });
      return next();
    }
    if (header.scheme === 'oauth') {
      c.set('principal', await authenticateOAuth1(deps, c));
      return next();
    }
    if (header.scheme === 'bearer') {
      const principal = authenticateBearer(deps, header.token);
      if (!principal) rejectDc();
      c.set('principal', principal);
      return next();
    }
    if (header.scheme !== 'basic') rejectDc();
    const user = findUserByUsername(instance, header.username);
    const password = user ? deps.credentials.dcPasswords.get(user.id) : undefined;
    if (!user?.active || password === undefined || password !== header.password) rejectDc();
    c.set('principal', { kind: 'dc-basic', instance, user });
    await next();
  };
}
