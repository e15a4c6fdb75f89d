/**
 * Run a JQL search for a caller (only issues they may browse), with Jira's 400 for bad JQL, and
 * the opaque `nextPageToken` of `search/jql` (bound to its JQL, valid 7 days on the sim clock).
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/#api-rest-api-3-search-jql-get
 */
import { z } from 'zod';
import { failWith, jiraError } from '../auth/jira-errors.ts';
import type { CompiledJql } from '../jql/evaluate.ts';
import { compileJql, JqlError } from '../jql/evaluate.ts';
import type { Issue } from '../world/types.ts';
import type { RestCall } from './call.ts';
import { can } from './call.ts';

/** Atlassian: "token expires after 7 days". */
const TOKEN_TTL_MS = 7 * 24 * 3_600_000;

/** Compile JQL as the caller; a JQL problem becomes Jira's 400 `{errorMessages:[…]}`. */
export function compileForCaller(call: RestCall, jql: string, now: number): CompiledJql {
  try {
    return compileJql(
      jql,
      {
        instance: call.instance,
        user: call.user,
        now,
        canBrowse: (projectId) => can(call, 'BROWSE_PROJECTS', projectId),
      },
      'search',
    );
  } catch (error) {
    if (error instanceof JqlError) failWith(jiraError(400, error.messages));
    throw error;
  }
}

/** Every matching issue, sorted. */
export function runSearch(call: RestCall, compiled: CompiledJql): Issue[] {
  return [...call.instance.issues.values()]
    .filter((issue) => compiled.matches(issue))
    .sort((a, b) => compiled.compare(a, b));
}

const tokenSchema = z.object({ jql: z.string(), offset: z.number().int().min(0), exp: z.number() });

export function encodePageToken(jql: string, offset: number, now: number): string {
  return Buffer.from(JSON.stringify({ jql, offset, exp: now + TOKEN_TTL_MS })).toString(
    'base64url',
  );
}

/**
 * The offset a token stands for. A token that is garbage, expired, or was issued for other JQL
 * is a 400 (message UNCONFIRMED).
 */
export function decodePageToken(token: string, jql: string, now: number): number {
  let parsed: z.infer<typeof tokenSchema> | undefined;
  try {
    parsed = tokenSchema.parse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8')));
  } catch {
    parsed = undefined;
  }
  if (!parsed || parsed.jql !== jql || parsed.exp <= now)
    failWith(jiraError(400, ['The provided next page token is invalid or expired.']));
  return parsed.offset;
}
