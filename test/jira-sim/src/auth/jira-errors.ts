/**
 * Error bodies in the shapes Jira and the API gateway really use, and the HTTPException that
 * carries them out of a middleware. Where the exact text is UNCONFIRMED the comment says so.
 */
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** Throw to answer with `response` from anywhere in a route or middleware. */
export function failWith(response: Response): never {
  throw new HTTPException(response.status as ContentfulStatusCode, { res: response });
}

/**
 * API gateway (`api.atlassian.com`) error body: `{"code":401,"message":"Unauthorized"}`
 * (recorded by Atlassian's Jenkins plugin tests).
 */
export function gatewayError(
  status: number,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return Response.json({ code: status, message }, { status, headers });
}

/** The gateway's answer for a token whose scopes don't cover the operation. */
export function gatewayScopeMismatch(): Response {
  return gatewayError(401, 'Unauthorized; scope does not match');
}

/** Jira's ErrorCollection: `{"errorMessages":[...],"errors":{}}`. @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/intro/#status-codes */
export function jiraError(
  status: number,
  messages: string[],
  errors: Record<string, string> = {},
  headers: Record<string, string> = {},
): Response {
  return Response.json({ errorMessages: messages, errors }, { status, headers });
}

/** Jira's answer to an unauthenticated call of an operation that needs a user. */
export function jiraNotAuthenticated(headers: Record<string, string> = {}): Response {
  return jiraError(401, ['Client must be authenticated to access this resource.'], {}, headers);
}

/** RFC 6749 §5.2 error body `{"error":…,"error_description":…}` (description omitted when empty). */
export function oauthError(
  status: number,
  error: string,
  description?: string,
  headers: Record<string, string> = {},
): Response {
  const body = description === undefined ? { error } : { error, error_description: description };
  return Response.json(body, { status, headers: { 'Cache-Control': 'no-store', ...headers } });
}
