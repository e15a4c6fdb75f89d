/**
 * Exit codes (documented in cli/README.md). Jira's verdicts never fail a run unless
 * `--fail-on` asks; only the CLI's own inability to hand the data over does.
 */
export const EXIT = {
  ok: 0,
  /** `--fail-on rejected|unknown-keys` and Jira (or Testbridge, by Jira's rules) said so. */
  failOn: 1,
  /** Bad flags or environment: nothing was sent. */
  usage: 2,
  /** Testbridge refused the CI credentials (wrong client id or secret, revoked). */
  auth: 3,
  /** Testbridge could not be reached or kept failing (network, timeout, 5xx, 429) after retries. */
  unavailable: 4,
  /** Testbridge refused a request for another reason (e.g. an unmapped project). */
  refused: 5,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** A failure that ends the run with its exit code and a one-line message. */
export class CliError extends Error {
  constructor(
    readonly exitCode: ExitCode,
    message: string,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
