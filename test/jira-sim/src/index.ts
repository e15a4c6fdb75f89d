/**
 * @testbridge/jira-sim: a strict simulator of Jira Cloud, Jira Data Center and Atlassian's
 * authorization server. `createSim({ baseUrl })` gives a Hono app and a `fetch` to inject into
 * the backend; every host is routed by path prefix (see README "Core contract").
 */
import type { Hono } from 'hono';
import { createSimApp } from './app.ts';
import type { CredentialStore } from './auth/credentials.ts';
import {
  createCredentialStore,
  registerApiToken,
  registerDcOAuthClient,
  registerDevopsClient,
  registerOAuth1Consumer,
  registerOAuthApp,
  registerPat,
} from './auth/credentials.ts';
import { revokeCredentials } from './auth/revoke.ts';
import { seedCredentials } from './auth/seed-credentials.ts';
import type { RevokeFilter, TokenStore } from './auth/token-store.ts';
import { createTokenStore } from './auth/token-store.ts';
import type { CloudTokenResponse } from './cloud-oauth/issue-tokens.ts';
import {
  issueCloudTokenPair,
  issueTwoLeggedToken,
  upsertGrant,
} from './cloud-oauth/issue-tokens.ts';
import {
  approveCloudAuthorization,
  approveDcAuthorization,
  approveOAuth1RequestToken,
} from './consent-helpers.ts';
import type { Clock } from './core/clock.ts';
import { createFixedClock } from './core/clock.ts';
import type { FaultSpec, FaultStore } from './core/faults.ts';
import { createFaultStore } from './core/faults.ts';
import { ConnectionDroppedError, toFetchError } from './core/network-error.ts';
import type { RequestLog } from './core/request-log.ts';
import { createRequestLog } from './core/request-log.ts';
import { createRng } from './core/rng.ts';
import { createOAuth1Store } from './dc/oauth1/oauth1-store.ts';
import type { SimDeps } from './deps.ts';
import { createSimDevops, type SimDevops } from './devops/state.ts';
import type { InvocationTokenInput } from './forge/fit.ts';
import { createForgeSigner, FORGE_JWKS_PATH } from './forge/fit.ts';
import { type ForgeTokens, type ForgeTokensInput, issueForgeTokens } from './forge/oauth-tokens.ts';
import type { SimSettings } from './settings.ts';
import { createDefaultSettings } from './settings.ts';
import { startWebhookDispatch } from './webhooks/dispatch.ts';
import type { SimWebhooks } from './webhooks/sim-api.ts';
import { createSimWebhooks } from './webhooks/sim-api.ts';
import { createWebhookStore } from './webhooks/store.ts';
import type { WorldListener } from './world/events.ts';
import { createWorld, DEFAULT_SEED } from './world/seed.ts';
import type { World } from './world/types.ts';

/** What `fetch` accepts as its first argument. */
export type FetchInput = string | URL | Request;

export interface SimOptions {
  /** Where the simulator is reachable, e.g. `http://localhost:4010` or `http://jira-sim.test`. */
  baseUrl: string;
  /** Defaults to a fixed clock at 2026-03-02T09:00:00Z. */
  clock?: Clock;
  /** Outgoing fetch (webhook deliveries); defaults to the global fetch. */
  fetch?: typeof fetch;
  seed?: number;
  settings?: Partial<SimSettings>;
  /** Delay used by latency faults; defaults to a real timer. */
  sleep?: (ms: number) => Promise<void>;
}

