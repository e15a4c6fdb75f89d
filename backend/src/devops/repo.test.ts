import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SealedSecret } from '../crypto/secret.ts';
import { openStore, type Store } from '../db/store.ts';
import { createTestStoreOptions, STORE_KINDS } from '../testing/index.ts';
import { type CiCredentialRow, createCiCredentialRepo } from './credential-repo.ts';
import { createDevopsSiteRepo, type DevopsSiteRow } from './repo.ts';

const at = (iso: string) => new Date(iso);
const sealed = (value: string) => `tbs1.k.${value}` as SealedSecret;

const site = (id: string, cloudId: string, createdAt: string): DevopsSiteRow => ({
  id,
  name: `site ${id}`,
  siteUrl: `https://${id}.atlassian.net`,
  cloudId,
  clientId: `client-${id}`,
  clientSecret: sealed('secret'),
  serverBaseUrl: null,
  logoUrl: 'https://ci.example/logo.png',
  status: 'active',
  attentionReason: null,
  accessToken: null,
  accessTokenExpiresAt: null,
  createdAt: at(createdAt),
  updatedAt: at(createdAt),
  verifiedAt: at(createdAt),
});

const credential = (id: string, siteId: string): CiCredentialRow => ({
  id,
  siteId,
  name: `ci ${id}`,
  clientId: `tbci_${id}`,
  secretHash: `hash-${id}`,
  createdAt: at('2026-01-01T00:00:00.000Z'),
  lastUsedAt: null,
  revokedAt: null,
});

describe.each(STORE_KINDS)('devops repos on %s', (kind) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let sites: ReturnType<typeof createDevopsSiteRepo>;
  let creds: ReturnType<typeof createCiCredentialRepo>;

  beforeAll(async () => {
    const location = await createTestStoreOptions(kind);
    cleanup = location.cleanup;
    store = await openStore(location.options);
    sites = createDevopsSiteRepo(store.tables);
    creds = createCiCredentialRepo(store.tables);
    await store.transaction(async (tx) => {
      await sites.insert(tx, site('b', 'cloud-b', '2026-01-02T00:00:00.000Z'));
      await sites.insert(tx, site('a', 'cloud-a', '2026-01-01T00:00:00.000Z'));
      await creds.insert(tx, credential('c1', 'a'));
      await creds.insert(tx, credential('c2', 'a'));
    });
  });
  afterAll(async () => {
    await store.close();
    await cleanup();
  });

  it('round-trips every site column, lists oldest first and finds by cloudId', async () => {
    expect((await sites.list(store.db)).map((s) => s.id)).toEqual(['a', 'b']);
    expect(await sites.findById(store.db, 'a')).toEqual(
      site('a', 'cloud-a', '2026-01-01T00:00:00.000Z'),
    );
    expect((await sites.findByCloudId(store.db, 'cloud-b'))?.id).toBe('b');
  });

  it('refuses a second site for one cloudId', async () => {
    await expect(
      store.transaction((tx) => sites.insert(tx, site('x', 'cloud-a', '2026-01-03T00:00:00.000Z'))),
    ).rejects.toThrow();
  });

  it('updates a site and replaces its environment rules in order', async () => {
    const expiry = at('2026-01-01T01:00:00.000Z');
    await store.transaction((tx) =>
      sites.update(tx, 'b', {
        status: 'needs_attention',
        attentionReason: '401',
        accessToken: sealed('t'),
        accessTokenExpiresAt: expiry,
      }),
    );
    expect(await sites.findById(store.db, 'b')).toMatchObject({
      status: 'needs_attention',
      accessTokenExpiresAt: expiry,
    });
    const rule = (id: string, position: number, pattern: string) => ({
      id,
      siteId: 'b',
      position,
      pattern,
      environmentType: 'production' as const,
    });
    await store.transaction((tx) =>
      sites.replaceRules(tx, 'b', [rule('r2', 1, 'two'), rule('r1', 0, 'one')]),
    );
    await store.transaction((tx) =>
      sites.replaceRules(tx, 'b', [rule('r3', 1, 'four'), rule('r4', 0, 'three')]),
    );
    expect((await sites.listRules(store.db, 'b')).map((r) => r.pattern)).toEqual(['three', 'four']);
  });

  it('finds live tokens with their site, and forgets revoked credentials and expired tokens', async () => {
    const now = at('2026-01-01T00:00:00.000Z');
    await store.transaction(async (tx) => {
      await creds.insertToken(tx, {
        tokenHash: 't1',
        credentialId: 'c1',
        expiresAt: at('2026-01-01T01:00:00.000Z'),
        createdAt: now,
      });
      await creds.insertToken(tx, {
        tokenHash: 't2',
        credentialId: 'c2',
        expiresAt: at('2026-01-01T01:00:00.000Z'),
        createdAt: now,
      });
    });
    expect(await creds.findLiveToken(store.db, 't1', now)).toMatchObject({
      cloudId: 'cloud-a',
      credential: { id: 'c1' },
    });
    expect(
      await creds.findLiveToken(store.db, 't1', at('2026-01-01T01:00:00.000Z')),
    ).toBeUndefined();
    expect((await creds.findActiveByClientId(store.db, 'tbci_c2'))?.cloudId).toBe('cloud-a');
    expect(await store.transaction((tx) => creds.revoke(tx, 'c2', now))).toBe(true);
    expect(await store.transaction((tx) => creds.revoke(tx, 'c2', now))).toBe(false);
    expect(await creds.findActiveByClientId(store.db, 'tbci_c2')).toBeUndefined();
    expect(await creds.findLiveToken(store.db, 't2', now)).toBeUndefined();
    expect(
      await store.transaction((tx) =>
        creds.deleteExpiredTokens(tx, at('2026-01-01T02:00:00.000Z')),
      ),
    ).toBe(1);
    const touched = at('2026-01-01T00:30:00.000Z');
    await store.transaction((tx) => creds.touch(tx, 'c1', touched));
    expect((await creds.listBySite(store.db, 'a')).map((c) => [c.id, c.lastUsedAt])).toEqual([
      ['c1', touched],
      ['c2', null],
    ]);
  });

  it('deletes a site with its credentials and rules', async () => {
    expect(await store.transaction((tx) => sites.delete(tx, 'a'))).toBe(true);
    expect(await creds.listBySite(store.db, 'a')).toEqual([]);
    expect(await store.transaction((tx) => sites.delete(tx, 'a'))).toBe(false);
  });
});
