import type { Env } from './ci/providers.ts';
import type { Client } from './http.ts';
import type { Output } from './output.ts';
import type { FailOn, PollOptions } from './verdicts.ts';

/** What every command is handed: no command reads process.env or the clock itself. */
export interface Runtime {
  client: Client;
  output: Output;
  env: Env;
  cwd: string;
  poll: PollOptions;
  failOn: FailOn[];
  envFile: string | undefined;
  now: () => number;
}
