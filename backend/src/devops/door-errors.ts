import type { Context } from 'hono';
import type { AppError } from '../http/errors.ts';

const BULK_DOOR = /^\/jira\/(builds|deployments)\/0\.1\/cloud\/[^/]+\/bulk\/?$/;

/** RFC 6749 §5.2 error codes for the token endpoint's failures. */
function oauthErrorCode(error: AppError): string {
  if (error.status === 401) return 'invalid_client';
  if (error.status === 503) return 'temporarily_unavailable';
  if (error.status >= 500) return 'server_error';
  return 'invalid_request';
}

function respond(c: Context, error: AppError, body: unknown, extra: Record<string, string>) {
  const headers = new Headers(error.headers);
  headers.set('content-type', 'application/json');
  for (const [name, value] of Object.entries(extra)) headers.set(name, value);
  const requestId = c.get('requestId') as string | undefined;
  if (requestId) headers.set('x-request-id', requestId);
  return new Response(JSON.stringify(body), { status: error.status, headers });
}

/**
 * Errors of the doors that stand in for Atlassian, in Atlassian's shapes, so clients written for
 * Jira parse them: the bulk APIs answer an array of `{message}` (the OpenAPI's `ErrorMessages`),
 * 401/403 the gateway's `{code, message}` (as recorded by the Jenkins plugin); `/oauth/token`
 * answers RFC 6749 `{error, error_description}`. Undefined elsewhere (problem+json).
 */
export function renderCiDoorError(c: Context, error: AppError): Response | undefined {
  const path = c.req.path;
  if (path === '/oauth/token') {
    return respond(
      c,
      error,
      { error: oauthErrorCode(error), error_description: error.message },
      { 'cache-control': 'no-store', pragma: 'no-cache' },
    );
  }
  if (!BULK_DOOR.test(path)) return undefined;
  if (error.status === 401 || error.status === 403) {
    return respond(c, error, { code: error.status, message: error.message }, {});
  }
  const messages = error.invalidFields?.map((field) => field.message) ?? [error.message];
  return respond(
    c,
    error,
    [...new Set(messages)].map((message) => ({ message })),
    {},
  );
}
