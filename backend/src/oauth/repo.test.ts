import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SealedSecret } from '../crypto/secret.ts';
import { openStore, type Store } from '../db/store.ts';
import { createTestStoreOptions, STORE_KINDS } from '../testing/index.ts';
import {
  createOAuthRepo,
  type FlowRow,
  type OAuthConnectionRow,
  type OAuthGrantRow,
} from './repo.ts';

const at = new Date('2026-03-02T09:00:00.000Z');
const sealed = (value: string) => value as SealedSecret;

const connection = (id: string): OAuthConnectionRow => ({
  id,
  name: `OAuth ${id}`,
  jiraUrl: 'https://jira.example.com',
  linkBaseUrl: null,
  deployment: 'data_center',
  serverVersion: '9.12.2',
  cloudId: null,
  authType: 'dc_oauth2',
  oauthApp: null,
  clientId: 'client',
  clientSecret: sealed('sealed-secret'),
  consumerKey: null,
  privateKey: null,
  publicKey: null,
  username: null,
  status: 'pending_authorization',
  statusReason: null,
  requireUserGrantForWrites: false,
  proxyUrl: null,
  proxyUsername: null,
  proxyPassword: null,
  diagnostics: null,
  createdAt: at,
  updatedAt: at,
});

const flow = (id: string, connectionId: string): FlowRow => ({
  id,
  connectionId,
  subject: '',
  startedBy: 'key-1|',
  stateHash: `hash-${id}`,
  codeVerifier: sealed('sealed-verifier'),
  requestToken: `rt-${id}`,
  oob: false,
  status: 'pending',
  failure: null,
  expiresAt: new Date(at.getTime() + 600_000),
  verificationHash: null,
  verificationExpiresAt: null,
  wrongCodes: 0,
  accessToken: null,
  refreshToken: null,
  tokenExpiresAt: null,
  scopes: null,
  sites: null,
  browserBindingHash: `binding-${id}`,
  browserVerified: false,
  createdAt: at,
  updatedAt: at,
});

const grant = (id: string, connectionId: string, subject: string): OAuthGrantRow => ({
  id,
  connectionId,
  subject,
  accessToken: sealed(`sealed-at-${id}`),
  tokenSecret: null,
  refreshToken: sealed(`sealed-rt-${id}`),
  expiresAt: new Date(at.getTime() + 3_600_000),
  scopes: 'WRITE',
  accountId: null,
  accountDisplayName: null,
  lastUsedAt: null,
  createdAt: at,
  updatedAt: at,
});

