import type { InvalidField } from '@testbridge/shared';
import { AppError } from '../http/errors.ts';
import { describeRefusal, JiraCallError } from '../jira/errors.ts';

/** Jira's create-issue field ids → the request's own fields. */
const CREATE_FIELDS: Record<string, string> = {
  project: 'body.project',
  issuetype: 'body.issueType',
  summary: 'body.summary',
  description: 'body.description',
  assignee: 'body.assignee',
  labels: 'body.labels',
  priority: 'body.priority',
};

/**
 * Jira's refusal of what the caller asked, with `invalidFields` naming the caller's own fields:
 * Jira's field `errors` by `fields` (Jira's field id → ours), or its messages on `allMessagesTo`
 * (e.g. `body.jql`). Any other error passes unchanged.
 */
export function withCallerFields(
  error: unknown,
  fields: Record<string, string>,
  allMessagesTo?: string,
): unknown {
  if (!(error instanceof JiraCallError) || error.code !== 'jira_rejected_request' || !error.jira)
    return error;
  const invalid: InvalidField[] = [];
  for (const [key, message] of Object.entries(error.jira.errors)) {
    const field = fields[key];
    if (field) invalid.push({ field, message });
  }
  if (allMessagesTo && invalid.length === 0)
    invalid.push({ field: allMessagesTo, message: describeRefusal(error.jira) });
  if (invalid.length === 0) return error;
  return new AppError(error.code, error.message, {
    cause: error,
    invalidFields: invalid,
    extensions: { jira: error.jira },
  });
}

export const rethrowCreateFields = (error: unknown): never => {
  throw withCallerFields(error, CREATE_FIELDS);
};

export const rethrowJqlFields = (error: unknown): never => {
  throw withCallerFields(error, {}, 'body.jql');
};
