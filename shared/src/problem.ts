import { z } from 'zod';

/**
 * The one error vocabulary of Testbridge. Codes describe the state, snake_case; the backend maps
 * each to exactly one HTTP status. Clients switch on `code`, never on `title` or `detail`.
 */
export const ErrorCode = z.enum([
  'validation_failed',
  'body_too_large',
  'unsupported_media_type',
  'unauthenticated',
  'forbidden',
  'not_found',
  'method_not_allowed',
  'conflict',
  'rate_limited',
  'store_unavailable',
  'jira_unreachable',
  'jira_timed_out',
  'jira_rejected',
  'jira_rejected_request',
  'jira_not_found',
  'jira_forbidden',
  'jira_unauthorized',
  'user_authorization_required',
  'needs_reauthorization',
  'oauth_state_invalid',
  'oauth_state_expired',
  'verification_code_invalid',
  'url_not_allowed',
  'internal_error',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** One invalid input, named by its path (`body.items[3].pipeline.id`, `query.limit`). */
export const InvalidField = z.object({
  field: z.string(),
  message: z.string(),
});
export type InvalidField = z.infer<typeof InvalidField>;

/**
 * RFC 9457 problem details, as every error response is rendered (`application/problem+json`).
 * @see https://www.rfc-editor.org/rfc/rfc9457
 */
export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: ErrorCode,
    instance: z.string().optional(),
    requestId: z.string().optional(),
    invalidFields: z.array(InvalidField).optional(),
  })
  .catchall(z.unknown());
export type Problem = z.infer<typeof Problem>;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
