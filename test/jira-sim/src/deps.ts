/** Everything a simulator route may use, passed explicitly (no module singletons). */
import type { CredentialStore } from './auth/credentials.ts';
import type { TokenStore } from './auth/token-store.ts';
import type { Clock } from './core/clock.ts';
import type { FaultStore } from './core/faults.ts';
import type { RequestLog } from './core/request-log.ts';
import type { Rng } from './core/rng.ts';
import type { OAuth1Store } from './dc/oauth1/oauth1-store.ts';
import type { ForgeSigner } from './forge/fit.ts';
import type { SimSettings } from './settings.ts';
import type { WebhookStore } from './webhooks/store.ts';
import type { World } from './world/types.ts';

export interface SimDeps {
  /** The simulator's own base URL without trailing slash, e.g. `http://localhost:4010`. */
  baseUrl: string;
  clock: Clock;
  world: World;
  settings: SimSettings;
  credentials: CredentialStore;
  tokens: TokenStore;
  oauth1: OAuth1Store;
  forge: ForgeSigner;
  requests: RequestLog;
  faults: FaultStore;
  /** Seeded randomness for run-time ids and secrets. */
  rng: Rng;
  /** Outgoing HTTP (webhook deliveries). */
  outgoingFetch: typeof fetch;
  /** Real delay for latency faults and webhook retry wake-ups (tests may inject an instant one). */
  sleep: (ms: number) => Promise<void>;
  /** Webhook registrations, delivery queue and failures (`webhooks/`). */
  webhooks: WebhookStore;
}
