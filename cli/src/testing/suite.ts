/**
 * One CLI test file's setup: the bundle built, the backend and simulator started, a git
 * repository whose commits carry issue keys, and every CLI output kept for the secret scan.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { COMMITS } from './ci-fixtures.ts';
import {
  buildBundle,
  type CliRun,
  type CliTestbed,
  createGitRepo,
  startCliTestbed,
} from './harness.ts';

/** The simulator's acme site, where the DevOps site's builds land. */
export const ACME = 'e745c11f-8b46-4ed4-b3cb-313a679e1d9f';

/** No CI: the build's facts from flags; keys only from --issue (no branch, no commits). */
export function noCi(pipelineId: string, buildNumber: number): string[] {
  return [
    '--pipeline-id',
    pipelineId,
    '--build-number',
    String(buildNumber),
    '--url',
    `https://ci.example.test/${pipelineId}/${buildNumber}`,
    '--no-commit-keys',
  ];
}

/** Waits for a condition the test does not control the timing of (no fixed sleeps). */
export async function until(condition: () => boolean, what: string, timeoutMs = 30_000) {
  const start = performance.now();
  while (!condition()) {
    if (performance.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export function setUpCliSuite() {
  // Child processes on a busy 2-core machine: generous bounds, never asserted as durations.
  vi.setConfig({ testTimeout: 60_000 });
  let testbed: CliTestbed | undefined;
  let repo = '';
  let shas: string[] = [];
  const outputs: CliRun[] = [];
  const planted: string[] = [];

  beforeAll(async () => {
    buildBundle();
    testbed = await startCliTestbed();
    planted.push(testbed.ci.clientSecret);
    repo = join(testbed.home, 'repo');
    mkdirSync(repo);
    shas = createGitRepo(repo, COMMITS);
  }, 120_000);

  afterAll(async () => {
    await testbed?.close();
  });

  const bed = () => {
    if (!testbed) throw new Error('the CLI testbed is not started');
    return testbed;
  };

  return {
    bed,
    repo: () => repo,
    shas: () => shas,
    /** A value that must never appear in any output of this file. */
    plant: (secret: string) => planted.push(secret),
    /** `testbridge …` in the git repository (or `cwd`), output kept for the scan. */
    async cli(args: string[], env: Record<string, string> = {}, cwd = repo) {
      const result = await bed().run(args, env, cwd);
      outputs.push(result);
      return result;
    },
    storedBuild(pipelineId: string, buildNumber: number) {
      return bed()
        .sim.devops.builds(ACME)
        .find((b) => b.data.pipelineId === pipelineId && b.data.buildNumber === buildNumber);
    },
    /** The last test of a file: no output held the secrets or a bearer token. */
    itNeverPrintedSecrets(minimumRuns: number) {
      it('never printed the client secret, a planted secret, or a bearer token, in any run of this file', () => {
        expect(outputs.length).toBeGreaterThanOrEqual(minimumRuns);
        const everything = outputs.map((o) => o.all).join('\n');
        for (const secret of planted) expect(everything).not.toContain(secret);
        expect(everything).not.toMatch(/tbat_[A-Za-z0-9_-]{8,}/);
        expect(everything).not.toMatch(/tbcs_[A-Za-z0-9_-]{8,}/);
      });
    },
  };
}
