import type { ApiKeyRole } from '@testbridge/shared/api/api-keys';
import type { MiddlewareHandler } from 'hono';
import type { Caller, Env } from './env.ts';
import { AppError } from './errors.ts';

/** Looks a presented API key up; undefined when unknown or revoked. */
export type AuthenticateKey = (key: string) => Promise<Caller | undefined>;

const BEARER = /^Bearer\s+(\S+)\s*$/i;

/**
 * 401 without a valid API key, 403 when the key's role is not among `roles`.
 * `admin` may do everything a `tool` may.
 */
export function requireRole(
  authenticate: AuthenticateKey,
  ...roles: ApiKeyRole[]
): MiddlewareHandler<Env> {
  const allowed = new Set<ApiKeyRole>(roles.includes('tool') ? [...roles, 'admin'] : roles);
  return async (c, next) => {
    const match = BEARER.exec(c.req.header('authorization') ?? '');
    const challenge = { 'www-authenticate': 'Bearer realm="testbridge"' };
    if (!match?.[1]) {
      throw new AppError('unauthenticated', 'Send an API key as `Authorization: Bearer tb_…`', {
        headers: challenge,
      });
    }
    const caller = await authenticate(match[1]);
    if (!caller) {
      throw new AppError('unauthenticated', 'The API key is unknown or revoked', {
        headers: { 'www-authenticate': 'Bearer realm="testbridge", error="invalid_token"' },
      });
    }
    if (!allowed.has(caller.role)) {
      throw new AppError('forbidden', `This needs an API key with role ${roles.join(' or ')}`);
    }
    c.set('caller', caller);
    await next();
  };
}
