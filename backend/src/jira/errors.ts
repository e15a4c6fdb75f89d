import { z } from 'zod';
import { AppError } from '../http/errors.ts';

/** What Jira said when it refused a call: its status and its own messages, safe to show. */
export interface JiraRefusal {
  status: number;
  errorMessages: string[];
  errors: Record<string, string>;
}

/** The codes a failed call to Jira is reported with. */
export type JiraFailureCode =
  | 'jira_unreachable'
  | 'jira_timed_out'
  | 'jira_unauthorized'
  | 'jira_rejected'
  | 'jira_rejected_request'
  | 'jira_not_found'
  | 'jira_forbidden';

/**
 * A call to Jira that failed: unreachable (network, 5xx or 429 after retries), timed out (no
 * answer within the timeout, or Jira's gateway answered 504),
 * unauthorized (401 after one refresh), refused what was asked (400/409/422), not found (404/410),
 * forbidden (403), or rejected (any other answer Testbridge cannot use). Carries Jira's own words.
 */
export class JiraCallError extends AppError {
  readonly jira: JiraRefusal | undefined;

  constructor(code: JiraFailureCode, message: string, jira?: JiraRefusal, cause?: unknown) {
    super(code, message, { cause, ...(jira ? { extensions: { jira } } : {}) });
    this.name = 'JiraCallError';
    this.jira = jira;
  }
}

const RefusalBody = z
  .object({
    errorMessages: z.array(z.string()).optional(),
    errors: z.record(z.string(), z.unknown()).optional(),
    message: z.string().optional(),
    error_description: z.string().optional(),
    error: z.string().optional(),
  })
  .loose();

/** Jira's error body (`{errorMessages, errors}`), the gateway's `{code, message}`, or OAuth's. */
export function parseJiraRefusal(status: number, text: string): JiraRefusal {
  const refusal: JiraRefusal = { status, errorMessages: [], errors: {} };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    if (text.trim()) refusal.errorMessages.push(text.trim().slice(0, 500));
    return refusal;
  }
  const body = RefusalBody.safeParse(json);
  if (!body.success) return refusal;
  refusal.errorMessages = body.data.errorMessages ?? [];
  for (const [key, value] of Object.entries(body.data.errors ?? {})) {
    if (typeof value === 'string') refusal.errors[key] = value;
  }
  const fallback = body.data.message ?? body.data.error_description ?? body.data.error;
  if (refusal.errorMessages.length === 0 && fallback) refusal.errorMessages.push(fallback);
  return refusal;
}

/** The code for a refusal Jira still answered after retries (see {@link JiraFailureCode}). */
export function failureCodeOf(status: number): JiraFailureCode {
  if (status === 401) return 'jira_unauthorized';
  if (status === 504) return 'jira_timed_out';
  if (status >= 500 || status === 429 || status === 408) return 'jira_unreachable';
  if (status === 403) return 'jira_forbidden';
  if (status === 404 || status === 410) return 'jira_not_found';
  if (status === 400 || status === 409 || status === 422) return 'jira_rejected_request';
  return 'jira_rejected';
}

export function describeRefusal(refusal: JiraRefusal): string {
  const parts = [
    ...refusal.errorMessages,
    ...Object.entries(refusal.errors).map(([key, value]) => `${key}: ${value}`),
  ];
  return parts.length ? parts.join('; ') : `HTTP ${refusal.status}`;
}
