/**
 * How Jira's Builds and Deployments APIs read a body and word their verdict on one item: absent
 * optional fields may come as `null` (Atlassian's Jenkins plugin serialises with Jackson's
 * defaults) and mean absent; an invalid item is answered in `rejectedBuilds` /
 * `rejectedDeployments` with messages like `'url' is required` (recorded from Jira) or
 * `'state' is not valid. Allowed values are: [...]` (reported by users of Jira's API).
 * @see https://developer.atlassian.com/cloud/jira/software/rest/api-group-builds/#api-rest-builds-0-1-bulk-post
 */
import type { z } from 'zod';

/**
 * The value with every object member whose value is `null` left out, at any depth (array
 * elements stay: `[null]` is still invalid). Returns the value itself when it holds no such member.
 */
export function withoutNulls<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const element: unknown = value[i];
      const cleaned = withoutNulls(element);
      if (cleaned !== element) {
        copy ??= value.slice();
        copy[i] = cleaned;
      }
    }
    return (copy ?? value) as T;
  }
  const record = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const key in record) {
    const member = record[key];
    if (member === null) {
      copy ??= { ...record };
      delete copy[key];
      continue;
    }
    const cleaned = withoutNulls(member);
    if (cleaned !== member) {
      copy ??= { ...record };
      copy[key] = cleaned;
    }
  }
  return (copy ?? value) as T;
}

/** `references[0].commit.id` from a zod issue path. */
function pathOf(path: readonly PropertyKey[]): string {
  let name = '';
  for (const segment of path) {
    if (typeof segment === 'number') name += `[${segment}]`;
    else name += name === '' ? String(segment) : `.${String(segment)}`;
  }
  return name;
}

const elements = (n: number | bigint) => (Number(n) === 1 ? 'element' : 'elements');

/** Jira's words for one zod issue, naming its field (`'state' is not valid. Allowed values …`). */
export function jiraMessageOf(issue: z.core.$ZodIssue): string {
  const field = pathOf(issue.path);
  switch (issue.code) {
    case 'invalid_type':
      if (/received undefined$/.test(issue.message)) return `'${field}' is required`;
      return `'${field}' is not valid. Expected ${issue.expected}.`;
    case 'invalid_value':
      return `'${field}' is not valid. Allowed values are: [${issue.values.map(String).join(', ')}].`;
    case 'unrecognized_keys':
      return issue.keys
        .map((key) => `'${pathOf([...issue.path, key])}' is not a known field`)
        .join('; ');
    case 'too_big':
      return issue.origin === 'string'
        ? `'${field}' must be at most ${issue.maximum} characters long`
        : issue.origin === 'array'
          ? `'${field}' must have at most ${issue.maximum} ${elements(issue.maximum)}`
          : `'${field}' must be at most ${issue.maximum}`;
    case 'too_small':
      return issue.origin === 'string'
        ? `'${field}' must be at least ${issue.minimum} characters long`
        : issue.origin === 'array'
          ? `'${field}' must have at least ${issue.minimum} ${elements(issue.minimum)}`
          : `'${field}' must be at least ${issue.minimum}`;
    default:
      return `'${field || '(item)'}' is not valid: ${issue.message}`;
  }
}

/** Jira's messages for one item's validation errors, each naming its field, without repeats. */
export function jiraItemMessages(error: z.ZodError): { message: string }[] {
  return [...new Set(error.issues.map(jiraMessageOf))].map((message) => ({ message }));
}