describe.each(STORE_KINDS)('oauth repo on %s', (kind) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let repo: ReturnType<typeof createOAuthRepo>;

  beforeAll(async () => {
    const location = await createTestStoreOptions(kind);
    cleanup = location.cleanup;
    store = await openStore(location.options);
    repo = createOAuthRepo(store);
    await store.transaction((tx) => repo.insertConnection(tx, connection('c1')));
  });
  afterAll(async () => {
    await store.close();
    await cleanup();
  });

  it('finds a flow by its state hash, its id and its OAuth 1.0a request token', async () => {
    await store.transaction((tx) => repo.insertFlow(tx, flow('f1', 'c1')));
    expect((await repo.findFlowByState(store.db, 'hash-f1'))?.id).toBe('f1');
    expect((await repo.findFlowByRequestToken(store.db, 'rt-f1'))?.id).toBe('f1');
    expect(await repo.findFlow(store.db, 'f1')).toEqual(flow('f1', 'c1'));
    expect(await repo.findFlowByState(store.db, 'hash-unknown')).toBeUndefined();
  });

  it('claims a flow once: the second claim finds it completed', async () => {
    await store.transaction((tx) => repo.insertFlow(tx, flow('f2', 'c1')));
    const claim = () =>
      store.transaction((tx) =>
        repo.claimFlow(tx, 'f2', { verificationHash: null, updatedAt: at }),
      );
    expect(await claim()).toBe(true);
    expect(await claim()).toBe(false);
    expect((await repo.findFlow(store.db, 'f2'))?.status).toBe('completed');
  });

  it('keeps one grant per connection and subject, updated in place under a row lock', async () => {
    await store.transaction((tx) => repo.upsertGrant(tx, grant('g1', 'c1', '')));
    await store.transaction((tx) => repo.upsertGrant(tx, grant('g2', 'c1', 'tool-user')));
    await store.transaction(async (tx) => {
      await repo.lockGrant(tx, 'g1');
      await repo.updateGrant(tx, 'g1', { accessToken: sealed('sealed-at-new'), updatedAt: at });
    });
    expect((await repo.findGrant(store.db, 'c1', ''))?.accessToken).toBe('sealed-at-new');
    expect((await repo.findGrantById(store.db, 'g2'))?.subject).toBe('tool-user');
    expect(await store.transaction((tx) => repo.deleteGrant(tx, 'c1', 'tool-user'))).toBe(true);
    expect(await store.transaction((tx) => repo.deleteGrant(tx, 'c1', 'tool-user'))).toBe(false);
  });

  it('lists and drops the users’ grants apart from the shared one, with their account and last use', async () => {
    const used = new Date(at.getTime() + 60_000);
    await store.transaction(async (tx) => {
      await repo.insertConnection(tx, connection('c4'));
      await repo.upsertGrant(tx, grant('g4', 'c4', ''));
      await repo.upsertGrant(tx, {
        ...grant('g5', 'c4', 'zoe'),
        accountId: 'acc-zoe',
        accountDisplayName: 'Zoe',
      });
      await repo.upsertGrant(tx, grant('g6', 'c4', 'adam'));
      await repo.updateGrant(tx, 'g5', { lastUsedAt: used });
    });
    const listed = await repo.listUserGrants(store.db, 'c4');
    expect(listed.map((row) => row.subject)).toEqual(['adam', 'zoe']);
    expect(listed[1]).toMatchObject({ accountId: 'acc-zoe', accountDisplayName: 'Zoe' });
    expect(listed[1]?.lastUsedAt?.toISOString()).toBe(used.toISOString());
    expect(await store.transaction((tx) => repo.deleteUserGrants(tx, 'c4'))).toBe(2);
    expect(await repo.listUserGrants(store.db, 'c4')).toEqual([]);
    expect((await repo.findGrant(store.db, 'c4', ''))?.id).toBe('g4');
    expect(await store.transaction((tx) => repo.deleteGrants(tx, 'c4'))).toBe(1);
  });

  it('purges the flows that expired before the cutoff, and no others', async () => {
    const old = { ...flow('f-old', 'c1'), expiresAt: new Date(at.getTime() - 7_200_000) };
    await store.transaction(async (tx) => {
      await repo.insertFlow(tx, old);
      await repo.insertFlow(tx, flow('f-live', 'c1'));
    });
    const purged = await store.transaction((tx) =>
      repo.purgeFlows(tx, new Date(at.getTime() - 3_600_000)),
    );
    expect(purged).toBe(1);
    expect(await repo.findFlow(store.db, 'f-old')).toBeUndefined();
    expect((await repo.findFlow(store.db, 'f-live'))?.browserBindingHash).toBe('binding-f-live');
  });

  it('drops the flows and grants of a deleted connection', async () => {
    await store.transaction(async (tx) => {
      await repo.insertConnection(tx, connection('c2'));
      await repo.insertFlow(tx, flow('f3', 'c2'));
      await repo.upsertGrant(tx, grant('g3', 'c2', ''));
    });
    await store.transaction((tx) =>
      tx.delete(store.tables.connections).where(eq(store.tables.connections.id, 'c2')),
    );
    expect(await repo.findFlow(store.db, 'f3')).toBeUndefined();
    expect(await repo.findGrantById(store.db, 'g3')).toBeUndefined();
  });
});
