import { z } from 'zod';

const flag = z
  .enum(['0', '1', 'true', 'false', ''])
  .default('0')
  .transform((value) => value === '1' || value === 'true');

const url = z.url({ protocol: /^https?$/ }).transform((value) => value.replace(/\/+$/, ''));

/** A 256-bit key as base64 or base64url (44 or 43 characters). */
const masterKey = z
  .string()
  .trim()
  .refine((value) => Buffer.from(value, 'base64').length === 32, {
    message: 'must be 32 random bytes in base64 (e.g. `openssl rand -base64 32`)',
  });

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .regex(
      /^postgres(ql)?:\/\//,
      'must be a postgres:// URL (leave unset for the embedded SQLite store)',
    )
    .optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  TESTBRIDGE_MASTER_KEY: masterKey.optional(),
  TESTBRIDGE_RETIRED_MASTER_KEYS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((key) => key.trim())
        .filter(Boolean),
    )
    .pipe(z.array(masterKey)),
  TESTBRIDGE_ADMIN_KEY: z
    .string()
    .regex(
      /^tb_[A-Za-z0-9_-]{32,}$/,
      'must look like tb_ followed by at least 32 url-safe characters',
    )
    .optional(),
  PUBLIC_URL: url.optional(),
  ATLASSIAN_AUTH_URL: url.default('https://auth.atlassian.com'),
  ATLASSIAN_API_URL: url.default('https://api.atlassian.com'),
  ATLASSIAN_CLIENT_ID: z.string().min(1).optional(),
  ATLASSIAN_CLIENT_SECRET: z.string().min(1).optional(),
  FORGE_APP_ID: z.string().min(1).optional(),
  FORGE_JWKS_URL: url.default('https://forge.cdn.prod.atlassian-dev.net/.well-known/jwks.json'),
  ALLOW_PRIVATE_JIRA_URLS: flag,
  ALLOW_PRIVATE_PROXY_URLS: flag,
  JIRA_MAX_SOCKETS_PER_SITE: z.coerce.number().int().min(1).max(1000).default(16),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  BODY_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(5 * 1024 * 1024),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).default(10_000),
  OUTBOX_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(100),
  OUTBOX_MAX_AGE_HOURS: z.coerce.number().positive().default(72),
  OUTBOX_RETENTION_DAYS: z.coerce.number().positive().default(30),
  OUTBOX_BACKOFF_CAP_SECONDS: z.coerce.number().positive().max(3600).default(10),
  DEVOPS_VERDICT_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(2000),
  RESULTS_UPLOAD_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(50 * 1024 * 1024),
  RESULTS_RETENTION_DAYS: z.coerce.number().positive().default(365),
  RESULTS_MAX_EXECUTIONS_PER_TEST: z.coerce.number().int().min(1).default(200),
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
});

/**
 * Everything the backend reads from its environment, parsed once. Factories receive slices of
 * this object; nothing else reads `process.env`.
 */
export interface Config {
  port: number;
  host: string;
  publicUrl: string;
  store: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };
  dataDir: string;
  masterKey: { primary: string | undefined; retired: string[] };
  adminKey: string | undefined;
  atlassian: {
    authUrl: string;
    apiUrl: string;
    clientId: string | undefined;
    clientSecret: string | undefined;
  };
  forge: { appId: string | undefined; jwksUrl: string };
  allowPrivateJiraUrls: boolean;
  /** Loopback and private proxy addresses allowed (metadata and link-local never are). */
  allowPrivateProxyUrls: boolean;
  /** The most sockets one connection keeps open to one Jira origin (undici `connections`). */
  jiraMaxSocketsPerSite: number;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  bodyLimitBytes: number;
  shutdownGraceMs: number;
  /**
   * When an outbox item becomes a dead letter, how long settled items stay listed, and the
   * longest wait between tries of a failing target.
   */
  outbox: { maxAttempts: number; maxAgeMs: number; retentionMs: number; backoffCapMs: number };
  /** How long a DevOps post waits after its commit for Jira's verdict on its items (0: not at all). */
  devops: { verdictWaitMs: number };
  /**
   * Largest report file (as sent, and once decompressed); how long executions are kept and how
   * many per test (the latest of each test in each scope is always kept).
   */
  results: { uploadLimitBytes: number; retentionMs: number; maxExecutionsPerTest: number };
  /** When set, `/metrics` answers only `Authorization: Bearer <this>`. */
  metricsToken: string | undefined;
}

/** Every bad variable at once, by name. */
export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(
      `Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

/** Parses the environment; throws ConfigError listing every invalid variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = EnvSchema.safeParse(env);
  const problems = parsed.success
    ? []
    : parsed.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? '(environment)'),
        message: issue.message,
      }));
  if (Boolean(env.ATLASSIAN_CLIENT_ID) !== Boolean(env.ATLASSIAN_CLIENT_SECRET)) {
    problems.push({
      variable: env.ATLASSIAN_CLIENT_ID ? 'ATLASSIAN_CLIENT_SECRET' : 'ATLASSIAN_CLIENT_ID',
      message: 'ATLASSIAN_CLIENT_ID and ATLASSIAN_CLIENT_SECRET are set together or not at all',
    });
  }
  if (!parsed.success || problems.length > 0) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL ?? `http://localhost:${e.PORT}`,
    store: e.DATABASE_URL
      ? { kind: 'postgres', url: e.DATABASE_URL }
      : { kind: 'sqlite', file: `${e.DATA_DIR}/testbridge.db` },
    dataDir: e.DATA_DIR,
    masterKey: { primary: e.TESTBRIDGE_MASTER_KEY, retired: e.TESTBRIDGE_RETIRED_MASTER_KEYS },
    adminKey: e.TESTBRIDGE_ADMIN_KEY,
    atlassian: {
      authUrl: e.ATLASSIAN_AUTH_URL,
      apiUrl: e.ATLASSIAN_API_URL,
      clientId: e.ATLASSIAN_CLIENT_ID,
      clientSecret: e.ATLASSIAN_CLIENT_SECRET,
    },
    forge: { appId: e.FORGE_APP_ID, jwksUrl: e.FORGE_JWKS_URL },
    allowPrivateJiraUrls: e.ALLOW_PRIVATE_JIRA_URLS,
    allowPrivateProxyUrls: e.ALLOW_PRIVATE_PROXY_URLS,
    jiraMaxSocketsPerSite: e.JIRA_MAX_SOCKETS_PER_SITE,
    logLevel: e.LOG_LEVEL,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    outbox: {
      maxAttempts: e.OUTBOX_MAX_ATTEMPTS,
      maxAgeMs: e.OUTBOX_MAX_AGE_HOURS * 3_600_000,
      retentionMs: e.OUTBOX_RETENTION_DAYS * 86_400_000,
      backoffCapMs: e.OUTBOX_BACKOFF_CAP_SECONDS * 1000,
    },
    devops: { verdictWaitMs: e.DEVOPS_VERDICT_WAIT_MS },
    metricsToken: e.METRICS_TOKEN,
    results: {
      uploadLimitBytes: e.RESULTS_UPLOAD_LIMIT_BYTES,
      retentionMs: e.RESULTS_RETENTION_DAYS * 86_400_000,
      maxExecutionsPerTest: e.RESULTS_MAX_EXECUTIONS_PER_TEST,
    },
  };
}
