import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createSim, SEEDED } from '@testbridge/jira-sim';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlainSecret } from './crypto/secret.ts';
import { createTestApp, TEST_ADMIN_KEY, TEST_MASTER_KEY } from './testing/index.ts';

type TestApp = Awaited<ReturnType<typeof createTestApp>>;

/** Every byte the store wrote: the database file, its WAL and anything else in the data dir. */
function storeBytes(dataDir: string): Buffer {
  return Buffer.concat(
    readdirSync(dataDir)
      .filter((name) => name !== 'master.key')
      .map((name) => readFileSync(join(dataDir, name))),
  );
}

describe('a planted secret', () => {
  let t: TestApp;
  const planted = 'PLANTED-secret-7f3a9c2e-do-not-leak';
  const responses: string[] = [];
  let createdKey = '';

  const sim = createSim({ baseUrl: 'http://jira-sim.test' });
  const proxyPassword = 'PROXY-pass-91c2-do-not-leak';
  const secrets = () => [
    planted,
    createdKey,
    TEST_ADMIN_KEY,
    TEST_MASTER_KEY,
    SEEDED.apiTokens.alice,
    SEEDED.pats.admin,
    proxyPassword,
  ];

  beforeAll(async () => {
    t = await createTestApp({
      fetch: sim.fetch as typeof fetch,
      env: { ALLOW_PRIVATE_JIRA_URLS: '1', ALLOW_PRIVATE_PROXY_URLS: '1' },
    });
    // Real credentials through the real flows: an API token, a PAT, a proxy password.
    for (const body of [
      {
        name: 'cloud',
        jiraUrl: `${sim.baseUrl}/cloud/acme`,
        auth: {
          type: 'cloud_api_token',
          email: 'alice@acme.test',
          apiToken: SEEDED.apiTokens.alice,
        },
      },
      {
        name: 'dc',
        jiraUrl: `${sim.baseUrl}/dc/jira`,
        proxy: { url: 'http://127.0.0.1:3128', username: 'corp', password: proxyPassword },
        auth: { type: 'dc_pat', token: SEEDED.pats.admin },
      },
    ]) {
      const res = await t.app.request('/api/v1/connections', {
        method: 'POST',
        headers: t.asAdmin({ 'content-type': 'application/json' }),
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(201);
      responses.push(await res.text());
    }
    // A feature's sealed column, the way every credential is stored.
    await t.deps.store.transaction(async (tx) => {
      await t.deps.store.execute(
        tx,
        sql`CREATE TABLE probe_vault (id text PRIMARY KEY, secret text)`,
      );
      const sealed = t.deps.sealer.seal(new PlainSecret(planted), {
        table: 'probe_vault',
        column: 'secret',
        rowId: 'v1',
      });
      await t.deps.store.execute(tx, sql`INSERT INTO probe_vault VALUES ('v1', ${sealed})`);
    });
    t.deps.logger.info({ secret: new PlainSecret(planted), clientSecret: planted }, 'planted');

    const created = await t.app.request('/api/v1/api-keys', {
      method: 'POST',
      headers: t.asAdmin({ 'content-type': 'application/json' }),
      body: JSON.stringify({ name: 'ci', role: 'tool' }),
    });
    createdKey = ((await created.json()) as { key: string }).key;
    for (const path of [
      '/api/v1/api-keys',
      '/api/v1/whoami',
      '/api/v1/connections',
      '/metrics',
      '/openapi.json',
    ]) {
      const res = await t.app.request(path, { headers: t.asAdmin() });
      responses.push(await res.text());
    }
    const asTool = await t.app.request('/api/v1/whoami', {
      headers: { authorization: `Bearer ${createdKey}` },
    });
    responses.push(await asTool.text());
    await t.deps.store.close();
  });
  afterAll(() => t.cleanup().catch(() => undefined));

  it('is not in the database files in plain text, nor are API keys or the master key', () => {
    const bytes = storeBytes(t.dataDir);
    expect(bytes.length).toBeGreaterThan(0);
    for (const secret of secrets()) {
      expect(bytes.includes(Buffer.from(secret)), secret.slice(0, 12)).toBe(false);
    }
    expect(bytes.includes(Buffer.from(TEST_MASTER_KEY, 'base64'))).toBe(false);
  });

  it('is not in any log line', () => {
    const logs = t.logs.text();
    expect(logs).toContain('planted');
    for (const secret of secrets()) {
      expect(logs.includes(secret), secret.slice(0, 12)).toBe(false);
    }
  });

  it('is not in any response after the one that created the key', () => {
    for (const body of responses) {
      for (const secret of secrets()) {
        expect(body.includes(secret)).toBe(false);
      }
    }
  });
});
