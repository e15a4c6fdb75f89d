/**
 * Vitest setup for jira-app (runs before any import): `@forge/bridge` looks for the host's
 * `globalThis.__bridge` when it loads, and `@forge/react` loads it through its own `require`, so a
 * `vi.mock` cannot replace it. This stub records every bridge call and answers through
 * `testing/bridge.ts`.
 */
import { bridgeHost } from './bridge.ts';

const scope = globalThis as Record<string, unknown>;
scope.self ??= globalThis;
scope.IS_REACT_ACT_ENVIRONMENT = true;
scope.__bridge = { callBridge: bridgeHost.callBridge };
// `requestJira` builds `new Request('')`, relative to the page in a browser; Node's fetch takes the
// base from undici's global origin.
scope[Symbol.for('undici.globalOrigin.1') as unknown as string] = new URL('https://jira.example');
