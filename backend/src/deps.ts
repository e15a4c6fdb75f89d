import { lookup } from 'node:dns/promises';
import { join } from 'node:path';
import type { DefectRef } from '@testbridge/shared/api/coverage';
import { fetch as undiciFetch } from 'undici';
import type { Config } from './config.ts';
import type { ProjectKeysOf } from './connections/project-keys.ts';
import { createKeyRing, generateMasterKey, readKeyFile, writeKeyFile } from './crypto/keyring.ts';
import { createSealer, type Sealer } from './crypto/sealer.ts';
import { openStore, type Store, type StoreOptions } from './db/store.ts';
import { openDefectsOfTests } from './defects/service.ts';
import { createLogger, type Logger } from './http/logger.ts';
import { createMetrics, type Metrics } from './http/metrics.ts';
import { createDispatcherPool, type DispatcherPool } from './jira/dispatcher.ts';
import { mappedProjectKeys } from './mappings/service.ts';

/** The time, injectable so tests can freeze or move it. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** Everything a feature needs, passed explicitly: no module-level singletons. */
export interface Deps {
  config: Config;
  logger: Logger;
  store: Store;
  sealer: Sealer;
  clock: Clock;
  /**
   * Every outbound HTTP call goes through this (tests inject the Jira simulator). undici's own
   * fetch by default, so `dispatcher` (proxy, SSRF-guarded agent) options are honoured.
   */
  fetch: typeof fetch;
  metrics: Metrics;
  /** Every address a host name resolves to (the SSRF guard checks them all). */
  lookupHost: (host: string) => Promise<string[]>;
  /** One undici dispatcher per Jira connection (keep-alive, bounded sockets); closed by closeDeps. */
  dispatchers: DispatcherPool;
  /** Waits between retries; tests pass one that moves their fixed clock instead. */
  sleep: (ms: number) => Promise<void>;
  /** The Jira projects mapped to a connection (the mappings feature provides it); none: unknown. */
  projectKeysOf?: ProjectKeysOf;
  /** The open defects of each test (the defects feature provides it); none: no defects shown. */
  openDefectsOf?: (testIds: readonly string[]) => Promise<Map<string, DefectRef[]>>;
}

const resolveAll = async (host: string) =>
  (await lookup(host, { all: true, verbatim: true })).map((entry) => entry.address);

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface DepsOverrides {
  logger?: Logger;
  clock?: Clock;
  fetch?: typeof fetch;
  store?: StoreOptions;
  metrics?: Metrics;
  lookupHost?: (host: string) => Promise<string[]>;
  dispatchers?: DispatcherPool;
  sleep?: (ms: number) => Promise<void>;
}

export function keyFilePath(config: Config): string {
  return join(config.dataDir, 'master.key');
}

/**
 * Master keys from TESTBRIDGE_MASTER_KEY, or else from ./data/master.key, generated on first use
 * (mode 0600) with a warning: losing that file loses every stored credential.
 */
export function createSealerFromConfig(config: Config, logger: Logger): Sealer {
  const { primary, retired } = config.masterKey;
  if (primary) return createSealer(createKeyRing(primary, retired));
  const path = keyFilePath(config);
  let file = readKeyFile(path);
  if (!file) {
    writeKeyFile(path, generateMasterKey(), []);
    file = readKeyFile(path);
    logger.warn(
      { path },
      'TESTBRIDGE_MASTER_KEY is not set: generated a master key into this file. Back it up; set TESTBRIDGE_MASTER_KEY in production.',
    );
  }
  if (!file) throw new Error(`could not read the key file ${path}`);
  const reload = () => {
    const fresh = readKeyFile(path);
    return fresh ? createKeyRing(fresh.primary, fresh.retired) : undefined;
  };
  return createSealer(createKeyRing(file.primary, [...file.retired, ...retired]), reload);
}

export async function createDeps(config: Config, overrides: DepsOverrides = {}): Promise<Deps> {
  const logger = overrides.logger ?? createLogger({ level: config.logLevel });
  const sealer = createSealerFromConfig(config, logger);
  const storeOptions = overrides.store ?? config.store;
  const store = await openStore(
    storeOptions.kind === 'postgres'
      ? {
          ...storeOptions,
          onIdleError: (error) => logger.warn({ err: error }, 'idle PostgreSQL connection lost'),
        }
      : storeOptions,
  );
  const deps: Deps = {
    config,
    logger,
    store,
    sealer,
    clock: overrides.clock ?? systemClock,
    fetch: overrides.fetch ?? (undiciFetch as unknown as typeof fetch),
    metrics: overrides.metrics ?? createMetrics({ defaultMetrics: true }),
    lookupHost: overrides.lookupHost ?? resolveAll,
    dispatchers:
      overrides.dispatchers ??
      createDispatcherPool({
        allowPrivate: config.allowPrivateJiraUrls,
        allowPrivateProxy: config.allowPrivateProxyUrls,
        connections: config.jiraMaxSocketsPerSite,
      }),
    sleep: overrides.sleep ?? realSleep,
    projectKeysOf: mappedProjectKeys({ store }),
  };
  deps.openDefectsOf = openDefectsOfTests(deps);
  return deps;
}

/** Closes what createDeps opened: the Jira dispatchers (their sockets), then the store. */
export async function closeDeps(deps: Pick<Deps, 'dispatchers' | 'store'>): Promise<void> {
  await deps.dispatchers.close();
  await deps.store.close();
}
