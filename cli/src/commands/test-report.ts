/**
 * `testbridge test-report <files…>`: one test run per call, each report file uploaded (gzipped)
 * to it, the run linked to the CI build so the build's Jira `testInfo` and the Tests panel come
 * from the same upload.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ResultsImported, TestRun } from '@testbridge/shared/api/results';
import { glob } from 'tinyglobby';
import type { BuildContext } from '../context.ts';
import { CliError, EXIT } from '../errors.ts';
import { describeError } from '../http.ts';
import type { Runtime } from '../runtime.ts';
import type { ItemOutcome } from '../verdicts.ts';
import { type BuildFlags, buildOf } from './build.ts';
import { postItem } from './post-items.ts';

export interface TestReportFlags extends BuildFlags {
  patterns: string[];
  project: string | undefined;
  name: string | undefined;
  fixVersion: string | undefined;
  gzip: boolean;
  linkBuild: boolean;
}

/** The files the patterns name (globs expanded, literal paths kept), sorted, each once. */
export async function expandReportFiles(patterns: string[], cwd: string): Promise<string[]> {
  const files = await glob(patterns, {
    cwd,
    absolute: true,
    onlyFiles: true,
    expandDirectories: false,
  });
  return [...new Set(files)].sort();
}

function contentTypeOf(name: string): string {
  return name.replace(/\.gz$/i, '').toLowerCase().endsWith('.json')
    ? 'application/json'
    : 'application/xml';
}

async function createRun(rt: Runtime, ctx: BuildContext | undefined, flags: TestReportFlags) {
  const project = flags.project ?? rt.env.TESTBRIDGE_PROJECT;
  if (!project) {
    throw new CliError(
      EXIT.usage,
      'Missing the test-tool project: pass --project or set TESTBRIDGE_PROJECT',
    );
  }
  const body = {
    projectKey: project,
    name: flags.name ?? ctx?.displayName ?? 'testbridge test-report',
    ...(ctx && flags.linkBuild
      ? { build: { pipelineId: ctx.pipelineId, buildNumber: ctx.buildNumber } }
      : {}),
    ...(ctx?.environment ? { environment: ctx.environment } : {}),
    ...(flags.fixVersion ? { fixVersion: flags.fixVersion } : {}),
    ...(ctx?.commit ? { revision: ctx.commit } : {}),
    ...(ctx?.branch ? { branch: ctx.branch } : {}),
  };
  const response = await rt.client.request('POST', '/api/v1/test-runs', {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const run = TestRun.safeParse(response.body);
  if (response.status !== 201 || !run.success) {
    throw new CliError(
      EXIT.refused,
      `Testbridge did not open the test run: ${describeError(response)}`,
    );
  }
  return run.data;
}

export async function runTestReport(
  rt: Runtime,
  ctx: BuildContext | undefined,
  flags: TestReportFlags,
): Promise<ItemOutcome[]> {
  const files = await expandReportFiles(flags.patterns, rt.cwd);
  if (files.length === 0) {
    throw new CliError(EXIT.usage, `No report files match ${flags.patterns.join(' ')}`);
  }
  const run = await createRun(rt, ctx, flags);
  rt.output.info(`test run ${run.id} (${run.name}): uploading ${files.length} file(s)`);
  const outcomes: ItemOutcome[] = [];
  let last: ResultsImported | undefined;
  for (const file of files) {
    const name = basename(file);
    const raw = await readFile(file);
    const zipped = /\.gz$/i.test(name);
    const body = zipped || !flags.gzip ? raw : gzipSync(raw);
    const response = await rt.client.request('POST', `/api/v1/test-runs/${run.id}/results`, {
      query: { fileName: name.replace(/\.gz$/i, '') },
      headers: {
        'content-type': contentTypeOf(name),
        ...(zipped || flags.gzip ? { 'content-encoding': 'gzip' } : {}),
      },
      body: new Uint8Array(body),
    });
    const imported = ResultsImported.safeParse(response.body);
    if (response.status === 200 && imported.success) {
      last = imported.data;
      const f = imported.data.file;
      const unknown = f.unknownIssueKeys.length
        ? `; unknown issue keys: ${f.unknownIssueKeys.join(', ')}`
        : '';
      rt.output.info(`${name}: ${f.cases} case(s), ${f.tests} test(s)${unknown}`);
      outcomes.push({
        label: name,
        status: 'accepted',
        unknownIssueKeys: f.unknownIssueKeys,
        reason: '',
      });
    } else if (response.status >= 400 && response.status < 500 && response.status !== 409) {
      rt.output.warn(`${name}: REJECTED — ${describeError(response)}`);
      outcomes.push({
        label: name,
        status: 'rejected',
        unknownIssueKeys: [],
        reason: describeError(response),
      });
    } else {
      throw new CliError(EXIT.refused, `Testbridge refused ${name}: ${describeError(response)}`);
    }
  }
  if (!last) return outcomes;
  const c = last.run.counts;
  rt.output.info(
    `test run ${run.id}: ${c.total} test(s): ${c.passed} passed, ${c.failed} failed, ${c.error} error, ${c.skipped} skipped, ${c.flaky} flaky`,
  );
  if (ctx && flags.linkBuild) outcomes.push(...(await linkBuild(rt, ctx, flags, last)));
  return outcomes;
}

/**
 * The run names the build. A build still waiting in Testbridge got the counts in the upload's
 * transaction (`filled`); one already delivered to Jira (or never posted) is posted again here
 * with them, in the state the CI or `--state` gives, else the state the results give.
 */
async function linkBuild(
  rt: Runtime,
  ctx: BuildContext,
  flags: TestReportFlags,
  last: ResultsImported,
): Promise<ItemOutcome[]> {
  const label = `build ${ctx.pipelineId} #${ctx.buildNumber}`;
  const outcome = last.file.buildTestInfo;
  if (outcome === 'filled') {
    rt.output.info(
      `${label}: its test counts come from this run (it was still waiting to go to Jira)`,
    );
    return [];
  }
  if (outcome === 'already_set') {
    rt.output.info(`${label}: already carries test counts its CI sent; left as it is`);
    return [];
  }
  if (!ctx.url) {
    const where = ctx.ci ? `${ctx.ci.name} gives no build URL` : 'no build URL';
    rt.output.warn(`${label}: not posted with this run's test counts: ${where}; pass --url`);
    return [];
  }
  const c = last.run.counts;
  const state = ctx.state ?? (c.failed + c.error > 0 ? 'failed' : 'successful');
  rt.output.info(`${label}: posting it with this run's test counts (state ${state})`);
  const testInfo = {
    totalNumber: c.total,
    numberPassed: c.passed,
    numberFailed: c.failed + c.error,
    numberSkipped: c.skipped,
  };
  return postItem(rt, 'build', buildOf(ctx, state, flags, rt.now(), testInfo), label);
}
