import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createForgeTestApp, type ForgeTestApp } from './testing.ts';

/**
 * The `/forge` routes in the API document, linted like the rest (http/openapi-lint.test.ts covers
 * the app as app.ts wires it; until app.ts mounts `/forge`, this file mounts it itself).
 */
describe('the Forge routes in the API document', () => {
  let t: ForgeTestApp;
  let document: {
    paths: Record<string, Record<string, { security: unknown; responses: object }>>;
    components: { securitySchemes: Record<string, unknown> };
  };
  const dir = mkdtempSync(join(tmpdir(), 'testbridge-forge-openapi-'));
  beforeAll(async () => {
    t = await createForgeTestApp();
    document = (await (await t.app.request('/openapi.json')).json()) as typeof document;
  });
  afterAll(async () => {
    await t.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('declares every /forge route with the FIT bearer scheme and its 401', () => {
    const forge = Object.entries(document.paths).filter(([path]) => path.startsWith('/forge/'));
    expect(forge.map(([path]) => path).sort()).toEqual([
      '/forge/admin-status',
      '/forge/defects',
      '/forge/events',
      '/forge/issue-tests',
      '/forge/lifecycle/installed',
      '/forge/lifecycle/uninstalled',
    ]);
    for (const [, operations] of forge) {
      expect(operations.post?.security).toEqual([{ forgeInvocationToken: [] }]);
      expect(Object.keys(operations.post?.responses ?? {})).toContain('401');
    }
    expect(document.components.securitySchemes.forgeInvocationToken).toMatchObject({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
  });

  it("passes Redocly's recommended rules with no error and no warning", () => {
    const manifest = createRequire(import.meta.url).resolve('@redocly/cli/package.json');
    const bin = (JSON.parse(readFileSync(manifest, 'utf8')) as { bin: { redocly: string } }).bin;
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(document));
    const run = spawnSync(
      process.execPath,
      [
        join(dirname(manifest), bin.redocly),
        'lint',
        '--extends=recommended',
        '--format=json',
        file,
      ],
      {
        encoding: 'utf8',
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
        timeout: 120_000,
      },
    );
    const report = JSON.parse(run.stdout) as {
      problems: {
        ruleId: string;
        severity: string;
        message: string;
        location: { pointer: string }[];
      }[];
    };
    expect(
      report.problems.map(
        (p) => `${p.severity} ${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`,
      ),
    ).toEqual([]);
    expect(run.status).toBe(0);
  }, 120_000);
});
