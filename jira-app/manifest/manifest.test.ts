import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validate } from '@forge/manifest';
import {
  COVERAGE_PROPERTY_KEY,
  FORGE_EVENTS_PATH,
  FORGE_LIFECYCLE_PATHS,
} from '@testbridge/shared/forge/remote';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import * as exportTable from '../src/index.ts';
import { lintManifest, loadManifest } from './lint.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const TEXT = readFileSync(join(ROOT, 'manifest.yml'), 'utf8');
const ENV = {
  FORGE_APP_ID: 'ari:cloud:ecosystem::app/0b7c9c3e-2f0a-4c51-9d7e-5a1b2c3d4e5f',
  TESTBRIDGE_BACKEND_URL: 'https://testbridge.example.com',
};

// biome-ignore lint/suspicious/noExplicitAny: variants edit the parsed YAML freely
type Doc = any;
const edit = (change: (doc: Doc) => void) => {
  const doc = parse(TEXT) as Doc;
  change(doc);
  return stringify(doc);
};
const lint = (text: string) => lintManifest(loadManifest(text, ENV));

/**
 * `validate()` resolves resource files from the working directory and `${VAR}` from
 * process.env: run it in a copy of the app's layout with the variables set.
 */
async function validateText(text: string, env: Record<string, string | undefined> = ENV) {
  const dir = mkdtempSync(join(tmpdir(), 'testbridge-manifest-'));
  const before = { cwd: process.cwd(), env: { ...process.env } };
  try {
    for (const file of ['jira-app/src/frontend/panel.tsx', 'jira-app/src/frontend/admin.tsx']) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      cpSync(join(ROOT, file), join(dir, file));
    }
    cpSync(join(ROOT, 'jira-app/static'), join(dir, 'jira-app/static'), { recursive: true });
    writeFileSync(join(dir, 'manifest.yml'), text);
    process.chdir(dir);
    for (const [key, value] of Object.entries(env)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    const result = await validate(false, 'manifest.yml');
    return { success: result.success, messages: (result.errors ?? []).map((e) => e.message) };
  } finally {
    process.chdir(before.cwd);
    process.env = before.env;
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('manifest.yml', () => {
  let manifest: Doc;
  beforeAll(() => {
    manifest = loadManifest(TEXT, ENV);
  });

  it("passes @forge/manifest's full validation offline", async () => {
    expect(await validateText(TEXT)).toEqual({ success: true, messages: [] });
  }, 120_000);

  it('passes our own lint', () => {
    expect(lintManifest(manifest)).toEqual([]);
  });

  it('asks for exactly the scopes the app uses', () => {
    expect(manifest.permissions.scopes).toEqual([
      'read:jira-work',
      'read:jira-user',
      'write:jira-work',
      'read:app-user-token',
      'read:app-system-token',
    ]);
  });

  it('points the lifecycle endpoints at the backend routes and indexes the coverage property', () => {
    const routes = Object.fromEntries(
      manifest.modules.endpoint.map((e: Doc) => [e.key, e.route?.path ?? null]),
    );
    expect(routes).toEqual({
      'testbridge-ui': null,
      'testbridge-on-install': FORGE_LIFECYCLE_PATHS.installed,
      'testbridge-on-uninstall': FORGE_LIFECYCLE_PATHS.uninstalled,
      'testbridge-jira-events': FORGE_EVENTS_PATH,
    });
    const events = manifest.modules.trigger.find((t: Doc) => t.key === 'testbridge-jira-changes');
    expect(events.events).toEqual(
      expect.arrayContaining([
        'avi:jira:updated:issue',
        'avi:jira:deleted:issue',
        'avi:jira:released:version',
        'avi:jira:deleted:project',
      ]),
    );
    expect(manifest.modules['jira:entityProperty'][0].propertyKey).toBe(COVERAGE_PROPERTY_KEY);
  });

  it("exports from src/index.ts exactly the manifest's function keys", () => {
    const functionKeys = (manifest.modules.function ?? []).map((f: Doc) => f.key).sort();
    expect(Object.keys(exportTable).sort()).toEqual(functionKeys);
  });

  it('takes the app id and backend URL from the environment, and refuses to load without them', () => {
    expect(manifest.app.id).toBe(ENV.FORGE_APP_ID);
    expect(manifest.remotes[0].baseUrl).toBe(ENV.TESTBRIDGE_BACKEND_URL);
    expect(() => loadManifest(TEXT, { FORGE_APP_ID: ENV.FORGE_APP_ID })).toThrow(
      'TESTBRIDGE_BACKEND_URL',
    );
  });
});

describe('broken copies of manifest.yml', () => {
  afterAll(() => undefined);

  it.each([
    ['an unknown scope', (d: Doc) => d.permissions.scopes.push('read:jira-everything')],
    ['a panel without title', (d: Doc) => delete d.modules['jira:issuePanel'][0].title],
    ['a trigger to an undefined endpoint', (d: Doc) => (d.modules.trigger[0].endpoint = 'ghost')],
    ['an endpoint to an unknown remote', (d: Doc) => (d.modules.endpoint[0].remote = 'ghost')],
    [
      'a user token on the install endpoint (Forge sends none to lifecycle calls)',
      (d: Doc) => (d.modules.endpoint[1].auth.appUserToken = { enabled: true }),
    ],
  ])(
    'validate() refuses %s',
    async (_name, change) => {
      const result = await validateText(edit(change));
      expect(result.success).toBe(false);
    },
    120_000,
  );

  it('validate() refuses a manifest whose environment variables are not set', async () => {
    const result = await validateText(TEXT, {
      FORGE_APP_ID: undefined,
      TESTBRIDGE_BACKEND_URL: undefined,
    });
    expect(result.success).toBe(false);
  }, 120_000);

  // What validate() lets through: each variant below passes it and fails our lint.
  it.each([
    [
      'an endpoint key over 23 characters',
      (d: Doc) => {
        d.modules.endpoint[0].key = 'testbridge-ui-endpoint-x';
        d.modules['jira:issuePanel'][0].resolver.endpoint = 'testbridge-ui-endpoint-x';
        d.modules['jira:adminPage'][0].resolver.endpoint = 'testbridge-ui-endpoint-x';
      },
      'modules.endpoint[0].key',
    ],
    [
      'an egress entry to a remote without the fetch operation',
      (d: Doc) =>
        (d.permissions.external = { fetch: { backend: [{ remote: 'testbridge-backend' }] } }),
      'permissions.external.fetch.backend[0]',
    ],
    [
      'the app system token without read:app-system-token',
      (d: Doc) =>
        (d.permissions.scopes = d.permissions.scopes.filter(
          (s: string) => s !== 'read:app-system-token',
        )),
      'permissions.scopes',
    ],
    [
      'read:app-system-token without any system token in use',
      (d: Doc) => delete d.modules.endpoint[1].auth,
      'permissions.scopes',
    ],

    [
      'the user token without read:app-user-token',
      (d: Doc) =>
        (d.permissions.scopes = d.permissions.scopes.filter(
          (s: string) => s !== 'read:app-user-token',
        )),
      'permissions.scopes',
    ],
    [
      'an unknown event',
      (d: Doc) => d.modules.trigger[0].events.push('avi:jira:exploded:issue'),
      'modules.trigger[0].events[2]',
    ],
    [
      'a remote that cannot be invoked',
      (d: Doc) => (d.remotes[0].operations = ['storage']),
      'modules.jira:issuePanel[0].resolver.endpoint',
    ],
    [
      'a preUninstall endpoint without a route',
      (d: Doc) => delete d.modules.endpoint[2].route,
      'modules.preUninstall[0].endpoint',
    ],
  ])(
    'our lint refuses %s',
    async (_name, change, path) => {
      const text = edit(change);
      expect(lint(text).map((p) => p.path)).toContain(path);
      expect((await validateText(text)).success).toBe(true);
    },
    120_000,
  );

  it('our lint refuses a backend URL with a path or over plain http', () => {
    for (const url of ['https://testbridge.example.com/forge', 'http://testbridge.example.com']) {
      const problems = lintManifest(loadManifest(TEXT, { ...ENV, TESTBRIDGE_BACKEND_URL: url }));
      expect(problems.map((p) => p.path)).toEqual(['remotes[0].baseUrl']);
    }
  });
});
