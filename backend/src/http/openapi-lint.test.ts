import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp } from '../testing/index.ts';

/** The Redocly CLI installed with the backend's dev dependencies (pinned; it runs offline). */
function redoclyBin(): string {
  const manifest = createRequire(import.meta.url).resolve('@redocly/cli/package.json');
  const bin = (JSON.parse(readFileSync(manifest, 'utf8')) as { bin: { redocly: string } }).bin;
  return join(dirname(manifest), bin.redocly);
}

interface LintProblem {
  ruleId: string;
  severity: string;
  message: string;
  location: { pointer: string }[];
}

describe('the API document', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  const dir = mkdtempSync(join(tmpdir(), 'testbridge-openapi-'));
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => {
    await t.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  // Every route the next issues add is born with an operationId, its security and its problems.
  it("passes Redocly's recommended rules with no error and no warning", async () => {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, await (await t.app.request('/openapi.json')).text());
    const run = spawnSync(
      process.execPath,
      [redoclyBin(), 'lint', '--extends=recommended', '--format=json', file],
      {
        encoding: 'utf8',
        env: {
          ...process.env,
          REDOCLY_TELEMETRY: 'off',
          REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
        },
        timeout: 120_000,
      },
    );
    const report = JSON.parse(run.stdout) as { problems: LintProblem[] };
    const problems = report.problems.map(
      (p) => `${p.severity} ${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`,
    );
    expect(problems).toEqual([]);
    expect(run.status).toBe(0);
  }, 120_000);
});
