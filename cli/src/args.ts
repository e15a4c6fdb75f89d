/** Command-line flags (node:util parseArgs), per command; `--help` text. */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { CliError, EXIT } from './errors.ts';
import type { FailOn } from './verdicts.ts';

export const COMMANDS = ['build', 'deploy', 'test-report'] as const;
export type Command = (typeof COMMANDS)[number];

type Options = NonNullable<ParseArgsConfig['options']>;
const text = { type: 'string' } as const;

const common: Options = {
  'testbridge-url': text,
  'pipeline-id': text,
  'pipeline-name': text,
  'build-number': text,
  'display-name': text,
  url: text,
  state: text,
  branch: text,
  commit: text,
  'repository-url': text,
  issue: { type: 'string', multiple: true },
  'no-commit-keys': { type: 'boolean' },
  'export-file': text,
  'fail-on': { type: 'string', multiple: true },
  wait: text,
  timeout: text,
  retries: text,
  'max-retry-wait': text,
  label: text,
  description: text,
  verbose: { type: 'boolean', short: 'v' },
  help: { type: 'boolean', short: 'h' },
};

const perCommand: Record<Command, Options> = {
  build: {},
  deploy: {
    environment: text,
    'environment-name': text,
    'environment-type': text,
    'deployment-number': text,
  },
  'test-report': {
    project: text,
    name: text,
    environment: text,
    'fix-version': text,
    'no-gzip': { type: 'boolean' },
    'no-build': { type: 'boolean' },
  },
};

export interface ParsedArgs {
  command: Command;
  values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  positionals: string[];
}

export function parseCommandLine(argv: string[]): ParsedArgs | 'help' {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') return 'help';
  if (!(COMMANDS as readonly string[]).includes(command)) {
    throw new CliError(
      EXIT.usage,
      `Unknown command "${command}"; use ${COMMANDS.join(', ')} (or --help)`,
    );
  }
  const cmd = command as Command;
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      options: { ...common, ...perCommand[cmd] },
      allowPositionals: cmd === 'test-report',
      strict: true,
    });
    return { command: cmd, values, positionals };
  } catch (error) {
    throw new CliError(EXIT.usage, `${(error as Error).message} (see testbridge --help)`);
  }
}

/** Seconds given as a flag, as milliseconds. */
export function secondsFlag(value: unknown, name: string, fallbackMs: number): number {
  if (value === undefined) return fallbackMs;
  const seconds = Number(value);
  if (typeof value !== 'string' || !Number.isFinite(seconds) || seconds < 0) {
    throw new CliError(EXIT.usage, `--${name} "${String(value)}" is not a number of seconds`);
  }
  return Math.round(seconds * 1000);
}

export function countFlag(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !/^\d{1,2}$/.test(value)) {
    throw new CliError(EXIT.usage, `--${name} "${String(value)}" is not a count (0–99)`);
  }
  return Number(value);
}

export function failOnFlag(values: unknown): FailOn[] {
  const list = (Array.isArray(values) ? values : []).flatMap((v) => String(v).split(','));
  return list.map((value) => {
    const word = value.trim();
    if (word === 'rejected' || word === 'unknown-keys') return word;
    throw new CliError(EXIT.usage, `--fail-on "${word}": use rejected or unknown-keys`);
  });
}

export const HELP = `testbridge — builds, deployments and test reports from CI to Jira, through Testbridge

Usage:
  testbridge build        [--state S] [flags]
  testbridge deploy       --environment E [--state S] [flags]
  testbridge test-report  <files or globs…> --project KEY [flags]

Environment: TESTBRIDGE_URL, TESTBRIDGE_CLIENT_ID, TESTBRIDGE_CLIENT_SECRET (a DevOps site's
CI credentials); TESTBRIDGE_PROJECT (test-report).

Build facts (read from the CI; a flag overrides):
  --pipeline-id ID  --pipeline-name NAME  --build-number N  --display-name NAME  --url URL
  --state STATE (successful, failed, cancelled, in_progress, pending, unknown; success/failure… too)
  --branch B  --commit SHA  --repository-url URL  --label L  --description D
Issue keys (branch, commits since the last build, --issue, TESTBRIDGE_ISSUE_KEYS):
  --issue KEY (repeatable or comma-separated)  --no-commit-keys  --export-file FILE
deploy:       --environment ID  --environment-name NAME  --environment-type TYPE  --deployment-number N
test-report:  --project KEY  --name NAME  --environment E  --fix-version V  --no-gzip  --no-build
Behaviour:
  --fail-on rejected|unknown-keys   exit 1 when Jira rejected an item / does not know a key
  --wait SECONDS (10)               how long to follow Jira's verdict when it is pending
  --timeout SECONDS (30)            per request
  --retries N (4)                   on network errors, 5xx and 429
  --max-retry-wait SECONDS (60)     the longest Retry-After waited for
  --verbose                         each request (secrets masked)

Exit codes: 0 done (even if Jira rejected, unless --fail-on), 1 --fail-on met, 2 usage,
3 credentials refused, 4 Testbridge unreachable or failing, 5 request refused. See cli/README.md.
`;