export interface Sim {
  app: Hono;
  /** Inject as the backend's fetch: absolute URLs on any host are routed by path; never follows redirects. */
  fetch: (input: FetchInput, init?: RequestInit) => Promise<Response>;
  baseUrl: string;
  world: World;
  clock: Clock;
  settings: SimSettings;
  requests: RequestLog;
  faults: FaultStore;
  credentials: CredentialStore;
  tokens: TokenStore;
  deps: SimDeps;
  /** Subscribe to world changes; returns the unsubscribe function. */
  onWorldChange(listener: WorldListener): () => void;
  addFault(spec: FaultSpec): ReturnType<FaultStore['add']>;
  registerOAuthApp: (
    input: Parameters<typeof registerOAuthApp>[1],
  ) => ReturnType<typeof registerOAuthApp>;
  registerDevopsClient: (
    input: Parameters<typeof registerDevopsClient>[1],
  ) => ReturnType<typeof registerDevopsClient>;
  registerDcOAuthClient: (
    input: Parameters<typeof registerDcOAuthClient>[1],
  ) => ReturnType<typeof registerDcOAuthClient>;
  registerOAuth1Consumer: (
    input: Parameters<typeof registerOAuth1Consumer>[1],
  ) => ReturnType<typeof registerOAuth1Consumer>;
  registerApiToken: (
    input: Parameters<typeof registerApiToken>[1],
  ) => ReturnType<typeof registerApiToken>;
  registerPat: (input: Parameters<typeof registerPat>[1]) => ReturnType<typeof registerPat>;
  /** Skip the consent flow: grant `accountId` on `cloudId` and issue a 3LO token pair (refresh token with `offline_access`). */
  issueCloudTokens(input: {
    clientId?: string;
    accountId: string;
    cloudId: string;
    scopes: string[];
  }): CloudTokenResponse;
  /** Skip the token request: a 2LO access token for a registered DevOps client. */
  issueTwoLeggedToken(clientId: string): ReturnType<typeof issueTwoLeggedToken>;
  /** "Accept" (or `deny`) the Cloud consent for an authorization URL; returns the callback redirect. */
  approveConsent(
    authorizeUrl: string,
    options?: Parameters<typeof approveCloudAuthorization>[2],
  ): ReturnType<typeof approveCloudAuthorization>;
  /** "Allow" (or `deny`) a DC OAuth 2.0 authorization URL; returns the callback redirect. */
  approveDcConsent(
    authorizeUrl: string,
    options?: Parameters<typeof approveDcAuthorization>[2],
  ): ReturnType<typeof approveDcAuthorization>;
  /** Approve (or `deny`) an OAuth 1.0a request token as a DC user; the verifier and redirect (null for oob). */
  approveRequestToken(
    requestToken: string,
    options?: Parameters<typeof approveOAuth1RequestToken>[2],
  ): ReturnType<typeof approveOAuth1RequestToken>;
  /** Revoke grants/tokens by token, user or client (see `auth/revoke.ts`). */
  revoke(filter: RevokeFilter): number;
  /** Sign a Forge Invocation Token for a site (RS256, verifiable with {@link Sim.forgeJwksUrl}). */
  signInvocationToken(input: InvocationTokenInput): Promise<string>;
  /**
   * The OAuth tokens Forge forwards with an invocation (`x-forge-oauth-user` for `accountId`,
   * `x-forge-oauth-system`): good on the site's `app.apiBaseUrl` until they expire.
   */
  issueForgeTokens(input: ForgeTokensInput): ForgeTokens;
  forgeAppId: string;
  forgeJwksUrl: string;
  /** Outgoing webhooks: `await sim.webhooks.flush()` until deliveries settle; attempts, failures. */
  webhooks: SimWebhooks;
  /** What the Builds and Deployments APIs hold per cloudId: data, properties, issue keys. */
  devops: SimDevops;
}

function resolveRequest(baseUrl: string, input: FetchInput, init?: RequestInit): Request {
  if (typeof input === 'string' && input.startsWith('/'))
    return new Request(`${baseUrl}${input}`, init);
  return new Request(input, init);
}

