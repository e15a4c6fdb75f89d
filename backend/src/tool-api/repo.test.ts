import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SealedSecret } from '../crypto/secret.ts';
import { openStore, type Store } from '../db/store.ts';
import { createTestStoreOptions, STORE_KINDS } from '../testing/index.ts';
import { createToolApiRepo, type ToolConnectionRow, type ToolGrantRow } from './repo.ts';

const at = new Date('2026-01-01T00:00:00.000Z');
const connection = (id: string): ToolConnectionRow => ({
  id,
  name: `Connection ${id}`,
  jiraUrl: 'https://acme.atlassian.net',
  linkBaseUrl: 'https://jira.acme.example',
  deployment: 'cloud',
  serverVersion: '1001.0.0',
  cloudId: null,
  authType: 'cloud_api_token',
  oauthApp: null,
  clientId: null,
  clientSecret: null,
  consumerKey: null,
  privateKey: null,
  publicKey: null,
  username: 'alice@acme.test',
  status: 'active',
  statusReason: null,
  requireUserGrantForWrites: false,
  proxyUrl: null,
  proxyUsername: null,
  proxyPassword: null,
  diagnostics: null,
  createdAt: at,
  updatedAt: at,
});
const grant = (id: string, connectionId: string, subject: string): ToolGrantRow => ({
  id,
  connectionId,
  subject,
  accessToken: `sealed-${id}` as SealedSecret,
  tokenSecret: null,
  refreshToken: null,
  expiresAt: null,
  scopes: null,
  accountId: null,
  createdAt: at,
  updatedAt: at,
});

describe.each(STORE_KINDS)('tool API repo on %s', (kind) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const test = await createTestStoreOptions(kind);
    cleanup = test.cleanup;
    store = await openStore(test.options);
    const { connections, grants } = store.tables;
    await store.transaction(async (tx) => {
      await tx.insert(connections).values([connection('c1'), connection('c2')]);
      // The user's grant is inserted first, so a join that ignored the subject would find it.
      await tx
        .insert(grants)
        .values([grant('g-user', 'c1', 'tool-user'), grant('g-shared', 'c1', '')]);
      await tx.insert(grants).values(grant('g-user-2', 'c2', 'tool-user'));
    });
  });
  afterAll(async () => {
    await store.close();
    await cleanup();
  });

  it('finds a connection with its shared grant, never a user’s', async () => {
    const found = await createToolApiRepo(store.tables).findConnection(store.db, 'c1');
    expect(found?.connection).toMatchObject({ id: 'c1', linkBaseUrl: 'https://jira.acme.example' });
    expect(found?.sharedGrant).toMatchObject({ id: 'g-shared', subject: '' });
  });

  it('finds a connection without a shared grant, and nothing for an unknown id', async () => {
    const repo = createToolApiRepo(store.tables);
    const found = await repo.findConnection(store.db, 'c2');
    expect(found?.connection.id).toBe('c2');
    expect(found?.sharedGrant).toBeNull();
    expect(await repo.findConnection(store.db, 'nope')).toBeUndefined();
  });
});
