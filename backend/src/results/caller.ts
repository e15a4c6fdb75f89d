import type { Context, MiddlewareHandler } from 'hono';
import type { Deps } from '../deps.ts';
import { authenticateCi } from '../devops/ci-auth.ts';
import { type AuthenticateKey, requireRole } from '../http/auth.ts';
import type { Env } from '../http/env.ts';
import { AppError } from '../http/errors.ts';
import type { RunCaller } from './runs.ts';

const callers = new WeakMap<Request, RunCaller>();
const API_KEY = /^Bearer\s+tb_/i;

/**
 * Test runs take two kinds of caller: a Testbridge API key (`Bearer tb_…`, role tool or admin),
 * or a DevOps site's CI credentials (a token from `POST /oauth/token`, or client id and secret
 * with HTTP Basic), so a pipeline uploads with the credentials it posts builds with.
 */
export function requireRunCaller(
  deps: Pick<Deps, 'store' | 'clock' | 'logger' | 'config'>,
  authenticate: AuthenticateKey,
): MiddlewareHandler<Env> {
  const tool = requireRole(authenticate, 'tool');
  return async (c, next) => {
    const header = c.req.header('authorization');
    if (header && API_KEY.test(header)) {
      return tool(c, async () => {
        callers.set(c.req.raw, { kind: 'api_key', keyId: c.get('caller').keyId });
        await next();
      });
    }
    const principal = await authenticateCi(deps, header);
    callers.set(c.req.raw, {
      kind: 'ci',
      credentialId: principal.credentialId,
      siteId: principal.siteId,
    });
    await next();
  };
}

export function runCallerOf(c: Context<Env>): RunCaller {
  const caller = callers.get(c.req.raw);
  if (!caller) throw new AppError('internal_error', 'Run caller authentication did not run');
  return caller;
}
