import { IssueTests } from '@testbridge/shared/api/coverage';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../testing/index.ts';
import { type Case, createResultsTestbed } from './testing.ts';

describe.each(STORE_KINDS)('results import and coverage on %s', (kind) => {
  let bed: Awaited<ReturnType<typeof createResultsTestbed>>;
  beforeAll(async () => {
    bed = await createResultsTestbed(kind);
  });
  afterAll(async () => bed.t.cleanup());

  const login: Case = {
    key: 'T-1',
    name: 'logs in',
    classname: 'Auth',
    status: 'passed',
    requirements: ['TB-1'],
  };
  const logout: Case = {
    name: 'logs out @TB-1',
    classname: 'Auth',
    status: 'failed',
    message: 'expected 200\n  at x',
  };
  const search: Case = { name: 'searches', status: 'skipped', requirements: ['TB-2', 'TB-999'] };

  it('imports a run, lists unknown keys and derives coverage OK/NOK/NOTRUN/UNCOVERED', async () => {
    const run = await bed.createRun(bed.tool, { environment: 'staging' });
    const imported = await bed.uploadOk(bed.tool, run.id, [login, logout, search]);
    expect(imported.file).toMatchObject({ cases: 3, tests: 3, unknownIssueKeys: ['TB-999'] });
    expect(imported.run.counts).toMatchObject({ total: 3, passed: 1, failed: 1, skipped: 1 });
    expect(imported.run.unknownIssueKeys).toEqual(['TB-999']);

    const tb1 = IssueTests.parse(await bed.coverage('TB-1'));
    expect(tb1.coverage).toBe('NOK');
    expect(tb1.tests.map((t) => [t.name, t.latest?.status])).toEqual([
      ['logs in', 'passed'],
      ['logs out @TB-1', 'failed'],
    ]);
    expect(tb1.tests[1]?.latest?.message).toBe('expected 200');
    expect((await bed.coverage('TB-2')).coverage).toBe('NOTRUN');
    expect((await bed.coverage('TB-3')).coverage).toBe('UNCOVERED');
    expect((await bed.coverage(tb1.issue.id)).coverage).toBe('NOK');
  });

  it('merges files of one run: last attempt wins, failed-then-passed is flaky; a keyed test keeps its identity when renamed', async () => {
    const run = await bed.createRun(bed.tool, { environment: 'staging' });
    await bed.uploadOk(bed.tool, run.id, [logout]);
    const second = await bed.uploadOk(bed.tool, run.id, [
      { ...logout, status: 'passed', message: undefined },
      { ...login, name: 'signs in' },
    ]);
    expect(second.run.files).toBe(2);
    expect(second.run.counts).toMatchObject({ total: 2, passed: 2, flaky: 1 });
    const tb1 = await bed.coverage('TB-1');
    expect(tb1.coverage).toBe('OK');
    expect(tb1.flaky).toBe(true);
    expect(tb1.tests.map((t) => [t.name, t.key, t.latest?.flaky])).toEqual([
      ['logs out @TB-1', null, true],
      ['signs in', 'T-1', false],
    ]);
    expect(tb1.tests[1]?.history.map((h) => h.status)).toEqual(['passed', 'passed']);
  });

  it('keeps the latest per environment and answers each scope', async () => {
    const run = await bed.createRun(bed.tool, { environment: 'production', fixVersion: '2.0' });
    await bed.uploadOk(bed.tool, run.id, [{ ...login, status: 'error', message: 'boom' }]);
    const latest = await bed.coverage('TB-1');
    expect(latest.coverage).toBe('NOK');
    expect(latest.environments).toEqual(['production', 'staging']);
    const signsIn = latest.tests.find((t) => t.key === 'T-1');
    expect(signsIn?.byEnvironment.map((e) => [e.environment, e.status])).toEqual([
      ['production', 'error'],
      ['staging', 'passed'],
    ]);
    expect((await bed.coverage('TB-1', '&environment=staging')).coverage).toBe('OK');
    const fix = await bed.coverage('TB-1', '&fixVersion=2.0');
    expect(fix.coverage).toBe('NOK');
    expect(fix.counts).toMatchObject({ total: 2, error: 1, notRun: 1 });
  });

  it('keeps the tests of an issue moved to another project (links are by issue id)', async () => {
    const tb1 = await bed.coverage('TB-1');
    const res = await bed.sim.fetch(`${bed.sim.baseUrl}/_sim/world/acme/issues/TB-1/move`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ projectKey: 'WEB' }),
    });
    const moved = (await res.json()) as { id: string; key: string };
    expect(moved.key).toMatch(/^WEB-/);
    const after = await bed.coverage(moved.key);
    expect(after.issue).toEqual({ id: tb1.issue.id, key: moved.key });
    expect(after.tests.map((t) => t.testId).sort()).toEqual(tb1.tests.map((t) => t.testId).sort());
    // A report still naming the old key links to the same issue.
    const run = await bed.createRun(bed.tool);
    const imported = await bed.uploadOk(bed.tool, run.id, [
      { name: 'old key', status: 'passed', requirements: ['TB-1'] },
    ]);
    expect(imported.file.unknownIssueKeys).toEqual([]);
    expect((await bed.coverage(moved.key)).counts.total).toBe(3);
  });

  it('answers problems for an unknown connection, an issue Jira does not know and two scopes', async () => {
    const get = (path: string) => bed.t.app.request(path, { headers: bed.tool });
    const noConnection = await get('/api/v1/issues/10001/tests?connectionId=nope');
    expect(noConnection.status).toBe(404);
    expect(await noConnection.json()).toMatchObject({ code: 'not_found' });
    const noIssue = await get(`/api/v1/issues/TB-9999/tests?connectionId=${bed.connection.id}`);
    expect(noIssue.status).toBe(404);
    expect(await noIssue.json()).toMatchObject({ code: 'jira_not_found' });
    const both = await get(
      `/api/v1/issues/TB-1/tests?connectionId=${bed.connection.id}&environment=a&fixVersion=b`,
    );
    expect(both.status).toBe(400);
    expect(await both.json()).toMatchObject({ invalidFields: [{ field: 'query.fixVersion' }] });
    const badHistory = await get(
      `/api/v1/issues/TB-1/tests?connectionId=${bed.connection.id}&history=99`,
    );
    expect(await badHistory.json()).toMatchObject({ invalidFields: [{ field: 'query.history' }] });
  });
});
