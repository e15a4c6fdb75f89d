import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnectionRepo } from '../connections/repo.ts';
import { openStore, type Store } from '../db/store.ts';
import { createTestStoreOptions, STORE_KINDS } from '../testing/index.ts';
import { createInstallationRepo, type InstallationRow } from './repo.ts';

const at = (iso: string) => new Date(iso);
const CLOUD = '6a0c1c29-3b6f-4c1a-9c55-000000000001';

const row = (id: string, installedAt: string, changes: Partial<InstallationRow> = {}) => ({
  id,
  installationId: `ari:cloud:ecosystem::installation/${id}`,
  appId: 'ari:cloud:ecosystem::app/app-1',
  environment: 'PRODUCTION',
  cloudId: CLOUD,
  siteUrl: 'https://acme.atlassian.net',
  apiBaseUrl: `https://api.atlassian.com/ex/jira/${CLOUD}`,
  connectionId: null,
  installedAt: at(installedAt),
  updatedAt: at(installedAt),
  uninstalledAt: null,
  ...changes,
});

describe.each(STORE_KINDS)('forge installation repo on %s', (kind) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let repo: ReturnType<typeof createInstallationRepo>;

  beforeAll(async () => {
    const location = await createTestStoreOptions(kind);
    cleanup = location.cleanup;
    store = await openStore(location.options);
    repo = createInstallationRepo(store.tables);
  });
  afterAll(async () => {
    await store.close();
    await cleanup();
  });

  it('round-trips every column and finds the current installation of a site', async () => {
    await store.transaction((tx) => repo.upsert(tx, row('a', '2026-01-01T00:00:00.000Z')));
    expect(
      await repo.findByInstallationId(store.db, 'ari:cloud:ecosystem::installation/a'),
    ).toEqual(row('a', '2026-01-01T00:00:00.000Z'));
    expect((await repo.findCurrentForSite(store.db, CLOUD))?.id).toBe('a');
    expect(await repo.findCurrentForSite(store.db, 'another-site')).toBeUndefined();
  });

  it('keeps the first install time and clears "gone" when the same installation is recorded again', async () => {
    expect(
      await store.transaction((tx) =>
        repo.markUninstalled(tx, 'ari:cloud:ecosystem::installation/a', at('2026-01-02T00:00:00Z')),
      ),
    ).toBe(true);
    expect(await repo.findCurrentForSite(store.db, CLOUD)).toBeUndefined();
    await store.transaction((tx) =>
      repo.upsert(
        tx,
        row('a-again', '2026-01-03T00:00:00.000Z', {
          installationId: 'ari:cloud:ecosystem::installation/a',
          environment: 'STAGING',
        }),
      ),
    );
    const again = await repo.findCurrentForSite(store.db, CLOUD);
    expect(again).toMatchObject({
      id: 'a',
      environment: 'STAGING',
      installedAt: at('2026-01-01T00:00:00.000Z'),
      updatedAt: at('2026-01-03T00:00:00.000Z'),
      uninstalledAt: null,
    });
  });

  it('marks an installation gone once; an unknown one not at all', async () => {
    const gone = at('2026-02-01T00:00:00.000Z');
    const id = 'ari:cloud:ecosystem::installation/a';
    expect(await store.transaction((tx) => repo.markUninstalled(tx, id, gone))).toBe(true);
    expect(await store.transaction((tx) => repo.markUninstalled(tx, id, gone))).toBe(false);
    expect(await store.transaction((tx) => repo.markUninstalled(tx, 'nope', gone))).toBe(false);
    expect((await repo.findByInstallationId(store.db, id))?.uninstalledAt).toEqual(gone);
  });

  it('prefers the newest installation of a site and forgets a deleted connection', async () => {
    const connections = createConnectionRepo(store.tables);
    const now = at('2026-03-01T00:00:00.000Z');
    await store.transaction(async (tx) => {
      await connections.insert(tx, {
        id: 'conn-1',
        name: 'acme',
        jiraUrl: 'https://acme.atlassian.net',
        linkBaseUrl: null,
        deployment: 'cloud',
        serverVersion: null,
        cloudId: CLOUD,
        authType: 'cloud_api_token',
        oauthApp: null,
        clientId: null,
        clientSecret: null,
        consumerKey: null,
        privateKey: null,
        publicKey: null,
        username: 'bot@example.com',
        status: 'active',
        statusReason: null,
        requireUserGrantForWrites: false,
        proxyUrl: null,
        proxyUsername: null,
        proxyPassword: null,
        diagnostics: null,
        createdAt: now,
        updatedAt: now,
      });
      await repo.upsert(tx, row('b', '2026-03-01T00:00:00.000Z', { connectionId: 'conn-1' }));
    });
    expect(await repo.findCurrentForSite(store.db, CLOUD)).toMatchObject({
      id: 'b',
      connectionId: 'conn-1',
    });
    await store.transaction((tx) => connections.delete(tx, 'conn-1'));
    expect((await repo.findCurrentForSite(store.db, CLOUD))?.connectionId).toBeNull();
  });
});
