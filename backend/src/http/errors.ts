import type { ErrorCode, InvalidField } from '@testbridge/shared';

/** The one HTTP status for each error code. Exhaustive: a new code will not compile without one. */
export const statusOf = {
  validation_failed: 400,
  body_too_large: 413,
  unsupported_media_type: 415,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  rate_limited: 429,
  store_unavailable: 503,
  // Jira unreachable, timing out, 5xx or 429 after retries: an outage, worth retrying later.
  jira_unreachable: 502,
  // Jira did not answer in time (our timeout, or its gateway's 504).
  jira_timed_out: 504,
  // Jira answered what Testbridge cannot use (an unexpected body, a refusal of the call's shape).
  jira_rejected: 502,
  // Jira refused what the caller asked (its 400/409/422: bad JQL, unknown issue type or field…).
  jira_rejected_request: 422,
  // Jira's 404/410: no such project, issue, link type or user, or not visible to the grant.
  jira_not_found: 404,
  // Jira's 403: the Jira account acting does not have the permission.
  jira_forbidden: 403,
  // Jira's 401 to the connection's own credentials (after one refresh): the connection is broken.
  jira_unauthorized: 502,
  user_authorization_required: 403,
  needs_reauthorization: 409,
  oauth_state_invalid: 400,
  oauth_state_expired: 400,
  verification_code_invalid: 400,
  url_not_allowed: 400,
  internal_error: 500,
} as const satisfies Record<ErrorCode, number>;

export type ErrorStatus = (typeof statusOf)[ErrorCode];

/** Short, stable titles; `detail` carries the specifics. */
export const titleOf: Record<ErrorCode, string> = {
  validation_failed: 'The request is not valid',
  body_too_large: 'The request body is too large',
  unsupported_media_type: 'Unsupported media type',
  unauthenticated: 'Authentication required',
  forbidden: 'Not allowed',
  not_found: 'Not found',
  method_not_allowed: 'Method not allowed',
  conflict: 'Conflict',
  rate_limited: 'Too many requests',
  store_unavailable: 'The store is unavailable',
  jira_unreachable: 'Jira could not be reached',
  jira_timed_out: 'Jira did not answer in time',
  jira_rejected: 'Jira rejected the request',
  jira_rejected_request: 'Jira refused what was asked',
  jira_not_found: 'Jira has no such item',
  jira_forbidden: 'Jira does not allow this',
  jira_unauthorized: 'Jira refused the credentials',
  user_authorization_required: 'You must authorize Testbridge in Jira first',
  needs_reauthorization: 'The connection needs re-authorization',
  oauth_state_invalid: 'The authorization flow is unknown or already used',
  oauth_state_expired: 'The authorization flow expired',
  verification_code_invalid: 'The verification code is not valid',
  url_not_allowed: 'The URL is not allowed',
  internal_error: 'Internal error',
};

export interface AppErrorOptions {
  cause?: unknown;
  invalidFields?: InvalidField[];
  /** Extra problem members (RFC 9457 extensions), e.g. `authorizationUrl`. Never secrets. */
  extensions?: Record<string, unknown>;
  headers?: Record<string, string>;
}

/**
 * The only error a feature throws on purpose. `message` becomes the problem's `detail` and is
 * shown to the caller, so it must be safe to show; `cause` is logged, never sent.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly invalidFields: InvalidField[] | undefined;
  readonly extensions: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'AppError';
    this.code = code;
    this.invalidFields = options.invalidFields;
    this.extensions = options.extensions ?? {};
    this.headers = options.headers ?? {};
  }

  get status(): number {
    return statusOf[this.code];
  }
}
