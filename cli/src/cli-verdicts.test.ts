/**
 * `testbridge` as a pipeline runs it: a child process with only the environment a test gives it,
 * against the backend on a real port and the Jira simulator behind it. Tests assert what reached
 * Jira (the simulator's store) and what the CLI printed; the last one scans every output.
 */
import { describe, expect, it } from 'vitest';
import { closedPort } from './testing/harness.ts';
import { noCi, setUpCliSuite, until } from './testing/suite.ts';

const s = setUpCliSuite();

describe("Jira's verdict, told as it is", () => {
  it('prints a build Jira rejected (no issue it knows) and exits 0 unless --fail-on rejected', async () => {
    const run = await s.cli([
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
    expect(s.storedBuild('verdicts', 1)).toBeUndefined();

    const failing = await s.cli([
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
    const run = await s.cli([
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
    expect(s.storedBuild('verdicts', 3)?.issueKeys).toEqual(['TB-7']);
  });

  it("prints an item Testbridge refuses by Jira's rules, naming the field", async () => {
    const run = await s.cli([
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
    s.bed().sim.addFault({ kind: 'status', status: 503, path: '/api/jira/builds/*', times: 1 });
    const seenBefore = s.bed().seen.length;
    const pending = s.cli([
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
      () =>
        s
          .bed()
          .seen.slice(seenBefore)
          .some((r) => r.path.startsWith('/api/v1/devops/events/')),
      'the CLI to ask for the verdict',
    );
    s.bed().advance(120_000);
    await s.bed().drain();
    const run = await pending;
    expect(run.code, run.all).toBe(0);
    expect(run.stdout).toContain('build verdicts #5: accepted — Jira accepted this build.');
    expect(s.storedBuild('verdicts', 5)).toBeDefined();
  });

  it('says pending (exit 0, even with --fail-on) when Jira has not answered within --wait', async () => {
    s.bed().sim.addFault({ kind: 'status', status: 503, path: '/api/jira/builds/*', times: 1 });
    const run = await s.cli([
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
    s.bed().advance(120_000);
    await s.bed().drain();
    expect(s.storedBuild('verdicts', 6)).toBeDefined();
  });
});

describe('failures, each with its exit code', () => {
  it('a wrong client secret: exit 3, the secret never printed (even with --verbose)', async () => {
    const wrong = 'tbcs_this-is-the-wrong-secret-0123456789';
    s.plant(wrong);
    const run = await s.cli(['build', ...noCi('auth', 1), '--state', 'successful', '--verbose'], {
      TESTBRIDGE_CLIENT_SECRET: wrong,
    });
    expect(run.code, run.all).toBe(3);
    expect(run.stderr).toContain(
      'testbridge: Testbridge refused the CI credentials (invalid_client: Unknown, revoked or wrong client credentials); check TESTBRIDGE_CLIENT_ID and TESTBRIDGE_CLIENT_SECRET',
    );
    expect(run.all).not.toContain(wrong);
  });

  it('--verbose shows each request and the token, masked', async () => {
    const run = await s.cli([
      'build',
      ...noCi('verbose', 1),
      '--state',
      'successful',
      '--issue',
      'TB-7',
      '--verbose',
    ]);
    expect(run.code, run.all).toBe(0);
    expect(run.stderr).toContain('[verbose] POST /oauth/token (attempt 1/5)');
    expect(run.stderr).toContain('[verbose] got a CI token valid 3600 s: ***\n');
    expect(run.stderr).toContain('[verbose] POST /api/v1/devops/builds → 202');
    expect(run.stderr).toContain('[verbose] CI tokens fetched in this run: 1');
  });

  it('an unreachable backend: exit 4 after the retries', async () => {
    const port = await closedPort();
    const run = await s.cli(
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
    s.bed().faults.push({
      method: 'POST',
      path: /^\/api\/v1\/devops\/builds$/,
      status: 429,
      retryAfter: '1',
      times: 1,
    });
    const seenBefore = s.bed().seen.length;
    const run = await s.cli([
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
    const posts = s
      .bed()
      .seen.slice(seenBefore)
      .filter((r) => r.method === 'POST' && r.path === '/api/v1/devops/builds');
    expect(posts).toHaveLength(2);
    // A lower bound only: a busy machine makes the gap longer, never shorter.
    expect((posts[1]?.at ?? 0) - (posts[0]?.at ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it('a 429 asking for longer than --max-retry-wait: exit 4 at once, saying why', async () => {
    s.bed().faults.push({
      method: 'POST',
      path: /^\/api\/v1\/devops\/builds$/,
      status: 429,
      retryAfter: '120',
      times: 1,
    });
    const run = await s.cli([
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
    s.bed().faults.push({
      method: 'POST',
      path: /^\/api\/v1\/devops\/builds$/,
      status: 502,
      times: 3,
    });
    const run = await s.cli([
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
});

s.itNeverPrintedSecrets(12);
