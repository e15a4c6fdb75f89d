/**
 * `testbridge` as a pipeline runs it: a child process with only the environment a test gives it,
 * against the backend on a real port and the Jira simulator behind it. Tests assert what reached
 * Jira (the simulator's store) and what the CLI printed; the last one scans every output.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ciFixtures } from './testing/ci-fixtures.ts';
import { ACME, noCi, setUpCliSuite } from './testing/suite.ts';

const s = setUpCliSuite();

describe('testbridge build, once per CI', () => {
  it.each(ciFixtures(['', '', ''], '').map((f) => f.ci))('%s', async (name) => {
    const eventPath = join(s.repo(), '..', 'event.json');
    const fixture = ciFixtures(s.shas(), eventPath).find((f) => f.ci === name);
    if (!fixture) throw new Error(name);
    for (const [file, content] of Object.entries(fixture.files ?? {})) writeFileSync(file, content);
    const { expected } = fixture;

    const run = await s.cli(['build', ...fixture.flags], fixture.env);

    expect(run.code, run.all).toBe(0);
    const keys = ['TB-1', ...expected.commitKeys];
    expect(run.stdout).toContain(`Issue keys: ${keys.join(', ')} (branch: TB-1; `);
    expect(run.stdout).toContain(
      `build ${expected.pipelineId} #${expected.buildNumber}: accepted — Jira accepted this build.`,
    );
    const stored = s.storedBuild(expected.pipelineId, expected.buildNumber);
    expect(stored?.data).toMatchObject({
      displayName: expected.displayName,
      url: expected.url,
      state: expect.stringMatching(/^(successful|failed)$/),
      associations: [{ associationType: 'issueKeys', values: keys }],
    });
    expect(stored?.issueKeys.sort()).toEqual([...keys].sort());
  });

  it('reads the state the CI exposes (GitLab CI_JOB_STATUS=failed) and maps CI words (success, SucceededWithIssues)', () => {
    expect(s.storedBuild('acme/api', 202)?.data.state).toBe('failed');
    expect(s.storedBuild('acme/web/CI', 101)?.data.state).toBe('successful');
    expect(s.storedBuild('Web Shop/shop-ci', 505)?.data.state).toBe('successful');
  });

  it('sends the commit and branch as the build reference when the CI names the repository', () => {
    expect(s.storedBuild('web/main', 707)?.data.references).toEqual([
      {
        commit: { id: s.shas()[2], repositoryUri: 'https://github.com/acme/web.git' },
        ref: { name: 'TB-1-login', uri: 'https://github.com/acme/web.git' },
      },
    ]);
  });
});

describe('issue keys for later steps', () => {
  it('writes them to GITHUB_OUTPUT and GITHUB_ENV, and to --export-file', async () => {
    const out = join(s.bed().home, 'gh-output');
    const envFile = join(s.bed().home, 'gh-env');
    const dotenv = join(s.bed().home, 'keys.env');
    const fixture = ciFixtures(s.shas(), join(s.repo(), '..', 'event.json'))[0];
    const run = await s.cli(
      ['build', '--state', 'success', '--export-file', dotenv, '--issue', 'TB-9'],
      {
        ...fixture?.env,
        GITHUB_RUN_NUMBER: '102',
        GITHUB_OUTPUT: out,
        GITHUB_ENV: envFile,
      },
    );
    expect(run.code, run.all).toBe(0);
    const keys = 'TB-1,TB-3,TB-4,TB-5,TB-9';
    expect(readFileSync(out, 'utf8')).toBe(`issue-keys=${keys}\n`);
    expect(readFileSync(envFile, 'utf8')).toBe(`TESTBRIDGE_ISSUE_KEYS=${keys}\n`);
    expect(readFileSync(dotenv, 'utf8')).toBe(`TESTBRIDGE_ISSUE_KEYS=${keys}\n`);
    expect(run.stdout).toContain(
      `Exported TESTBRIDGE_ISSUE_KEYS to GITHUB_OUTPUT, GITHUB_ENV, ${dotenv}`,
    );
  });

  it('takes the keys a previous step exported (TESTBRIDGE_ISSUE_KEYS) into a deploy', async () => {
    const run = await s.cli(
      [
        'deploy',
        ...noCi('release', 1),
        '--state',
        'successful',
        '--environment',
        'prod-eu',
        '--environment-type',
        'production',
      ],
      { TESTBRIDGE_ISSUE_KEYS: 'TB-11,TB-12' },
    );
    expect(run.code, run.all).toBe(0);
    expect(run.stdout).toContain('Issue keys: TB-11, TB-12 (TESTBRIDGE_ISSUE_KEYS: TB-11, TB-12)');
    expect(run.stdout).toContain('deployment release → prod-eu #1: accepted');
    const stored = s
      .bed()
      .sim.devops.deployments(ACME)
      .find((d) => (d.data.pipeline as { id?: string } | undefined)?.id === 'release');
    expect(stored?.data.environment).toEqual({
      id: 'prod-eu',
      displayName: 'prod-eu',
      type: 'production',
    });
    expect(stored?.issueKeys.sort()).toEqual(['TB-11', 'TB-12']);
  });

  it("takes GitLab's environment and its tier as the deployment's environment type", async () => {
    const gitlab = ciFixtures(s.shas(), '').find((f) => f.ci === 'GitLab CI');
    const run = await s.cli(['deploy', '--state', 'success'], {
      ...gitlab?.env,
      CI_ENVIRONMENT_NAME: 'staging-1',
      CI_ENVIRONMENT_TIER: 'staging',
    });
    expect(run.code, run.all).toBe(0);
    expect(run.stdout).toContain('deployment acme/api → staging-1 #202: accepted');
    const stored = s
      .bed()
      .sim.devops.deployments(ACME)
      .find((d) => (d.data.environment as { id?: string } | undefined)?.id === 'staging-1');
    expect(stored?.data).toMatchObject({
      state: 'successful',
      environment: { id: 'staging-1', type: 'staging' },
    });
  });
});

describe('usage errors', () => {
  it('no CI and no flags: exit 2 naming what is missing', async () => {
    const run = await s.cli(['build', '--state', 'successful']);
    expect(run.code, run.all).toBe(2);
    expect(run.stderr).toContain(
      'testbridge: Missing the pipeline id: no supported CI was detected; pass --pipeline-id',
    );
  });

  it("GitHub Actions without --state: exit 2, saying GitHub does not expose the job's status", async () => {
    const github = ciFixtures(s.shas(), join(s.repo(), '..', 'event.json'))[0];
    const run = await s.cli(['build'], github?.env);
    expect(run.code, run.all).toBe(2);
    expect(run.stderr).toContain(
      "Missing the build state: GitHub Actions does not expose the job's status; pass --state",
    );
  });
});

s.itNeverPrintedSecrets(13);
