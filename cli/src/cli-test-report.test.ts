/**
 * `testbridge` as a pipeline runs it: a child process with only the environment a test gives it,
 * against the backend on a real port and the Jira simulator behind it. Tests assert what reached
 * Jira (the simulator's store) and what the CLI printed; the last one scans every output.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { TestRun } from '@testbridge/shared/api/results';
import { describe, expect, it } from 'vitest';
import { ciFixtures } from './testing/ci-fixtures.ts';
import { setUpCliSuite } from './testing/suite.ts';

const s = setUpCliSuite();

const junit = (cases: string) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<testsuite name="web" tests="2">${cases}</testsuite>\n`;

describe('testbridge test-report', () => {
  it('uploads every file the globs match (gzip), links the run to the build, and gives the build its test counts', async () => {
    const reports = join(s.repo(), 'reports');
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
    const gitlab = ciFixtures(s.shas(), '').find((f) => f.ci === 'GitLab CI');
    const env = { ...gitlab?.env, CI_PIPELINE_IID: '250', TESTBRIDGE_PROJECT: 'WEBAPP' };

    const started = await s.cli(['build', '--state', 'in_progress'], env);
    expect(started.code, started.all).toBe(0);
    const tokensBefore = s.bed().seen.filter((r) => r.path === '/oauth/token').length;
    const run = await s.cli(['test-report', 'reports/**/*.xml', 'reports/*.xml.gz'], env);

    expect(run.code, run.all).toBe(0);
    expect(run.stdout).toContain('uploading 2 file(s)');
    expect(run.stdout).toContain('b.xml.gz: 1 case(s), 1 test(s)');
    expect(run.stdout).toContain('a.xml: 2 case(s), 2 test(s)');
    expect(run.stdout).toContain('3 test(s): 1 passed, 1 failed, 0 error, 1 skipped, 0 flaky');
    expect(run.stdout).toContain(
      "build acme/api #250: posting it with this run's test counts (state failed)",
    );
    expect(run.stdout).toContain('build acme/api #250: accepted');
    expect(s.storedBuild('acme/api', 250)?.data).toMatchObject({
      state: 'failed',
      testInfo: { totalNumber: 3, numberPassed: 1, numberFailed: 1, numberSkipped: 1 },
    });
    // One token for the whole run: the run, two uploads, the build and its event.
    expect(s.bed().seen.filter((r) => r.path === '/oauth/token').length - tokensBefore).toBe(1);

    const runId = /test run (\S+) /.exec(run.stdout)?.[1];
    const res = await s.bed().t.app.request(`/api/v1/test-runs/${runId}`, {
      headers: s.bed().t.asAdmin(),
    });
    const stored = TestRun.parse(await res.json());
    expect(stored).toMatchObject({
      name: 'acme/api #250',
      build: { pipelineId: 'acme/api', buildNumber: 250 },
      branch: 'TB-1-login',
      revision: s.shas()[2],
      files: 2,
    });
  });

  it('a build still waiting in Testbridge gets the counts within the upload itself', async () => {
    // Jira fails once: the build stays in Testbridge's outbox, and the site waits to retry.
    s.bed().sim.addFault({ kind: 'status', status: 503, path: '/api/jira/builds/*', times: 1 });
    writeFileSync(join(s.repo(), 'one-pass.xml'), junit('<testcase classname="a" name="b"/>'));
    const gitlab = ciFixtures(s.shas(), '').find((f) => f.ci === 'GitLab CI');
    const env = { ...gitlab?.env, CI_PIPELINE_IID: '260', TESTBRIDGE_PROJECT: 'WEBAPP' };
    const started = await s.cli(['build', '--state', 'in_progress', '--wait', '0'], env);
    expect(started.stdout).toContain('build acme/api #260: pending');

    const run = await s.cli(['test-report', 'one-pass.xml'], env);

    expect(run.code, run.all).toBe(0);
    expect(run.stdout).toContain(
      'build acme/api #260: its test counts come from this run (it was still waiting to go to Jira)',
    );
    s.bed().advance(120_000);
    await s.bed().drain();
    expect(s.storedBuild('acme/api', 260)?.data).toMatchObject({
      state: 'in_progress',
      testInfo: { totalNumber: 1, numberPassed: 1, numberFailed: 0, numberSkipped: 0 },
    });
  });

  it('a file Testbridge cannot read is rejected by name; the others are kept', async () => {
    const dir = join(s.repo(), 'broken');
    mkdirSync(dir);
    writeFileSync(join(dir, 'ok.xml'), junit('<testcase classname="a" name="b"/>'));
    writeFileSync(join(dir, 'bad.xml'), '<testsuite><testcase name="x">');
    const run = await s.cli(
      ['test-report', 'broken/*.xml', '--no-build', '--fail-on', 'rejected'],
      {
        TESTBRIDGE_PROJECT: 'WEBAPP',
      },
    );
    expect(run.code, run.all).toBe(1);
    expect(run.stderr).toMatch(/bad\.xml: REJECTED — .*bad\.xml/);
    expect(run.stdout).toContain('ok.xml: 1 case(s), 1 test(s)');
  });

  it('a project Testbridge does not know: exit 5 with its reason', async () => {
    writeFileSync(join(s.repo(), 'one.xml'), junit('<testcase classname="a" name="b"/>'));
    const run = await s.cli(['test-report', 'one.xml', '--project', 'NOPE'], {});
    expect(run.code, run.all).toBe(5);
    expect(run.stderr).toMatch(/testbridge: Testbridge did not open the test run: .*NOPE/);
  });

  it('no file matching: exit 2', async () => {
    const run = await s.cli(['test-report', 'nothing/*.xml'], { TESTBRIDGE_PROJECT: 'WEBAPP' });
    expect(run.code, run.all).toBe(2);
    expect(run.stderr).toContain('testbridge: No report files match nothing/*.xml');
  });
});

s.itNeverPrintedSecrets(6);
