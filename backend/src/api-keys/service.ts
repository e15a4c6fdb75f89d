import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { ApiKey, ApiKeyRole, CreatedApiKey } from '@testbridge/shared/api/api-keys';
import type { Deps } from '../deps.ts';
import type { Caller } from '../http/env.ts';
import { AppError } from '../http/errors.ts';
import { type ApiKeyRow, createApiKeyRepo } from './repo.ts';

type ServiceDeps = Pick<Deps, 'store' | 'clock' | 'logger'>;

const TOUCH_INTERVAL_MS = 60_000;

/** `tb_` + 32 random bytes, base64url. */
export function generateApiKey(): string {
  return `tb_${randomBytes(32).toString('base64url')}`;
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

function toApiKey(row: ApiKeyRow): ApiKey {
  return {
    id: row.id,
    name: row.name,
    role: row.role,
    prefix: row.prefix,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

async function insertKey(
  deps: ServiceDeps,
  input: { name: string; role: ApiKeyRole; key: string; isBootstrap: boolean },
): Promise<ApiKeyRow> {
  const repo = createApiKeyRepo(deps.store.tables);
  const row: ApiKeyRow = {
    id: randomUUID(),
    name: input.name,
    role: input.role,
    prefix: input.key.slice(0, 10),
    hash: hashApiKey(input.key),
    isBootstrap: input.isBootstrap,
    createdAt: deps.clock.now(),
    lastUsedAt: null,
    revokedAt: null,
  };
  await deps.store.transaction((tx) => repo.insert(tx, row));
  return row;
}

/** Creates a key; the answer is the only time the key itself is shown. */
export async function createApiKey(
  deps: ServiceDeps,
  input: { name: string; role: ApiKeyRole },
): Promise<CreatedApiKey> {
  const key = generateApiKey();
  const row = await insertKey(deps, { ...input, key, isBootstrap: false });
  deps.logger.info({ keyId: row.id, role: row.role }, 'api key created');
  return { ...toApiKey(row), key };
}

export async function listApiKeys(deps: ServiceDeps): Promise<ApiKey[]> {
  const rows = await createApiKeyRepo(deps.store.tables).list(deps.store.db);
  return rows.map(toApiKey);
}

/** Revokes a key; the last active admin key cannot be revoked (nobody could manage keys). */
export async function revokeApiKey(deps: ServiceDeps, id: string): Promise<void> {
  const repo = createApiKeyRepo(deps.store.tables);
  await deps.store.transaction(async (tx) => {
    const row = await repo.findById(tx, id);
    if (!row || row.revokedAt) throw new AppError('not_found', `No active API key ${id}`);
    if (row.role === 'admin' && (await repo.countActiveAdmins(tx)) <= 1) {
      throw new AppError('conflict', 'This is the last active admin key; create another first');
    }
    await repo.revoke(tx, id, deps.clock.now());
  });
  deps.logger.info({ keyId: id }, 'api key revoked');
}

/** Resolves a presented key to its caller; records use at most once a minute per key. */
export function createKeyAuthenticator(deps: ServiceDeps) {
  const repo = createApiKeyRepo(deps.store.tables);
  return async (key: string): Promise<Caller | undefined> => {
    if (!key.startsWith('tb_')) return undefined;
    const row = await repo.findActiveByHash(deps.store.db, hashApiKey(key));
    if (!row) return undefined;
    const now = deps.clock.now();
    if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
      await deps.store.transaction((tx) => repo.touch(tx, row.id, now));
    }
    return { keyId: row.id, name: row.name, role: row.role };
  };
}

/** The caller an active key id stands for; undefined when unknown or revoked (ends UI sessions). */
export async function findActiveCaller(
  deps: Pick<Deps, 'store'>,
  keyId: string,
): Promise<Caller | undefined> {
  const row = await createApiKeyRepo(deps.store.tables).findById(deps.store.db, keyId);
  if (!row || row.revokedAt) return undefined;
  return { keyId: row.id, name: row.name, role: row.role };
}

/**
 * Makes sure an admin can get in. With TESTBRIDGE_ADMIN_KEY, that key is registered; without it,
 * a key is generated when no active admin key exists and returned so it can be printed once.
 */
export async function ensureBootstrapAdminKey(
  deps: ServiceDeps,
  configuredKey: string | undefined,
): Promise<{ generatedKey: string | undefined }> {
  const repo = createApiKeyRepo(deps.store.tables);
  if (configuredKey) {
    const hash = hashApiKey(configuredKey);
    const rows = await repo.list(deps.store.db);
    const existing = rows.find((row) => row.hash === hash);
    if (existing?.revokedAt) {
      deps.logger.warn(
        { keyId: existing.id },
        'TESTBRIDGE_ADMIN_KEY was revoked and stays revoked',
      );
    } else if (!existing) {
      await insertKey(deps, {
        name: 'bootstrap admin (TESTBRIDGE_ADMIN_KEY)',
        role: 'admin',
        key: configuredKey,
        isBootstrap: true,
      });
    }
    return { generatedKey: undefined };
  }
  if ((await repo.countActiveAdmins(deps.store.db)) > 0) return { generatedKey: undefined };
  const key = generateApiKey();
  await insertKey(deps, { name: 'bootstrap admin', role: 'admin', key, isBootstrap: true });
  return { generatedKey: key };
}