export function createSim(options: SimOptions): Sim {
  const baseUrl = options.baseUrl.replace(/\/+$/, '');
  const seed = options.seed ?? DEFAULT_SEED;
  const clock = options.clock ?? createFixedClock();
  const world = createWorld({
    seed,
    baseUrl,
    now: () => clock.now(),
    onListenerError: (error) => console.error('jira-sim: world listener failed', error),
  });
  const credentials = createCredentialStore();
  seedCredentials(credentials, world);
  const deps: SimDeps = {
    baseUrl,
    clock,
    world,
    settings: { ...createDefaultSettings(), ...options.settings },
    credentials,
    tokens: createTokenStore(createRng(seed + 1)),
    oauth1: createOAuth1Store(),
    forge: createForgeSigner(createRng(seed + 2), clock),
    requests: createRequestLog(),
    faults: createFaultStore(),
    rng: createRng(seed + 3),
    outgoingFetch: options.fetch ?? fetch,
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    webhooks: createWebhookStore(),
  };
  const app = createSimApp(deps);
  startWebhookDispatch(deps);

  const simFetch = async (input: FetchInput, init?: RequestInit): Promise<Response> => {
    const request = resolveRequest(baseUrl, input, init);
    request.signal.throwIfAborted();
    return new Promise<Response>((resolve, reject) => {
      const onAbort = () => reject(request.signal.reason);
      request.signal.addEventListener('abort', onAbort, { once: true });
      Promise.resolve(app.fetch(request))
        .then(resolve, (error: unknown) =>
          reject(error instanceof ConnectionDroppedError ? toFetchError(error) : error),
        )
        .finally(() => request.signal.removeEventListener('abort', onAbort));
    });
  };

  return {
    app,
    fetch: simFetch,
    baseUrl,
    world,
    clock,
    settings: deps.settings,
    requests: deps.requests,
    faults: deps.faults,
    credentials,
    tokens: deps.tokens,
    deps,
    onWorldChange: (listener) => world.events.subscribe(listener),
    addFault: (spec) => deps.faults.add(spec),
    registerOAuthApp: (input) => registerOAuthApp(credentials, input),
    registerDevopsClient: (input) => registerDevopsClient(credentials, input),
    registerDcOAuthClient: (input) => registerDcOAuthClient(credentials, input),
    registerOAuth1Consumer: (input) => registerOAuth1Consumer(credentials, input),
    registerApiToken: (input) => registerApiToken(credentials, input),
    registerPat: (input) => registerPat(credentials, input),
    issueCloudTokens: (input) => {
      const clientId = input.clientId ?? 'sim-3lo-client';
      const grant = upsertGrant(deps, {
        clientId,
        accountId: input.accountId,
        cloudId: input.cloudId,
        scopes: input.scopes,
      });
      return issueCloudTokenPair(deps, grant, input.scopes, null, '');
    },
    issueTwoLeggedToken: (clientId) => {
      const client = credentials.devopsClients.get(clientId);
      if (!client) throw new RangeError(`No DevOps client ${clientId}`);
      return issueTwoLeggedToken(deps, client);
    },
    approveConsent: (url, opts) => approveCloudAuthorization(deps, url, opts),
    approveDcConsent: (url, opts) => approveDcAuthorization(deps, url, opts),
    approveRequestToken: (token, opts) => approveOAuth1RequestToken(deps, token, opts),
    revoke: (filter) => revokeCredentials(deps, filter),
    signInvocationToken: (input) => deps.forge.sign(input, deps.settings.forgeTokenTtlSeconds),
    issueForgeTokens: (input) => issueForgeTokens(deps, input),
    forgeAppId: deps.forge.appId,
    forgeJwksUrl: `${baseUrl}${FORGE_JWKS_PATH}`,
    webhooks: createSimWebhooks(deps),
    devops: createSimDevops(deps),
  };
}

export type { CloudEnv, CloudPrincipal, DcEnv, DcPrincipal, Principal } from './auth/principal.ts';
export {
  readSeededOAuth1PrivateKey,
  SEEDED,
  SEEDED_REDIRECT_URIS,
} from './auth/seed-credentials.ts';
export type { Clock } from './core/clock.ts';
export { createFixedClock, createSystemClock } from './core/clock.ts';
export type { FaultSpec } from './core/faults.ts';
export type { LoggedRequest } from './core/request-log.ts';
export {
  buildSignatureBaseString,
  formatOAuthHeader,
  percentEncode,
  signRsaSha1,
} from './dc/oauth1/signature.ts';
export type { SimDevops, StoredDevopsItem } from './devops/state.ts';
export type { InvocationTokenInput } from './forge/fit.ts';
export type { ForgeTokens, ForgeTokensInput } from './forge/oauth-tokens.ts';
export type { SimSettings } from './settings.ts';
export type { SimWebhooks } from './webhooks/sim-api.ts';
export type {
  AdminWebhook,
  Delivery,
  DeliveryAttempt,
  DynamicWebhook,
  FailedDelivery,
} from './webhooks/store.ts';
export type { ChangelogItem, WorldChange } from './world/events.ts';
/** World changes (as Jira's UI would make them): each fires the webhooks registered for it. */
export {
  createIssue,
  deleteIssue,
  moveIssue,
  updateIssue,
} from './world/issue-changes.ts';
export { deleteProject, updateProject } from './world/project-changes.ts';
export { CLOUD_USERS, DC_USERS } from './world/seed-users.ts';
export type * from './world/types.ts';
export {
  createVersion,
  deleteVersion,
  moveVersion,
  releaseVersion,
  updateVersion,
} from './world/version-changes.ts';
