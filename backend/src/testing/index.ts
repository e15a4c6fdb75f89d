/**
 * Test support for backend tests and the test/ packages: a fresh store per test file (SQLite file
 * or a PostgreSQL schema of its own), a fixed clock, captured logs, and deps wired from them.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pg from 'pg';
import { type Config, loadConfig } from '../config.ts';
import type { StoreOptions } from '../db/store.ts';
import { type Clock, closeDeps, createDeps, type Deps } from '../deps.ts';
import { createLogger } from '../http/logger.ts';
import { createMetrics } from '../http/metrics.ts';

export type StoreKind = 'sqlite' | 'postgres';

/** Both stores; a contract suite runs once per entry. PostgreSQL must be reachable: no skipping. */
export const STORE_KINDS: readonly StoreKind[] = ['sqlite', 'postgres'];

/** The PostgreSQL server the tests use (CI has one at 127.0.0.1:5432, database `test`). */
export const TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';

/** A clock that only moves when told to. */
export interface FixedClock extends Clock {
  set(at: Date | string): void;
  advance(ms: number): void;
}

export function createFixedClock(start: Date | string = '2026-01-15T09:00:00.000Z'): FixedClock {
  let now = new Date(start).getTime();
  return {
    now: () => new Date(now),
    set: (at) => {
      now = new Date(at).getTime();
    },
    advance: (ms) => {
      now += ms;
    },
  };
}

/** Every log line written, for asserting on content (and on the absence of secrets). */
export interface LogCapture {
  lines(): Record<string, unknown>[];
  text(): string;
}

export function createLogCapture(level = 'debug') {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({ level }, stream);
  const capture: LogCapture = {
    text: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
  return { logger, capture };
}

/** A fresh, empty store location of the given kind, and how to throw it away. */
export async function createTestStoreOptions(
  kind: StoreKind,
): Promise<{ options: StoreOptions; dir: string; cleanup: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'testbridge-'));
  if (kind === 'sqlite') {
    return {
      options: { kind: 'sqlite', file: join(dir, 'testbridge.db') },
      dir,
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  // A database of its own per test file: drizzle-kit's PostgreSQL migrations name the `public`
  // schema explicitly, so a schema per file would not isolate them.
  const database = `tb_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  await withAdminClient((client) => client.query(`CREATE DATABASE "${database}"`));
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${database}`;
  return {
    options: { kind: 'postgres', url: url.toString(), poolSize: 4 },
    dir,
    cleanup: async () => {
      await withAdminClient((client) =>
        client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`),
      );
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function withAdminClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export const TEST_MASTER_KEY = Buffer.alloc(32, 7).toString('base64');

export interface TestDeps {
  deps: Deps;
  logs: LogCapture;
  clock: FixedClock;
  storeOptions: StoreOptions;
  dataDir: string;
  cleanup: () => Promise<void>;
}

/** Deps on a fresh store, with a fixed clock and captured logs. */
export async function createTestDeps(
  options: {
    store?: StoreKind;
    env?: Record<string, string>;
    fetch?: typeof fetch;
    clock?: FixedClock;
    lookupHost?: (host: string) => Promise<string[]>;
  } = {},
): Promise<TestDeps> {
  const store = await createTestStoreOptions(options.store ?? 'sqlite');
  const config: Config = loadConfig({
    DATA_DIR: store.dir,
    TESTBRIDGE_MASTER_KEY: TEST_MASTER_KEY,
    PUBLIC_URL: 'http://testbridge.test',
    LOG_LEVEL: 'debug',
    ...options.env,
  });
  const { logger, capture } = createLogCapture();
  const clock = options.clock ?? createFixedClock();
  const deps = await createDeps(config, {
    logger,
    clock,
    store: store.options,
    metrics: createMetrics({ defaultMetrics: false }),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.lookupHost ? { lookupHost: options.lookupHost } : {}),
    sleep: async (ms: number) => clock.advance(ms),
  });
  return {
    deps,
    logs: capture,
    clock,
    storeOptions: store.options,
    dataDir: store.dir,
    cleanup: async () => {
      await closeDeps(deps);
      await store.cleanup();
    },
  };
}

/** A fixed bootstrap admin key for tests (`TESTBRIDGE_ADMIN_KEY`). */
export const TEST_ADMIN_KEY = `tb_${'A'.repeat(43)}`;

/** The whole app on fresh deps, with the bootstrap admin key registered. */
export async function createTestApp(
  options: Parameters<typeof createTestDeps>[0] = {},
  appOptions: import('../app.ts').AppOptions = {},
) {
  const { createApp } = await import('../app.ts');
  const { ensureBootstrapAdminKey } = await import('../api-keys/service.ts');
  const test = await createTestDeps({
    ...options,
    env: { TESTBRIDGE_ADMIN_KEY: TEST_ADMIN_KEY, ...options.env },
  });
  await ensureBootstrapAdminKey(test.deps, test.deps.config.adminKey);
  const app = createApp(test.deps, appOptions);
  const asAdmin = (headers: Record<string, string> = {}) => ({
    authorization: `Bearer ${TEST_ADMIN_KEY}`,
    ...headers,
  });
  return { ...test, app, asAdmin };
}
