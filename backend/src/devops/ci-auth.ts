import type { Context, MiddlewareHandler } from 'hono';
import type { Deps } from '../deps.ts';
import type { AuthenticateKey } from '../http/auth.ts';
import type { Env } from '../http/env.ts';
import { AppError } from '../http/errors.ts';
import { type CiPrincipal, checkCiClient, checkCiToken } from './credential-service.ts';
import type { EventViewer } from './event-service.ts';

type CiAuthDeps = Pick<Deps, 'store' | 'clock' | 'logger' | 'config'>;

const BEARER = /^Bearer\s+(\S+)\s*$/i;
const BASIC = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i;
const CHALLENGE = 'Bearer realm="testbridge-ci", Basic realm="testbridge-ci"';

/** Client id and secret from `Authorization: Basic` (RFC 6749 §2.3.1: both form-urlencoded). */
export function parseBasic(header: string | undefined): { id: string; secret: string } | undefined {
  const match = BASIC.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  try {
    return {
      id: decodeURIComponent(decoded.slice(0, colon).replaceAll('+', ' ')),
      secret: decodeURIComponent(decoded.slice(colon + 1).replaceAll('+', ' ')),
    };
  } catch {
    return undefined;
  }
}

/**
 * A CI tool: a bearer token from `POST /oauth/token`, or its client id and secret sent directly
 * with HTTP Basic. 401 otherwise.
 */
export async function authenticateCi(
  deps: CiAuthDeps,
  header: string | undefined,
): Promise<CiPrincipal> {
  const bearer = BEARER.exec(header ?? '')?.[1];
  const basic = bearer ? undefined : parseBasic(header);
  if (!bearer && !basic) {
    throw new AppError(
      'unauthenticated',
      'Send a token from POST /oauth/token as `Authorization: Bearer …`, or the CI client id and secret with HTTP Basic',
      { headers: { 'www-authenticate': CHALLENGE } },
    );
  }
  const principal = bearer
    ? await checkCiToken(deps, bearer)
    : basic && (await checkCiClient(deps, basic.id, basic.secret));
  if (!principal) {
    throw new AppError(
      'unauthenticated',
      'The CI token or client credentials are unknown, expired or revoked',
      {
        headers: { 'www-authenticate': `${CHALLENGE.split(',')[0]}, error="invalid_token"` },
      },
    );
  }
  return principal;
}

/** Who reads events: any Testbridge API key (`tb_…`), or CI credentials (their own site only). */
export async function authenticateEventViewer(
  deps: CiAuthDeps,
  authenticateKey: AuthenticateKey,
  header: string | undefined,
): Promise<EventViewer> {
  const bearer = BEARER.exec(header ?? '')?.[1];
  if (bearer?.startsWith('tb_')) {
    if (await authenticateKey(bearer)) return { kind: 'api-key' };
    throw new AppError('unauthenticated', 'The API key is unknown or revoked', {
      headers: { 'www-authenticate': 'Bearer realm="testbridge", error="invalid_token"' },
    });
  }
  const principal = await authenticateCi(deps, header);
  return { kind: 'ci', siteId: principal.siteId };
}

const principals = new WeakMap<Request, CiPrincipal>();

/** Middleware: authenticates CI before the body is validated; read the result with `ciPrincipalOf`. */
export function requireCi(deps: CiAuthDeps): MiddlewareHandler<Env> {
  return async (c, next) => {
    principals.set(c.req.raw, await authenticateCi(deps, c.req.header('authorization')));
    await next();
  };
}

/** The CI principal `requireCi` authenticated for this request. */
export function ciPrincipalOf(c: Context<Env>): CiPrincipal {
  const principal = principals.get(c.req.raw);
  if (!principal) throw new AppError('internal_error', 'CI authentication did not run');
  return principal;
}
