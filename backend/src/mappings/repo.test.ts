import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../db/store.ts';
import { createTestStoreOptions, STORE_KINDS } from '../testing/index.ts';
import { createMappingRepo, type MappingRow } from './repo.ts';

const at = new Date('2026-01-01T00:00:00.000Z');

describe.each(STORE_KINDS)('mapping repo on %s', (kind) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  const repo = () => createMappingRepo(store.tables);
  const row = (
    id: string,
    toolProjectKey: string,
    connectionId: string,
    jiraProjectKey: string,
  ): MappingRow => ({
    id,
    toolProjectKey,
    toolProjectName: `${toolProjectKey} tests`,
    connectionId,
    jiraProjectId: '10000',
    jiraProjectKey,
    createDefects: true,
    defectIssueTypeId: '10003',
    defectIssueTypeName: 'Bug',
    labels: '["qa"]',
    components: '[]',
    webhookMode: 'automatic',
    jiraProjectStatus: 'active',
    createdAt: at,
    updatedAt: at,
  });

  beforeAll(async () => {
    const location = await createTestStoreOptions(kind);
    cleanup = location.cleanup;
    store = await openStore(location.options);
    // Mappings reference connections: two bare connection rows.
    await store.transaction(async (tx) => {
      for (const id of ['c1', 'c2']) {
        await tx.insert(store.tables.connections).values({
          id,
          name: id,
          jiraUrl: 'https://jira.example.test',
          deployment: 'cloud',
          authType: 'cloud_api_token',
          status: 'active',
          createdAt: at,
          updatedAt: at,
        });
      }
    });
  });
  afterAll(async () => {
    await store.close();
    await cleanup();
  });

  it('round-trips a mapping and finds it by tool project and by Jira project', async () => {
    await store.transaction(async (tx) => {
      await repo().insert(tx, row('m2', 'WEB', 'c1', 'TB'));
      await repo().insert(tx, row('m1', 'API', 'c1', 'TB'));
      await repo().insert(tx, row('m3', 'OPS', 'c2', 'OPS'));
    });
    expect(await repo().findById(store.db, 'm1')).toEqual(row('m1', 'API', 'c1', 'TB'));
    expect((await repo().findByToolProject(store.db, 'WEB'))?.id).toBe('m2');
    expect((await repo().findByJiraProject(store.db, 'c1', 'TB'))?.id).toBe('m1');
    expect((await repo().list(store.db, 'c1')).map((m) => m.id)).toEqual(['m1', 'm2']);
    expect((await repo().list(store.db)).map((m) => m.id)).toEqual(['m1', 'm3', 'm2']);
  });

  it('refuses a second mapping of one tool project, updates and deletes', async () => {
    await expect(
      store.transaction((tx) => repo().insert(tx, row('m9', 'API', 'c2', 'X'))),
    ).rejects.toThrow();
    await store.transaction((tx) =>
      repo().update(tx, { ...row('m1', 'API', 'c2', 'OPS'), webhookMode: 'off' }),
    );
    expect(await repo().findById(store.db, 'm1')).toMatchObject({
      connectionId: 'c2',
      webhookMode: 'off',
    });
    expect(await store.transaction((tx) => repo().delete(tx, 'm1'))).toBe(true);
    expect(await store.transaction((tx) => repo().delete(tx, 'm1'))).toBe(false);
  });
});
