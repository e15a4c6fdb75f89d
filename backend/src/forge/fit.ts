/**
 * Forge Invocation Token (FIT) verification: every call Forge makes to `/forge/*` carries one as
 * `Authorization: Bearer …`. Signature against Atlassian's JWKS (RS256 only), issuer, audience =
 * our app id, expiry; then the claims we key the tenant on.
 * @see https://developer.atlassian.com/platform/forge/forge-remote-invocation-contract/
 */
import { createRemoteJWKSet, customFetch, errors, jwtVerify } from 'jose';
import { z } from 'zod';
import { PlainSecret } from '../crypto/secret.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../http/errors.ts';

export const FIT_ISSUER = 'forge/invocation-token';

const Context = z.object({
  cloudId: z.string().optional(),
  siteUrl: z.string().optional(),
  moduleKey: z.string().optional(),
  extension: z
    .object({
      type: z.string().optional(),
      issue: z
        .object({ id: z.union([z.string(), z.number()]).optional(), key: z.string().optional() })
        .optional(),
      project: z.object({ key: z.string().optional() }).optional(),
    })
    .optional(),
});

const Installation = z.object({
  id: z.string().optional(),
  contexts: z
    .array(z.object({ cloudId: z.string().optional(), apiBaseUrl: z.string().optional() }))
    .optional(),
});

const Claims = z.object({
  app: z.object({
    id: z.string(),
    installationId: z.string().min(1),
    apiBaseUrl: z.string(),
    environment: z.object({ type: z.string().optional() }).optional(),
    module: z.object({ type: z.string().optional(), key: z.string().optional() }).optional(),
    // The docs place `installation` under `app`; the simulator (and older tokens) at the top.
    installation: Installation.optional(),
  }),
  installation: Installation.optional(),
  context: Context.optional(),
  principal: z.string().optional(),
});

/** Who is calling, from a verified FIT: the site decides the tenant, never the request body. */
export interface ForgeInvocation {
  appId: string;
  installationId: string;
  cloudId: string;
  apiBaseUrl: string;
  environment: string | null;
  siteUrl: string | null;
  /** The UI module behind the call (`jira:issuePanel`…), or `core:endpoint` for triggers. */
  moduleTypes: string[];
  /** The issue the panel is shown on, when the call comes from an issue module. */
  issue: { id: string | null; key: string | null } | null;
  /** The viewing user's accountId (UI calls only). */
  principal: string | null;
}

export type VerifyInvocation = (authorization: string | undefined) => Promise<ForgeInvocation>;

const BEARER = /^Bearer\s+(\S+)\s*$/i;
const challenge = (error?: string) => ({
  'www-authenticate': `Bearer realm="testbridge-forge"${error ? `, error="${error}"` : ''}`,
});

const refuse = (message: string, cause?: unknown) =>
  new AppError('unauthenticated', message, { cause, headers: challenge('invalid_token') });

/**
 * A verifier bound to `FORGE_JWKS_URL` (fetched through `deps.fetch`, cached by jose: 10 min,
 * refetched at most every 30 s on an unknown `kid`, which covers key rotation).
 * @throws AppError unauthenticated (no token, or any check fails)
 */
export function createInvocationVerifier(
  deps: Pick<Deps, 'config' | 'fetch' | 'clock'>,
): VerifyInvocation {
  const { appId, jwksUrl } = deps.config.forge;
  const keys = createRemoteJWKSet(new URL(jwksUrl), {
    [customFetch]: (url, init) => deps.fetch(url, init),
  });
  return async (authorization) => {
    const token = BEARER.exec(authorization ?? '')?.[1];
    if (!token) {
      throw new AppError('unauthenticated', 'Send the Forge Invocation Token as a bearer token', {
        headers: challenge(),
      });
    }
    if (!appId) throw refuse('This Testbridge has no FORGE_APP_ID: it cannot verify Forge calls');
    let payload: unknown;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: FIT_ISSUER,
        audience: appId,
        algorithms: ['RS256'],
        clockTolerance: 5,
        currentDate: deps.clock.now(),
        requiredClaims: ['exp'],
      }));
    } catch (error) {
      if (error instanceof errors.JOSEError) {
        throw refuse(`The Forge Invocation Token is not valid (${error.code})`, error);
      }
      throw error;
    }
    return toInvocation(payload);
  };
}

function toInvocation(payload: unknown): ForgeInvocation {
  const parsed = Claims.safeParse(payload);
  if (!parsed.success) throw refuse('The Forge Invocation Token lacks the app claims');
  const { app, context, principal } = parsed.data;
  const installation = app.installation ?? parsed.data.installation;
  const site = installation?.contexts?.find((entry) => entry.cloudId);
  const cloudId = site?.cloudId ?? context?.cloudId;
  if (!cloudId) throw refuse('The Forge Invocation Token names no Jira site');
  if (context?.cloudId && context.cloudId !== cloudId) {
    throw refuse('The Forge Invocation Token names two different sites');
  }
  const issue = context?.extension?.issue;
  return {
    appId: app.id,
    installationId: app.installationId,
    cloudId,
    apiBaseUrl: site?.apiBaseUrl ?? app.apiBaseUrl,
    environment: app.environment?.type ?? null,
    siteUrl: context?.siteUrl ?? null,
    moduleTypes: [context?.extension?.type, app.module?.type].filter(
      (type): type is string => typeof type === 'string',
    ),
    issue: issue
      ? { id: issue.id === undefined ? null : String(issue.id), key: issue.key ?? null }
      : null,
    principal: principal ?? null,
  };
}

/**
 * The OAuth tokens Forge sends beside the FIT when the endpoint's `auth` asks for them:
 * `x-forge-oauth-user` (the user in session; UI calls only) and `x-forge-oauth-system` (the app).
 * Both are for `app.apiBaseUrl` only, opaque, short-lived, and never logged.
 * @see https://developer.atlassian.com/platform/forge/forge-remote-invocation-contract/
 */
export interface ForwardedTokens {
  user: PlainSecret | null;
  system: PlainSecret | null;
}

export function forwardedTokensOf(header: (name: string) => string | undefined): ForwardedTokens {
  const read = (name: string) => {
    const value = header(name)?.trim();
    return value ? new PlainSecret(value) : null;
  };
  return { user: read('x-forge-oauth-user'), system: read('x-forge-oauth-system') };
}
