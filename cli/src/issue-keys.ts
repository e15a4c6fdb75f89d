/**
 * Issue keys in branch names and commit messages, with the rules of Atlassian's Jenkins plugin
 * (`IssueKeyStringExtractor`): an upper-case letter, 1–255 upper-case letters, digits or `_`, a
 * dash and 1–100 digits, standing alone between the start or end of the text, white space or
 * ASCII punctuation; at most 100 keys.
 * @see https://github.com/jenkinsci/atlassian-jira-software-cloud-plugin
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { IssueKey } from '@testbridge/shared/jira/builds';

/** Jira's cap on issue keys per build or deployment, which the plugin applies too. */
export const ISSUE_KEY_LIMIT = 100;

// Java's \p{Punct}: the ASCII punctuation characters.
const SEPARATOR = '[\\s!"#$%&\'()*+,\\-./:;<=>?@[\\\\\\]^_`{|}~]';
const KEY = new RegExp(
  `(?:(?<=${SEPARATOR})|^)(\\p{Lu}[\\p{Lu}0-9_]{1,255}-[0-9]{1,100})(?:(?=${SEPARATOR})|$)`,
  'gmu',
);

/** The distinct keys in `text`, in order of appearance. */
export function extractIssueKeys(text: string | undefined): string[] {
  if (!text) return [];
  const keys = new Set<string>();
  for (const match of text.matchAll(KEY)) {
    if (match[1]) keys.add(match[1]);
    if (keys.size >= ISSUE_KEY_LIMIT) break;
  }
  return [...keys];
}

/** Where each key was found, for the summary line. */
export interface FoundKeys {
  keys: string[];
  sources: { source: string; keys: string[] }[];
}

/**
 * Merges keys from several sources, first occurrence first, at most 100. A key the plugin's
 * pattern finds but Jira's DevOps APIs refuse (`IssueKey`: ASCII word characters, e.g. not
 * `ÄBC-1`) is left out, so it cannot get the whole item rejected.
 */
export function mergeKeys(sources: { source: string; keys: string[] }[]): FoundKeys {
  const all = new Set<string>();
  const kept = sources.map(({ source, keys }) => ({
    source,
    keys: keys.filter((key) => IssueKey.safeParse(key).success),
  }));
  for (const { keys } of kept) {
    for (const key of keys) if (all.size < ISSUE_KEY_LIMIT) all.add(key);
  }
  return { keys: [...all], sources: kept.filter((s) => s.keys.length > 0) };
}

const run = promisify(execFile);

/**
 * Commit messages of `range` (`a..b`, or one commit) by `git log`, oldest first; undefined when git
 * cannot answer (no repository, a shallow clone without the older commit).
 */
export async function readCommitMessages(
  range: string,
  cwd: string,
  maxCount = 500,
): Promise<string[] | undefined> {
  try {
    const { stdout } = await run(
      'git',
      ['log', '--format=%B%x00', `--max-count=${maxCount}`, range, '--'],
      { cwd, maxBuffer: 16 * 1024 * 1024 },
    );
    // git lists newest first; keys are reported in the order they were written.
    return stdout
      .split('\0')
      .map((message) => message.trim())
      .filter(Boolean)
      .reverse();
  } catch {
    return undefined;
  }
}
