/**
 * Forge platform stand-in: signs Forge Invocation Tokens (RS256 JWT) with its own key pair and
 * publishes the public key as a JWKS, so the backend's Forge Remote verification runs for real.
 * @see https://developer.atlassian.com/platform/forge/forge-remote-invocation-contract/
 */
import type { GenerateKeyPairResult, JWK } from 'jose';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { Clock } from '../core/clock.ts';
import type { Rng } from '../core/rng.ts';
import type { CloudSite, JsonValue } from '../world/types.ts';

/** The FIT issuer, per Atlassian's invocation contract. */
export const FIT_ISSUER = 'forge/invocation-token';
/** Where the simulator serves the JWKS, relative to its base URL (`FORGE_JWKS_URL`). */
export const FORGE_JWKS_PATH = '/forge/.well-known/jwks.json';

export interface InvocationTokenInput {
  /** Site the app is installed on. */
  site: CloudSite;
  /** App ARI used as `aud` and `app.id`; defaults to the signer's app id. */
  appId?: string;
  /** Invoking user's accountId (UI modules only); null/omitted for backend calls. */
  principal?: string | null;
  moduleType?: string;
  moduleKey?: string;
  environment?: 'DEVELOPMENT' | 'STAGING' | 'PRODUCTION';
  /** `context` claim (frontend calls); omitted when null. */
  context?: Record<string, JsonValue> | null;
  /** Lifetime in seconds (default from settings: 25). */
  expiresInSeconds?: number;
  /** Extra or replaced top-level claims, e.g. a wrong `iss` for a negative test. */
  claims?: Record<string, JsonValue>;
}

export interface ForgeSigner {
  /** Default app ARI: `ari:cloud:ecosystem::app/<uuid>`. */
  appId: string;
  /** Installation ARI per site name. */
  installationIdOf(site: CloudSite): string;
  jwks(): Promise<{ keys: JWK[] }>;
  sign(input: InvocationTokenInput, defaultTtlSeconds: number): Promise<string>;
}

const KEY_ID = 'jira-sim-forge-1';

export function createForgeSigner(rng: Rng, clock: Clock): ForgeSigner {
  const appId = `ari:cloud:ecosystem::app/${rng.uuid()}`;
  const installations = new Map<string, string>();
  let keys: Promise<GenerateKeyPairResult> | undefined;
  const keyPair = () => {
    keys ??= generateKeyPair('RS256', { extractable: true });
    return keys;
  };
  const installationIdOf = (site: CloudSite): string => {
    let id = installations.get(site.id);
    if (!id) {
      id = `ari:cloud:ecosystem::installation/${rng.uuid()}`;
      installations.set(site.id, id);
    }
    return id;
  };
  return {
    appId,
    installationIdOf,
    async jwks() {
      const jwk = await exportJWK((await keyPair()).publicKey);
      return { keys: [{ ...jwk, kid: KEY_ID, alg: 'RS256', use: 'sig' }] };
    },
    async sign(input, defaultTtlSeconds) {
      const now = Math.floor(clock.now() / 1000);
      const audience = input.appId ?? appId;
      const apiBaseUrl = `${new URL(input.site.baseUrl).origin}/api/ex/jira/${input.site.cloudId}`;
      const installationId = installationIdOf(input.site);
      const payload: Record<string, JsonValue> = {
        app: {
          id: audience,
          appVersion: '1.0.0',
          installationId,
          apiBaseUrl,
          environment: { type: input.environment ?? 'DEVELOPMENT', id: 'sim-environment' },
          module: {
            type: input.moduleType ?? 'core:endpoint',
            key: input.moduleKey ?? 'testbridge-remote',
          },
        },
        installation: {
          id: installationId,
          contexts: [{ name: 'jira', apiBaseUrl, cloudId: input.site.cloudId }],
        },
      };
      if (input.context) payload.context = input.context;
      if (input.principal) payload.principal = input.principal;
      const registered: Record<string, JsonValue> = {
        iss: FIT_ISSUER,
        aud: audience,
        iat: now,
        nbf: now,
        exp: now + (input.expiresInSeconds ?? defaultTtlSeconds),
        jti: rng.uuid(),
      };
      return new SignJWT({ ...registered, ...payload, ...input.claims })
        .setProtectedHeader({ alg: 'RS256', kid: KEY_ID, typ: 'JWT' })
        .sign((await keyPair()).privateKey);
    },
  };
}
