import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { CiCredential, CreatedCiCredential } from '@testbridge/shared/api/devops';
import { newSortableId } from '../db/ids.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../http/errors.ts';
import { CI_TOKEN_CACHE_MS, ciTokenCacheFor } from './ci-token-cache.ts';
import {
  type CiCredentialRow,
  type CredentialWithSite,
  createCiCredentialRepo,
} from './credential-repo.ts';
import { createDevopsSiteRepo } from './repo.ts';

type CredentialDeps = Pick<Deps, 'store' | 'clock' | 'logger' | 'config'>;

/** Lifetime of a bearer token from `POST /oauth/token`. */
export const CI_TOKEN_TTL_SECONDS = 3600;
const TOUCH_INTERVAL_MS = 60_000;

/** A CI tool, authenticated: allowed to post builds and deployments for one DevOps site. */
export interface CiPrincipal {
  credentialId: string;
  clientId: string;
  siteId: string;
  /** The Jira Cloud site the DevOps site is. */
  cloudId: string;
}

function principalOf(found: CredentialWithSite): CiPrincipal {
  const { credential, cloudId } = found;
  return {
    credentialId: credential.id,
    clientId: credential.clientId,
    siteId: credential.siteId,
    cloudId,
  };
}

// One-shot hash: no Hash object per CI request.
const sha256 = (value: string) => hash('sha256', value, 'hex');

function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

function toCiCredential(row: CiCredentialRow): CiCredential {
  return {
    id: row.id,
    siteId: row.siteId,
    name: row.name,
    clientId: row.clientId,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

/** Issues client credentials for a site; the answer is the only time the secret is shown. */
export async function issueCiCredential(
  deps: CredentialDeps,
  siteId: string,
  name: string,
): Promise<CreatedCiCredential> {
  const now = deps.clock.now();
  const clientSecret = `tbcs_${randomBytes(32).toString('base64url')}`;
  const row: CiCredentialRow = {
    id: `dvc_${newSortableId(now)}`,
    siteId,
    name,
    clientId: `tbci_${randomBytes(12).toString('base64url')}`,
    secretHash: sha256(clientSecret),
    createdAt: now,
    lastUsedAt: null,
    revokedAt: null,
  };
  await deps.store.transaction(async (tx) => {
    if (!(await createDevopsSiteRepo(deps.store.tables).findById(tx, siteId))) {
      throw new AppError('not_found', `No DevOps site ${siteId}`);
    }
    await createCiCredentialRepo(deps.store.tables).insert(tx, row);
  });
  deps.logger.info({ siteId, credentialId: row.id }, 'ci credential issued');
  return { ...toCiCredential(row), clientSecret, tokenUrl: `${deps.config.publicUrl}/oauth/token` };
}

export async function listCiCredentials(
  deps: Pick<Deps, 'store'>,
  siteId: string,
): Promise<CiCredential[]> {
  const rows = await createCiCredentialRepo(deps.store.tables).listBySite(deps.store.db, siteId);
  return rows.map(toCiCredential);
}

/** Revokes credentials and every token issued with them, at once. */
export async function revokeCiCredential(
  deps: CredentialDeps,
  siteId: string,
  credentialId: string,
): Promise<void> {
  const repo = createCiCredentialRepo(deps.store.tables);
  const now = deps.clock.now();
  await deps.store.transaction(async (tx) => {
    const row = await repo.findById(tx, credentialId);
    if (!row || row.siteId !== siteId || row.revokedAt) {
      throw new AppError('not_found', `No active CI credential ${credentialId} on ${siteId}`);
    }
    await repo.revoke(tx, credentialId, now);
  });
  ciTokenCacheFor(deps.store).clear();
  deps.logger.info({ siteId, credentialId }, 'ci credential revoked');
}

/** Checks a client id and secret; undefined when unknown, revoked or wrong. */
export async function checkCiClient(
  deps: CredentialDeps,
  clientId: string,
  clientSecret: string,
): Promise<CiPrincipal | undefined> {
  const repo = createCiCredentialRepo(deps.store.tables);
  const found = await repo.findActiveByClientId(deps.store.db, clientId);
  if (!found || !sameHash(found.credential.secretHash, sha256(clientSecret))) return undefined;
  await touch(deps, found.credential);
  return principalOf(found);
}

/** A short-lived bearer token for an authenticated CI client (stored hashed). */
export async function issueCiToken(
  deps: CredentialDeps,
  principal: CiPrincipal,
): Promise<{ accessToken: string; expiresIn: number }> {
  const repo = createCiCredentialRepo(deps.store.tables);
  const now = deps.clock.now();
  const accessToken = `tbat_${randomBytes(32).toString('base64url')}`;
  await deps.store.transaction(async (tx) => {
    await repo.deleteExpiredTokens(tx, now);
    await repo.insertToken(tx, {
      tokenHash: sha256(accessToken),
      credentialId: principal.credentialId,
      expiresAt: new Date(now.getTime() + CI_TOKEN_TTL_SECONDS * 1000),
      createdAt: now,
    });
  });
  return { accessToken, expiresIn: CI_TOKEN_TTL_SECONDS };
}

/**
 * The CI client behind a bearer token from `/oauth/token`; undefined when unknown or expired.
 * Asked on every CI request, so a verified token is remembered for `CI_TOKEN_CACHE_MS`
 * (never past its expiry; revocation in this process forgets it at once).
 */
export async function checkCiToken(
  deps: CredentialDeps,
  token: string,
): Promise<CiPrincipal | undefined> {
  if (!token.startsWith('tbat_')) return undefined;
  const cache = ciTokenCacheFor(deps.store);
  const tokenHash = sha256(token);
  const now = deps.clock.now();
  const cached = cache.get(tokenHash, now.getTime());
  if (cached) {
    if (cached.lastUsedAt === null || now.getTime() - cached.lastUsedAt >= TOUCH_INTERVAL_MS) {
      cached.lastUsedAt = now.getTime();
      await touchCredential(deps, cached.principal.credentialId, now);
    }
    return cached.principal;
  }
  const generation = cache.generation;
  const repo = createCiCredentialRepo(deps.store.tables);
  const found = await repo.findLiveToken(deps.store.db, tokenHash, now);
  if (!found) return undefined;
  const touched = await touch(deps, found.credential);
  const principal = principalOf(found);
  cache.put(
    tokenHash,
    {
      principal,
      tokenExpiresAt: found.expiresAt.getTime(),
      checkedUntil: now.getTime() + CI_TOKEN_CACHE_MS,
      lastUsedAt: touched ? now.getTime() : (found.credential.lastUsedAt?.getTime() ?? null),
    },
    generation,
  );
  return principal;
}

/** Records use of a credential, at most once a minute (a write per CI request would cost). */
async function touch(deps: CredentialDeps, row: CiCredentialRow): Promise<boolean> {
  const now = deps.clock.now();
  if (row.lastUsedAt && now.getTime() - row.lastUsedAt.getTime() < TOUCH_INTERVAL_MS) return false;
  await touchCredential(deps, row.id, now);
  return true;
}

function touchCredential(deps: CredentialDeps, id: string, now: Date): Promise<void> {
  return deps.store.transaction((tx) =>
    createCiCredentialRepo(deps.store.tables).touch(tx, id, now),
  );
}
