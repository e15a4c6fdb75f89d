/**
 * The `testbridge` command: reads the environment and flags once, wires the client, runs one
 * command and answers its exit code. `cli.ts` hands it process.env, the clock and the streams.
 */
import { IssueKey } from '@testbridge/shared/jira/builds';
import { countFlag, failOnFlag, HELP, parseCommandLine, secondsFlag } from './args.ts';
import { detectCi, type Env } from './ci/providers.ts';
import { runBuild } from './commands/build.ts';
import { runDeploy } from './commands/deploy.ts';
import { runTestReport } from './commands/test-report.ts';
import { type BuildContext, type ContextFlags, resolveContext } from './context.ts';
import { CliError, EXIT } from './errors.ts';
import { exportIssueKeys } from './export-keys.ts';
import { createClient } from './http.ts';
import { createOutput, type Output, type OutputStreams } from './output.ts';
import type { Runtime } from './runtime.ts';
import { failOnExit, type ItemOutcome, printOutcomes } from './verdicts.ts';

export interface MainDeps {
  env: Env;
  cwd: string;
  streams: OutputStreams;
  fetch: typeof fetch;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
  random: () => number;
}

const str = (value: unknown) => (typeof value === 'string' ? value : undefined);

function needEnv(env: Env, name: string, flag?: string): string {
  const value = env[name]?.trim();
  if (value) return value;
  throw new CliError(EXIT.usage, `Missing ${name}${flag ? ` (or ${flag})` : ''}`);
}

/** A tuning knob in milliseconds from the environment (tests shorten the waits with these). */
function msEnv(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d{1,7}$/.test(raw))
    throw new CliError(EXIT.usage, `${name} "${raw}" is not milliseconds`);
  return Number(raw);
}

function printKeys(ctx: BuildContext, output: Output, written: string[]): void {
  const { keys, sources } = ctx.issueKeys;
  const from = sources.map((s) => `${s.source}: ${s.keys.join(', ')}`).join('; ');
  output.info(keys.length ? `Issue keys: ${keys.join(', ')} (${from})` : 'Issue keys: none found');
  if (written.length) output.info(`Exported TESTBRIDGE_ISSUE_KEYS to ${written.join(', ')}`);
}

export async function main(argv: string[], deps: MainDeps): Promise<number> {
  const verbose = argv.includes('--verbose') || argv.includes('-v');
  const output = createOutput(deps.streams, verbose);
  // Registered before anything can print, so even an early error cannot show it.
  output.addSecret(deps.env.TESTBRIDGE_CLIENT_SECRET);
  try {
    const parsed = parseCommandLine(argv);
    if (parsed === 'help' || parsed.values.help) {
      deps.streams.stdout.write(HELP);
      return parsed === 'help' && argv.length === 0 ? EXIT.usage : EXIT.ok;
    }
    const { command, values } = parsed;
    const env = deps.env;
    const baseUrl =
      str(values['testbridge-url']) ?? needEnv(env, 'TESTBRIDGE_URL', '--testbridge-url');
    if (!URL.canParse(baseUrl))
      throw new CliError(EXIT.usage, `TESTBRIDGE_URL "${baseUrl}" is not a URL`);
    const client = createClient({
      baseUrl,
      clientId: needEnv(env, 'TESTBRIDGE_CLIENT_ID'),
      clientSecret: needEnv(env, 'TESTBRIDGE_CLIENT_SECRET'),
      timeoutMs: secondsFlag(values.timeout, 'timeout', 30_000),
      retries: countFlag(values.retries, 'retries', 4),
      retryBaseMs: msEnv(env, 'TESTBRIDGE_RETRY_BASE_MS', 1000),
      maxRetryWaitMs: secondsFlag(values['max-retry-wait'], 'max-retry-wait', 60_000),
      fetch: deps.fetch,
      sleep: deps.sleep,
      now: deps.now,
      random: deps.random,
      output,
    });
    const issues = (Array.isArray(values.issue) ? values.issue : [])
      .flatMap((v) => String(v).split(/[\s,]+/))
      .filter(Boolean);
    for (const key of issues) {
      if (!IssueKey.safeParse(key).success) {
        throw new CliError(EXIT.usage, `--issue "${key}" is not an issue key such as ABC-123`);
      }
    }
    const flags: ContextFlags = {
      pipelineId: str(values['pipeline-id']),
      pipelineName: str(values['pipeline-name']),
      buildNumber: str(values['build-number']),
      displayName: str(values['display-name']),
      url: str(values.url),
      state: str(values.state),
      branch: str(values.branch),
      commit: str(values.commit),
      repositoryUrl: str(values['repository-url']),
      environment: str(values.environment),
      environmentType: str(values['environment-type']),
      issue: issues,
      commitKeys: !values['no-commit-keys'],
    };
    const rt: Runtime = {
      client,
      output,
      env,
      cwd: deps.cwd,
      poll: {
        waitMs: secondsFlag(values.wait, 'wait', 10_000),
        pollIntervalMs: msEnv(env, 'TESTBRIDGE_POLL_INTERVAL_MS', 1000),
        sleep: deps.sleep,
        now: deps.now,
      },
      failOn: failOnFlag(values['fail-on']),
      envFile: str(values['export-file']),
      now: deps.now,
    };
    const kind = command === 'deploy' ? 'deployment' : 'build';
    // test-report links a build only when there is one to name (a CI, or --pipeline-id).
    const hasBuild =
      command !== 'test-report' || Boolean(flags.pipelineId) || detectCi(env) !== undefined;
    const ctx = hasBuild ? await resolveContext(kind, flags, env, deps.cwd, output) : undefined;
    if (ctx) printKeys(ctx, output, exportIssueKeys(ctx.issueKeys.keys, env, rt.envFile, output));
    const label = str(values.label);
    const description = str(values.description);
    let outcomes: ItemOutcome[];
    if (command === 'build' && ctx) {
      outcomes = await runBuild(rt, ctx, { label, description });
      printOutcomes(outcomes, output);
    } else if (command === 'deploy' && ctx) {
      outcomes = await runDeploy(rt, ctx, {
        environmentName: str(values['environment-name']),
        deploymentNumber: str(values['deployment-number']),
        environmentTypeFlag: Boolean(values['environment-type']),
        label,
        description,
      });
      printOutcomes(outcomes, output);
    } else {
      outcomes = await runTestReport(rt, ctx, {
        patterns: parsed.positionals,
        project: str(values.project),
        name: str(values.name),
        fixVersion: str(values['fix-version']),
        gzip: !values['no-gzip'],
        linkBuild: !values['no-build'],
        label,
        description,
      });
      printOutcomes(
        outcomes.filter((o) => o.label.startsWith('build ')),
        output,
      );
    }
    output.debug(`CI tokens fetched in this run: ${client.tokensFetched()}`);
    return failOnExit(outcomes, rt.failOn, output);
  } catch (error) {
    if (error instanceof CliError) {
      output.warn(`testbridge: ${error.message}`);
      return error.exitCode;
    }
    output.warn(
      `testbridge: unexpected failure: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    return 70;
  }
}
