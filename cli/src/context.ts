/**
 * The build a command is about: the CI's facts, overridden by flags, and the issue keys from the
 * branch, the commits since the last build the CI names, `--issue` and `TESTBRIDGE_ISSUE_KEYS`.
 */
import { type CiFacts, type CiProvider, detectCi, type Env } from './ci/providers.ts';
import { normalizeState } from './ci/state.ts';
import { CliError, EXIT } from './errors.ts';
import { extractIssueKeys, type FoundKeys, mergeKeys, readCommitMessages } from './issue-keys.ts';
import type { Output } from './output.ts';

export interface BuildContext {
  ci: CiProvider | undefined;
  pipelineId: string;
  pipelineName: string;
  buildNumber: number;
  displayName: string;
  /** The build's page; commands that send a build or deployment require it. */
  url: string | undefined;
  /** Normalised to Jira's words for the command's kind; undefined when nobody said. */
  state: string | undefined;
  branch: string | undefined;
  commit: string | undefined;
  repositoryUrl: string | undefined;
  environment: string | undefined;
  environmentType: string | undefined;
  issueKeys: FoundKeys;
}

/** Flags every command shares (undefined: not given). */
export interface ContextFlags {
  pipelineId?: string;
  pipelineName?: string;
  buildNumber?: string;
  displayName?: string;
  url?: string;
  state?: string;
  branch?: string;
  commit?: string;
  repositoryUrl?: string;
  environment?: string;
  environmentType?: string;
  issue?: string[];
  commitKeys: boolean;
}

function required(
  value: string | undefined,
  what: string,
  flag: string,
  ci: CiProvider | undefined,
) {
  if (value) return value;
  const where = ci ? `${ci.name} does not provide it` : 'no supported CI was detected';
  throw new CliError(EXIT.usage, `Missing ${what}: ${where}; pass ${flag}`);
}

function toBuildNumber(raw: string, source: string): number {
  if (!/^\d{1,15}$/.test(raw.trim())) {
    throw new CliError(EXIT.usage, `${source} "${raw}" is not a whole number; pass --build-number`);
  }
  return Number(raw.trim());
}

/** Keys from the commits since the last build the CI names, else from the head commit. */
async function commitKeys(
  facts: CiFacts,
  cwd: string,
  output: Output,
): Promise<{ source: string; keys: string[] }> {
  if (facts.commitRange) {
    const messages = await readCommitMessages(facts.commitRange, cwd);
    if (messages) {
      output.debug(`read ${messages.length} commit message(s) of ${facts.commitRange}`);
      return { source: `commits ${facts.commitRange}`, keys: messages.flatMap(extractIssueKeys) };
    }
    output.debug(`git could not read ${facts.commitRange} (shallow clone?); using the head commit`);
  }
  if (facts.commitMessage) {
    return { source: 'commit message', keys: extractIssueKeys(facts.commitMessage) };
  }
  const head = await readCommitMessages(facts.commit ?? 'HEAD', cwd, 1);
  return { source: 'head commit', keys: (head ?? []).flatMap(extractIssueKeys) };
}

/** The build's URL, or a usage error naming the flag. */
export function requireUrl(ctx: BuildContext): string {
  return required(ctx.url, 'the build URL', '--url', ctx.ci);
}

export async function resolveContext(
  kind: 'build' | 'deployment',
  flags: ContextFlags,
  env: Env,
  cwd: string,
  output: Output,
): Promise<BuildContext> {
  const ci = detectCi(env);
  const facts: CiFacts = ci ? ci.read(env) : {};
  output.debug(ci ? `running in ${ci.name}` : 'no supported CI detected: flags only');
  const pipelineId = required(
    flags.pipelineId ?? facts.pipelineId,
    'the pipeline id',
    '--pipeline-id',
    ci,
  );
  const rawNumber = required(
    flags.buildNumber ?? facts.buildNumber,
    'the build number',
    '--build-number',
    ci,
  );
  const buildNumber = toBuildNumber(
    rawNumber,
    flags.buildNumber ? '--build-number' : 'The CI build number',
  );
  const url = flags.url ?? facts.url;
  const pipelineName = flags.pipelineName ?? facts.pipelineName ?? pipelineId;
  const rawState = flags.state ?? facts.state;
  const state = rawState
    ? normalizeState(kind, rawState, flags.state ? '--state' : `${ci?.name} state`)
    : undefined;
  const branch = flags.branch ?? facts.branch;
  const sources = [
    { source: 'branch', keys: extractIssueKeys(branch) },
    ...(flags.commitKeys
      ? [await commitKeys({ ...facts, commit: flags.commit ?? facts.commit }, cwd, output)]
      : []),
    {
      source: '--issue',
      keys: (flags.issue ?? []).flatMap((value) => value.split(/[\s,]+/)).filter(Boolean),
    },
    { source: 'TESTBRIDGE_ISSUE_KEYS', keys: extractIssueKeys(env.TESTBRIDGE_ISSUE_KEYS) },
  ];
  return {
    ci,
    pipelineId,
    pipelineName,
    buildNumber,
    displayName: flags.displayName ?? facts.displayName ?? `${pipelineName} #${buildNumber}`,
    url,
    state,
    branch,
    commit: flags.commit ?? facts.commit,
    repositoryUrl: flags.repositoryUrl ?? facts.repositoryUrl,
    environment: flags.environment ?? facts.environment,
    environmentType: flags.environmentType ?? facts.environmentType,
    issueKeys: mergeKeys(sources),
  };
}
