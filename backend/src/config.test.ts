import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

function problemsOf(env: Record<string, string>): { variable: string; message: string }[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('runs on the embedded SQLite store with documented defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.store).toEqual({ kind: 'sqlite', file: './data/testbridge.db' });
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.atlassian.authUrl).toBe('https://auth.atlassian.com');
    expect(config.atlassian.apiUrl).toBe('https://api.atlassian.com');
    expect(config.allowPrivateJiraUrls).toBe(false);
    expect(config.allowPrivateProxyUrls).toBe(false);
    expect(config.jiraMaxSocketsPerSite).toBe(16);
  });

  it('uses PostgreSQL when DATABASE_URL is a postgres URL', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u@db:5432/tb' });
    expect(config.store).toEqual({ kind: 'postgres', url: 'postgres://u@db:5432/tb' });
  });

  it('strips trailing slashes from base URLs so paths join cleanly', () => {
    const config = loadConfig({
      ATLASSIAN_AUTH_URL: 'http://sim.test/auth/',
      PUBLIC_URL: 'https://tb.example.com/',
    });
    expect(config.atlassian.authUrl).toBe('http://sim.test/auth');
    expect(config.publicUrl).toBe('https://tb.example.com');
  });

  it('reports every bad variable at once, by name', () => {
    const problems = problemsOf({
      PORT: 'eighty',
      DATABASE_URL: 'mysql://db/tb',
      TESTBRIDGE_MASTER_KEY: 'short',
      ATLASSIAN_AUTH_URL: 'not a url',
      ALLOW_PRIVATE_JIRA_URLS: 'maybe',
      ATLASSIAN_CLIENT_ID: 'only-the-id',
    });
    expect(problems.map((p) => p.variable).sort()).toEqual([
      'ALLOW_PRIVATE_JIRA_URLS',
      'ATLASSIAN_AUTH_URL',
      'ATLASSIAN_CLIENT_SECRET',
      'DATABASE_URL',
      'PORT',
      'TESTBRIDGE_MASTER_KEY',
    ]);
    expect(problems.find((p) => p.variable === 'TESTBRIDGE_MASTER_KEY')?.message).toMatch(
      /32 random bytes/,
    );
  });

  it('names the variable in the message it throws', () => {
    expect(() => loadConfig({ TESTBRIDGE_ADMIN_KEY: 'hunter2' })).toThrow(/TESTBRIDGE_ADMIN_KEY/);
  });

  it('accepts retired master keys as a comma-separated list and rejects a bad one', () => {
    const key = Buffer.alloc(32, 1).toString('base64');
    expect(
      loadConfig({ TESTBRIDGE_RETIRED_MASTER_KEYS: `${key}, ${key}` }).masterKey.retired,
    ).toEqual([key, key]);
    expect(problemsOf({ TESTBRIDGE_RETIRED_MASTER_KEYS: `${key},nope` })[0]?.variable).toBe(
      'TESTBRIDGE_RETIRED_MASTER_KEYS',
    );
  });
});
