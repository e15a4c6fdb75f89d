/**
 * Turn an `IssueUpdateDetails` body (`fields`, `update` operations, `transition`) into a draft the
 * world can apply, collecting every field error the way Jira reports them together.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-issueidorkey-put
 */
import { z } from 'zod';
import type { JsonValue } from '../world/types.ts';
import type { FieldScope, IssueDraft } from './issue-fields.ts';
import { cannotBeSet, setField } from './issue-fields.ts';
import { richTextError } from './rich-text.ts';

/** The parts of `IssueUpdateDetails` the simulator acts on (others are accepted and ignored). */
export const issueUpdateBody = z.looseObject({
  fields: z.record(z.string(), z.json()).optional(),
  update: z.record(z.string(), z.array(z.record(z.string(), z.json()))).optional(),
  transition: z.looseObject({ id: z.string().optional() }).optional(),
});
export type IssueUpdateBody = z.infer<typeof issueUpdateBody>;

export interface DraftResult {
  draft: IssueDraft;
  errors: Record<string, string>;
  /** Comment bodies from `update.comment[].add.body`, added after the change. */
  comments: JsonValue[];
}

const SET_ONLY = new Set([
  'summary',
  'description',
  'environment',
  'priority',
  'assignee',
  'reporter',
  'issuetype',
  'duedate',
  'parent',
]);

function listOp(
  field: 'labels' | 'fixVersions',
  ops: Record<string, JsonValue>[],
  scope: FieldScope,
  draft: IssueDraft,
): string | null {
  const current =
    field === 'labels'
      ? (draft.labels ?? scope.issue?.labels ?? [])
      : (draft.fixVersionIds ?? scope.issue?.fixVersionIds ?? []);
  let next = [...current];
  for (const op of ops) {
    for (const [verb, value] of Object.entries(op)) {
      const probe: IssueDraft = { extra: {} };
      const error = setField(field, verb === 'set' ? value : [value], scope, probe);
      if (error) return error;
      const items = (field === 'labels' ? probe.labels : probe.fixVersionIds) ?? [];
      if (verb === 'set') next = items;
      else if (verb === 'add') next = [...next, ...items.filter((i) => !next.includes(i))];
      else if (verb === 'remove') next = next.filter((i) => !items.includes(i));
      else return `Field '${field}' does not support the '${verb}' operation.`;
    }
  }
  if (field === 'labels') draft.labels = next;
  else draft.fixVersionIds = next;
  return null;
}

function applyUpdate(
  field: string,
  ops: Record<string, JsonValue>[],
  scope: FieldScope,
  result: DraftResult,
): string | null {
  if (field === 'labels' || field === 'fixVersions') return listOp(field, ops, scope, result.draft);
  if (field === 'comment') {
    for (const op of ops) {
      const body = z.object({ body: z.json() }).safeParse(op.add);
      if (!body.success) return 'Comment body is not valid!';
      const error = richTextError(scope.call, body.data.body);
      if (error) return 'Comment body is not valid!';
      result.comments.push(body.data.body);
    }
    return null;
  }
  if (!SET_ONLY.has(field)) return cannotBeSet(field);
  for (const op of ops) {
    for (const [verb, value] of Object.entries(op)) {
      if (verb !== 'set') return `Field '${field}' does not support the '${verb}' operation.`;
      const error = setField(field, value, scope, result.draft);
      if (error) return error;
    }
  }
  return null;
}

/** Apply `fields` and `update` (minus the fields the caller handled, e.g. `project`). */
export function buildDraft(
  body: IssueUpdateBody,
  scope: FieldScope,
  skip: ReadonlySet<string> = new Set(),
): DraftResult {
  const result: DraftResult = { draft: { extra: {} }, errors: {}, comments: [] };
  const fields = body.fields ?? {};
  for (const [field, value] of Object.entries(fields)) {
    if (skip.has(field)) continue;
    const error = setField(field, value, scope, result.draft);
    if (error) result.errors[field] = error;
  }
  for (const [field, ops] of Object.entries(body.update ?? {})) {
    // Atlassian: "Fields included in here cannot be included in `update`" (message UNCONFIRMED).
    if (field in fields) {
      result.errors[field] = `Field '${field}' cannot be set in both fields and update.`;
      continue;
    }
    const error = applyUpdate(field, ops, scope, result);
    if (error) result.errors[field] = error;
  }
  return result;
}
