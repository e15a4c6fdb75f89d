/**
 * `testbridge` as a pipeline runs it: a child process with a CI's documented environment,
 * against the backend on a real port and the Jira simulator behind it. Each test asserts what
 * reached Jira (the simulator's store) and what the CLI printed; the last one scans every
 * output of this file for the planted secret and for bearer tokens.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { TestRun } from '@testbridge/shared/api/results';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMITS, ciFixtures } from './testing/ci-fixtures.ts';
import {
  buildBundle,
  type CliRun,
  type CliTestbed,
  closedPort,
  createGitRepo,
  startCliTestbed,
} from './testing/harness.ts';

const ACME = 'e745c11f-8b46-4ed4-b3cb-313a679e1d9f';
let bed: CliTestbed;
let repo: string;
let shas: string[];
const outputs: CliRun[] = [];
const planted: string[] = [];

async function cli(args: string[], env: Record<string, string> = {}, cwd = repo) {
  const result = await bed.run(args, env, cwd);
  outputs.push(result);
  return result;
}

function storedBuild(pipelineId: string, buildNumber: number) {
  return bed.sim.devops
    .builds(ACME)
    .find((b) => b.data.pipelineId === pipelineId && b.data.buildNumber === buildNumber);
}

/** Waits for a condition the test does not control the timing of (no fixed sleeps). */
async function until(condition: () => boolean, what: string, timeoutMs = 30_000) {
  const start = performance.now();
  while (!condition()) {
    if (performance.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

beforeAll(async () => {
  buildBundle();
  bed = await startCliTestbed();
  planted.push(bed.ci.clientSecret);
  repo = join(bed.home, 'repo');
  mkdirSync(repo);
  shas = createGitRepo(repo, COMMITS);
}, 120_000);

afterAll(async () => {
  await bed?.close();
});

describe('testbridge build, once per CI', () => {
  it.each(ciFixtures(['', '', ''], '').map((f) => f.ci))('%s', async (name) => {
    const eventPath = join(repo, '..', 'event.json');
    const fixture = ciFixtures(shas, eventPath).find((f) => f.ci === name);
    if (!fixture) throw new Error(name);
    for (const [file, content] of Object.entries(fixture.files ?? {})) writeFileSync(file, content);
    const { expected } = fixture;

    const run = await cli(['build', ...fixture.flags], fixture.env);

    expect(run.code, run.all).toBe(0);
    const keys = ['TB-1', ...expected.commitKeys];
    expect(run.stdout).toContain(`Issue keys: ${keys.join(', ')} (branch: TB-1; `);
    expect(run.stdout).toContain(
      `build ${expected.pipelineId} #${expected.buildNumber}: accepted — Jira accepted this build.`,
    );
    const stored = storedBuild(expected.pipelineId, expected.buildNumber);
    expect(stored?.data).toMatchObject({
      displayName: expected.displayName,
      url: expected.url,
      state: expect.stringMatching(/^(successful|failed)$/),
      associations: [{ associationType: 'issueKeys', values: keys }],
    });
    expect(stored?.issueKeys.sort()).toEqual([...keys].sort());
  });

  it('reads the state the CI exposes (GitLab CI_JOB_STATUS=failed) and maps CI words (success, SucceededWithIssues)', () => {
    expect(storedBuild('acme/api', 202)?.data.state).toBe('failed');
    expect(storedBuild('acme/web/CI', 101)?.data.state).toBe('successful');
    expect(storedBuild('Web Shop/shop-ci', 505)?.data.state).toBe('successful');
  });

  it('sends the commit and branch as the build reference when the CI names the repository', () => {
    expect(storedBuild('web/main', 707)?.data.references).toEqual([
      {
        commit: { id: shas[2], repositoryUri: 'https://github.com/acme/web.git' },
        ref: { name: 'TB-1-login', uri: 'https://github.com/acme/web.git' },
      },
    ]);
  });
});

describe('issue keys for later steps', () => {
  it('writes them to GITHUB_OUTPUT and GITHUB_ENV, and to --export-file', async () => {
    const out = join(bed.home, 'gh-output');
    const envFile = join(bed.home, 'gh-env');
    const dotenv = join(bed.home, 'keys.env');
    const fixture = ciFixtures(shas, join(repo, '..', 'event.json'))[0];
    const run = await cli(
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
    const run = await cli(
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
    const stored = bed.sim.devops
      .deployments(ACME)
      .find((d) => (d.data.pipeline as { id?: string } | undefined)?.id === 'release');
    expect(stored?.data.environment).toEqual({
      id: 'prod-eu',
      displayName: 'prod-eu',
      type: 'production',
    });
    expect(stored?.issueKeys.sort()).toEqual(['TB-11', 'TB-12']);
  });

  it("takes GitLab's environment and its tier as the deployment's environment type", async () => {
    const gitlab = ciFixtures(shas, '').find((f) => f.ci === 'GitLab CI');
    const run = await cli(['deploy', '--state', 'success'], {
      ...gitlab?.env,
      CI_ENVIRONMENT_NAME: 'staging-1',
      CI_ENVIRONMENT_TIER: 'staging',
    });
    expect(run.code, run.all).toBe(0);
    expect(run.stdout).toContain('deployment acme/api → staging-1 #202: accepted');
    const stored = bed.sim.devops
      .deployments(ACME)
      .find((d) => (d.data.environment as { id?: string } | undefined)?.id === 'staging-1');
    expect(stored?.data).toMatchObject({
      state: 'successful',
      environment: { id: 'staging-1', type: 'staging' },
    });
  });
});

/** No CI: the build's facts from flags; keys only from --issue (no branch, no commits). */
function noCi(pipelineId: string, buildNumber: number): string[] {
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

describe("Jira's verdict, told as it is", () => {
  it('prints a build Jira rejected (no issue it knows) and exits 0 unless --fail-on rejected', async () => {
    const run = await cli([
      'build',
      ...noCi('verdicts', 1),
      '--state',
      'successful',
      '--issue',
      'TB-999',
    ]);
    expect(run.code, run.all).toBe(0);
    expect(run.stdout).toContain(
      'build verdicts #1: REJECTED, unknown issue keys: TB-999 — Jira rejected this build: none of its issues exist in Jira (TB-999). Jira said: "No valid issues found for build".\n',
    );
    expect(storedBuild('verdicts', 1)).toBeUndefined();

    const failing = await cli([
      'build',
      ...noCi('verdicts', 2),
      '--state',
      'successful',
      '--issue',
      'TB-999',
      '--fail-on',
      'rejected',
    ]);
    expect(failing.code, failing.all).toBe(1);
    expect(failing.stdout).toContain('build verdicts #2: REJECTED');
    expect(failing.stderr).toContain('--fail-on rejected: 1 item(s) rejected');
  });

  it('prints the issue keys Jira does not know on an accepted build; --fail-on unknown-keys fails on them', async () => {
    const run = await cli([
      'build',
      ...noCi('verdicts', 3),
      '--state',
      'failed',
      '--issue',
      'TB-7,TB-998',
      '--fail-on',
      'unknown-keys',
    ]);
    expect(run.code, run.all).toBe(1);
    expect(run.stdout).toContain('build verdicts #3: accepted, unknown issue keys: TB-998 — ');
    expect(run.stderr).toContain(
      '--fail-on unknown-keys: 1 item(s) name issue keys Jira does not know',
    );
    expect(storedBuild('verdicts', 3)?.issueKeys).toEqual(['TB-7']);
  });

  it("prints an item Testbridge refuses by Jira's rules, naming the field", async () => {
    const run = await cli([
      'build',
      '--pipeline-id',
      'verdicts',
      '--build-number',
      '4',
      '--url',
      'not a url',
      '--state',
      'successful',
      '--issue',
      'TB-7',
      '--no-commit-keys',
      '--fail-on',
      'rejected',
    ]);
    expect(run.code, run.all).toBe(1);
    expect(run.stdout).toMatch(
      /build verdicts #4: REJECTED — Testbridge refused it by Jira's rules \(nothing was sent\): .*body\.url/,
    );
  });

  it('follows a pending build through the event-status API until Jira answers', async () => {
    // Jira fails the first delivery: the 202 says pending and the build waits for a retry.
    bed.sim.addFault({ kind: 'status', status: 503, path: '/api/jira/builds/*', times: 1 });
    const seenBefore = bed.seen.length;
    const pending = cli([
      'build',
      ...noCi('verdicts', 5),
      '--state',
      'successful',
      '--issue',
      'TB-7',
      '--wait',
      '60',
    ]);
    await until(
      () => bed.seen.slice(seenBefore).some((r) => r.path.startsWith('/api/v1/devops/events/')),
      'the CLI to ask for the verdict',
    );
    bed.advance(120_000);
    await bed.drain();
    const run = await pending;
    expect(run.code, run.all).toBe(0);
    expect(run.stdout).toContain('build verdicts #5: accepted — Jira accepted this build.');
    expect(storedBuild('verdicts', 5)).toBeDefined();
  });

  it('says pending (exit 0, even with --fail-on) when Jira has not answered within --wait', async () => {
    bed.sim.addFault({ kind: 'status', status: 503, path: '/api/jira/builds/*', times: 1 });
    const run = await cli([
      'build',
      ...noCi('verdicts', 6),
      '--state',
      'successful',
      '--issue',
      'TB-7',
      '--wait',
      '0.2',
      '--fail-on',
      'rejected,unknown-keys',
    ]);
    expect(run.code, run.all).toBe(0);
    expect(run.stdout).toMatch(
      /build verdicts #6: pending — Accepted; waiting to be sent to Jira again .* Testbridge delivers it later; follow it at \S+\/api\/v1\/devops\/events\//,
    );
    // Jira answers again: the held site is released for the tests that follow.
    bed.advance(120_000);
    await bed.drain();
    expect(storedBuild('verdicts', 6)).toBeDefined();
  });
});

describe('failures, each with its exit code', () => {
  it('a wrong client secret: exit 3, the secret never printed (even with --verbose)', async () => {
    const wrong = 'tbcs_this-is-the-wrong-secret-0123456789';
    planted.push(wrong);
    const run = await cli(['build', ...noCi('auth', 1), '--state', 'successful', '--verbose'], {
      TESTBRIDGE_CLIENT_SECRET: wrong,
    });
    expect(run.code, run.all).toBe(3);
    expect(run.stderr).toContain(
      'testbridge: Testbridge refused the CI credentials (invalid_client: Unknown, revoked or wrong client credentials); check TESTBRIDGE_CLIENT_ID and TESTBRIDGE_CLIENT_SECRET',
    );
    expect(run.all).not.toContain(wrong);
  });

  it('an unreachable backend: exit 4 after the retries', async () => {
    const port = await closedPort();
    const run = await cli(
      ['build', ...noCi('down', 1), '--state', 'successful', '--retries', '1'],
      {
        TESTBRIDGE_URL: `http://127.0.0.1:${port}`,
      },
    );
    expect(run.code, run.all).toBe(4);
    expect(run.stderr).toContain(
      `could not be reached at http://127.0.0.1:${port} (ECONNREFUSED); retrying in`,
    );
    expect(run.stderr).toContain(
      `testbridge: Testbridge could not be reached at http://127.0.0.1:${port} (ECONNREFUSED); gave up after 2 attempts`,
    );
  });

  it('a 429 with Retry-After: waits as long as asked, then succeeds', async () => {
    bed.faults.push({
      method: 'POST',
      path: /^\/api\/v1\/devops\/builds$/,
      status: 429,
      retryAfter: '1',
      times: 1,
    });
    const seenBefore = bed.seen.length;
    const run = await cli([
      'build',
      ...noCi('busy', 1),
      '--state',
      'successful',
      '--issue',
      'TB-7',
    ]);
    expect(run.code, run.all).toBe(0);
    expect(run.stderr).toContain(
      'Testbridge answered 429 (injected by the test); retrying in 1.0 s (Retry-After)',
    );
    expect(run.stdout).toContain('build busy #1: accepted');
    const posts = bed.seen
      .slice(seenBefore)
      .filter((r) => r.method === 'POST' && r.path === '/api/v1/devops/builds');
    expect(posts).toHaveLength(2);
    // A lower bound only: a busy machine makes the gap longer, never shorter.
    expect((posts[1]?.at ?? 0) - (posts[0]?.at ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('a 429 asking for longer than --max-retry-wait: exit 4 at once, saying why', async () => {
    bed.faults.push({
      method: 'POST',
      path: /^\/api\/v1\/devops\/builds$/,
      status: 429,
      retryAfter: '120',
      times: 1,
    });
    const run = await cli([
      'build',
      ...noCi('busy', 2),
      '--state',
      'successful',
      '--issue',
      'TB-7',
    ]);
    expect(run.code, run.all).toBe(4);
    expect(run.stderr).toContain(
      'testbridge: Testbridge answered 429 (injected by the test) and asks to wait 120 s (Retry-After), longer than --max-retry-wait 60 s; giving up',
    );
  });

  it('5xx on every attempt: backs off, then exit 4 after --retries', async () => {
    bed.faults.push({ method: 'POST', path: /^\/api\/v1\/devops\/builds$/, status: 502, times: 3 });
    const run = await cli([
      'build',
      ...noCi('busy', 3),
      '--state',
      'successful',
      '--issue',
      'TB-7',
      '--retries',
      '2',
    ]);
    expect(run.code, run.all).toBe(4);
    expect(run.stderr.match(/answered 502 .*; retrying in \d+\.\d s\n/g)).toHaveLength(2);
    expect(run.stderr).toContain('gave up after 3 attempts');
  });

  it('no CI and no flags: exit 2 naming what is missing', async () => {
    const run = await cli(['build', '--state', 'successful']);
    expect(run.code, run.all).toBe(2);
    expect(run.stderr).toContain(
      'testbridge: Missing the pipeline id: no supported CI was detected; pass --pipeline-id',
    );
  });

  it("GitHub Actions without --state: exit 2, saying GitHub does not expose the job's status", async () => {
    const github = ciFixtures(shas, join(repo, '..', 'event.json'))[0];
    const run = await cli(['build'], github?.env);
    expect(run.code, run.all).toBe(2);
    expect(run.stderr).toContain(
      "Missing the build state: GitHub Actions does not expose the job's status; pass --state",
    );
  });
});

const junit = (cases: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="web" tests="2">${cases}</testsuite>\n`;

describe('testbridge test-report', () => {
  it('uploads every file the globs match (gzip), links the run to the build, and gives the build its test counts', async () => {
    const reports = join(repo, 'reports');
    mkdirSync(join(reports, 'unit'), { recursive: true });
    writeFileSync(
      join(reports, 'unit', 'a.xml'),
      junit(
        '<testcase classname="cart" name="adds an item [TB-6]"/>' +
          '<testcase classname="cart" name="removes an item [TB-6]"><failure message="boom">trace</failure></testcase>',
      ),
    );
    writeFileSync(
      join(reports, 'b.xml.gz'),
      gzipSync(junit('<testcase classname="login" name="remembers me"><skipped/></testcase>')),
    );
    writeFileSync(join(reports, 'notes.txt'), 'not a report');
    const gitlab = ciFixtures(shas, '').find((f) => f.ci === 'GitLab CI');
    const env = { ...gitlab?.env, CI_PIPELINE_IID: '250', TESTBRIDGE_PROJECT: 'WEBAPP' };

    const started = await cli(['build', '--state', 'in_progress'], env);
    expect(started.code, started.all).toBe(0);
    const tokensBefore = bed.seen.filter((r) => r.path === '/oauth/token').length;
    const run = await cli(['test-report', 'reports/**/*.xml', 'reports/*.xml.gz'], env);

    expect(run.code, run.all).toBe(0);
    expect(run.stdout).toContain('uploading 2 file(s)');
    expect(run.stdout).toContain('b.xml.gz: 1 case(s), 1 test(s)');
    expect(run.stdout).toContain('a.xml: 2 case(s), 2 test(s)');
    expect(run.stdout).toContain('3 test(s): 1 passed, 1 failed, 0 error, 1 skipped, 0 flaky');
    expect(run.stdout).toContain(
      "build acme/api #250: posting it with this run's test counts (state failed)",
    );
    expect(run.stdout).toContain('build acme/api #250: accepted');
    expect(storedBuild('acme/api', 250)?.data).toMatchObject({
      state: 'failed',
      testInfo: { totalNumber: 3, numberPassed: 1, numberFailed: 1, numberSkipped: 1 },
    });
    // One token for the whole run: the run, two uploads, the build and its event.
    expect(bed.seen.filter((r) => r.path === '/oauth/token').length - tokensBefore).toBe(1);

    const runId = /test run (\S+) /.exec(run.stdout)?.[1];
    const res = await bed.t.app.request(`/api/v1/test-runs/${runId}`, {
      headers: bed.t.asAdmin(),
    });
    const stored = TestRun.parse(await res.json());
    expect(stored).toMatchObject({
      name: 'acme/api #250',
      build: { pipelineId: 'acme/api', buildNumber: 250 },
      branch: 'TB-1-login',
      revision: shas[2],
      files: 2,
    });
  });

  it('a file Testbridge cannot read is rejected by name; the others are kept', async () => {
    const dir = join(repo, 'broken');
    mkdirSync(dir);
    writeFileSync(join(dir, 'ok.xml'), junit('<testcase classname="a" name="b"/>'));
    writeFileSync(join(dir, 'bad.xml'), '<testsuite><testcase name="x">');
    const run = await cli(['test-report', 'broken/*.xml', '--no-build', '--fail-on', 'rejected'], {
      TESTBRIDGE_PROJECT: 'WEBAPP',
    });
    expect(run.code, run.all).toBe(1);
    expect(run.stderr).toMatch(/bad\.xml: REJECTED — .*bad\.xml/);
    expect(run.stdout).toContain('ok.xml: 1 case(s), 1 test(s)');
  });

  it('a project Testbridge does not know: exit 5 with its reason', async () => {
    writeFileSync(join(repo, 'one.xml'), junit('<testcase classname="a" name="b"/>'));
    const run = await cli(['test-report', 'one.xml', '--project', 'NOPE'], {});
    expect(run.code, run.all).toBe(5);
    expect(run.stderr).toMatch(/testbridge: Testbridge did not open the test run: .*NOPE/);
  });

  it('no file matching: exit 2', async () => {
    const run = await cli(['test-report', 'nothing/*.xml'], { TESTBRIDGE_PROJECT: 'WEBAPP' });
    expect(run.code, run.all).toBe(2);
    expect(run.stderr).toContain('testbridge: No report files match nothing/*.xml');
  });
});

it('never printed the client secret, a wrong one, or a bearer token, in any run of this file', () => {
  expect(outputs.length).toBeGreaterThan(20);
  const everything = outputs.map((o) => o.all).join('\n');
  for (const secret of planted) expect(everything).not.toContain(secret);
  expect(everything).not.toMatch(/tbat_[A-Za-z0-9_-]{8,}/);
  expect(everything).not.toMatch(/tbcs_[A-Za-z0-9_-]{8,}/);
});
