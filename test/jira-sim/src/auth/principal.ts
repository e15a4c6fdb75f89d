/**
 * Who is calling: the typed principal the auth middlewares put on the Hono context.
 * Read it in a route with `c.var.principal` (and the addressed instance with `c.var.instance`).
 */
import type { CloudSite, DataCenterInstance, User } from '../world/types.ts';
import type { DcScope } from './credentials.ts';
import type { AccessToken } from './token-store.ts';

export type CloudPrincipal =
  | { kind: 'anonymous'; instance: CloudSite }
  /** OAuth 2.0 (3LO) bearer token through the API gateway, with its granted scopes. */
  | {
      kind: 'cloud-3lo';
      instance: CloudSite;
      user: User;
      clientId: string;
      scopes: ReadonlySet<string>;
      token: AccessToken;
    }
  /** OAuth credentials (2LO): no user; good only for the site's Builds/Deployments APIs. */
  | {
      kind: 'cloud-2lo';
      instance: CloudSite;
      clientId: string;
      apis: ReadonlySet<'builds' | 'deployments'>;
      token: AccessToken;
    }
  /** Basic auth with e-mail + API token on the site URL: the user's full permissions, no scopes. */
  | { kind: 'cloud-api-token'; instance: CloudSite; user: User };

export type DcPrincipal =
  | { kind: 'anonymous'; instance: DataCenterInstance }
  | { kind: 'dc-basic'; instance: DataCenterInstance; user: User }
  | { kind: 'dc-pat'; instance: DataCenterInstance; user: User }
  /** DC OAuth 2.0 bearer token with its scope (hierarchical: ADMIN ⊃ WRITE ⊃ READ). */
  | {
      kind: 'dc-oauth2';
      instance: DataCenterInstance;
      user: User;
      clientId: string;
      scope: DcScope;
      token: AccessToken;
    }
  /** OAuth 1.0a RSA-SHA1 signed request with an access token. */
  | { kind: 'dc-oauth1'; instance: DataCenterInstance; user: User; consumerKey: string };

export type Principal = CloudPrincipal | DcPrincipal;

/** Hono env of every Cloud REST route (gateway `/api/ex/jira/{cloudId}` and site `/cloud/{site}`). */
export interface CloudEnv {
  Variables: { principal: CloudPrincipal; instance: CloudSite };
}

/** Hono env of every Data Center REST route (`/dc/jira`). */
export interface DcEnv {
  Variables: { principal: DcPrincipal; instance: DataCenterInstance };
}

/** The acting user, or null for anonymous and 2LO callers. */
export function userOf(principal: Principal): User | null {
  return principal.kind === 'anonymous' || principal.kind === 'cloud-2lo' ? null : principal.user;
}
