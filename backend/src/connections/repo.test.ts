import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SealedSecret } from '../crypto/secret.ts';
import { openStore, type Store } from '../db/store.ts';
import { createTestStoreOptions, STORE_KINDS } from '../testing/index.ts';
import { type ConnectionRow, createConnectionRepo, type GrantRow } from './repo.ts';

const at = new Date('2026-01-01T00:00:00.000Z');
const connection = (id: string, name: string): ConnectionRow => ({
  id,
  name,
  jiraUrl: 'https://acme.atlassian.net',
  linkBaseUrl: null,
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
  requireUserGrantForWrites: true,
  proxyUrl: null,
  proxyUsername: null,
  proxyPassword: null,
  diagnostics: {
    ranAt: at.toISOString(),
    checks: [{ name: 'myself', result: 'pass', detail: 'ok' }],
  },
  createdAt: at,
  updatedAt: at,
});
const grant = (id: string, connectionId: string, token: string): GrantRow => ({
  id,
  connectionId,
  subject: '',
  accessToken: token as SealedSecret,
  tokenSecret: null,
  refreshToken: null,
  expiresAt: new Date('2026-01-01T01:00:00.000Z'),
  scopes: 'read:jira-work',
  accountId: 'acc-1',
  accountDisplayName: null,
  lastUsedAt: null,
  createdAt: at,
  updatedAt: at,
});

describe.each(STORE_KINDS)('connection repo on %s', (kind) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let repo: ReturnType<typeof createConnectionRepo>;

  beforeAll(async () => {
    const location = await createTestStoreOptions(kind);
    cleanup = location.cleanup;
    store = await openStore(location.options);
    repo = createConnectionRepo(store.tables);
    await store.transaction(async (tx) => {
      await repo.insert(tx, connection('c1', 'Beta'));
      await repo.insert(tx, connection('c2', 'Alpha'));
      await repo.upsertGrant(tx, grant('g1', 'c1', 'tbs1.first'));
    });
  });
  afterAll(async () => {
    await store.close();
    await cleanup();
  });

  it('round-trips every column, JSON and booleans included, and lists by name', async () => {
    expect(await repo.findById(store.db, 'c1')).toEqual(connection('c1', 'Beta'));
    expect((await repo.list(store.db)).map((c) => c.name)).toEqual(['Alpha', 'Beta']);
    expect((await repo.findByName(store.db, 'Alpha'))?.id).toBe('c2');
  });

  it('keeps one grant per connection and subject, replacing it on upsert', async () => {
    await store.transaction((tx) =>
      repo.upsertGrant(tx, { ...grant('g-other', 'c1', 'tbs1.second') }),
    );
    const found = await repo.findGrant(store.db, 'c1', '');
    expect(found?.id).toBe('g1');
    expect(found?.accessToken).toBe('tbs1.second');
  });

  it('finds the shared grant or a user’s by subject, never one for the other', async () => {
    // The user's grant is inserted first, so a lookup that ignored the subject would find it.
    await store.transaction(async (tx) => {
      await repo.upsertGrant(tx, { ...grant('g-user', 'c2', 'tbs1.user'), subject: 'tool-user' });
      await repo.upsertGrant(tx, grant('g-shared', 'c2', 'tbs1.shared'));
    });
    expect((await repo.findGrant(store.db, 'c2', ''))?.id).toBe('g-shared');
    expect((await repo.findGrant(store.db, 'c2', 'tool-user'))?.id).toBe('g-user');
    expect(await repo.findGrant(store.db, 'c2', 'someone-else')).toBeUndefined();
  });

  it('reads a connection for a call with its shared grant and the named user’s, nobody else’s', async () => {
    await store.transaction(async (tx) => {
      await repo.insert(tx, connection('c3', 'Gamma'));
      await repo.upsertGrant(tx, { ...grant('g3-bob', 'c3', 'tbs1.bob'), subject: 'bob' });
      await repo.upsertGrant(tx, { ...grant('g3-carol', 'c3', 'tbs1.carol'), subject: 'carol' });
    });
    // No shared grant yet: only the user's own.
    const before = await repo.findForCall(store.db, 'c3', 'bob');
    expect(before?.connection).toEqual(connection('c3', 'Gamma'));
    expect(before?.shared).toBeUndefined();
    expect(before?.own?.id).toBe('g3-bob');

    await store.transaction((tx) => repo.upsertGrant(tx, grant('g3-shared', 'c3', 'tbs1.s')));
    const found = await repo.findForCall(store.db, 'c3', 'carol');
    expect(found?.shared).toEqual(grant('g3-shared', 'c3', 'tbs1.s'));
    expect(found?.own?.accessToken).toBe('tbs1.carol');
    const nobody = await repo.findForCall(store.db, 'c3', '');
    expect([nobody?.shared?.id, nobody?.own]).toEqual(['g3-shared', undefined]);
    expect((await repo.findForCall(store.db, 'c3', 'dave'))?.own).toBeUndefined();

    // The prepared statement reads what is stored now, not what it saw when prepared.
    await store.transaction((tx) =>
      repo.upsertGrant(tx, { ...grant('g3-x', 'c3', 'tbs1.bob2'), subject: 'bob' }),
    );
    expect((await repo.findForCall(store.db, 'c3', 'bob'))?.own?.accessToken).toBe('tbs1.bob2');
    expect(await repo.findForCall(store.db, 'missing', 'bob')).toBeUndefined();
  });

  it('pages history newest first, stable within the same instant', async () => {
    await store.transaction(async (tx) => {
      for (const [i, type] of (['created', 'authorized', 'refreshed'] as const).entries()) {
        await repo.appendEvent(tx, {
          id: `e${i}`,
          connectionId: 'c1',
          at,
          type,
          actor: 'test',
          detail: { i },
        });
      }
    });
    const first = await repo.listEvents(store.db, 'c1', 2);
    expect(first.map((e) => e.id)).toEqual(['e2', 'e1']);
    const last = first[1];
    const rest = await repo.listEvents(
      store.db,
      'c1',
      2,
      last ? { at: last.at, id: last.id } : undefined,
    );
    expect(rest.map((e) => e.id)).toEqual(['e0']);
    expect(rest[0]?.detail).toEqual({ i: 0 });
  });

  it('deletes grants and history with their connection', async () => {
    expect(await store.transaction((tx) => repo.delete(tx, 'c1'))).toBe(true);
    expect(await repo.findGrant(store.db, 'c1', '')).toBeUndefined();
    expect(await repo.listEvents(store.db, 'c1', 10)).toEqual([]);
  });
});
