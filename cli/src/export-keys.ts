/**
 * Hands the issue keys to later steps: GitHub Actions' step output (`issue-keys`) and job
 * environment (`TESTBRIDGE_ISSUE_KEYS`) files when present, and a dotenv file named by
 * `--export-file` (GitLab's `artifacts:reports:dotenv`, or any `source`-able file).
 */
import { appendFileSync } from 'node:fs';
import type { Env } from './ci/providers.ts';
import type { Output } from './output.ts';

export const ISSUE_KEYS_VARIABLE = 'TESTBRIDGE_ISSUE_KEYS';

/** Appends the keys to every target there is; answers where they went. */
export function exportIssueKeys(
  keys: string[],
  env: Env,
  envFile: string | undefined,
  output: Output,
): string[] {
  const value = keys.join(',');
  const written: string[] = [];
  const append = (file: string, line: string, label: string) => {
    try {
      appendFileSync(file, `${line}\n`);
      written.push(label);
    } catch (error) {
      output.warn(`Could not write the issue keys to ${label}: ${(error as Error).message}`);
    }
  };
  if (env.GITHUB_OUTPUT) append(env.GITHUB_OUTPUT, `issue-keys=${value}`, 'GITHUB_OUTPUT');
  if (env.GITHUB_ENV) append(env.GITHUB_ENV, `${ISSUE_KEYS_VARIABLE}=${value}`, 'GITHUB_ENV');
  if (envFile) append(envFile, `${ISSUE_KEYS_VARIABLE}=${value}`, envFile);
  return written;
}
