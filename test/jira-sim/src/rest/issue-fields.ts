/**
 * The issue fields the simulator can set, each checked the way Jira checks it: value shape,
 * existence, and the permission that puts the field on the caller's screen. A field that is
 * unknown or not on the screen gets Jira's "cannot be set" error.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-post
 */
import { z } from 'zod';
import { findIssue } from '../world/read.ts';
import type { Issue, JsonValue, PermissionKey, Project } from '../world/types.ts';
import type { RestCall } from './call.ts';
import { can } from './call.ts';
import { richTextError } from './rich-text.ts';
import { findPriority } from './views/common-views.ts';

/** What a create/edit body asks for, in world terms. */
export interface IssueDraft {
  issueTypeId?: string;
  summary?: string;
  description?: JsonValue;
  assigneeId?: string | null;
  reporterId?: string;
  priority?: string;
  labels?: string[];
  fixVersionIds?: string[];
  /** Stored in `Issue.fields`: environment, duedate, parent. */
  extra: Record<string, JsonValue>;
}

export interface FieldScope {
  call: RestCall;
  project: Project;
  /** The issue being edited; null on create. */
  issue: Issue | null;
}

/** Jira's error for a field that is unknown or not on the caller's create/edit screen. */
export function cannotBeSet(field: string): string {
  return `Field '${field}' cannot be set. It is not on the appropriate screen, or unknown.`;
}

type Setter = (value: JsonValue, scope: FieldScope, draft: IssueDraft) => string | null;

const idOrName = z.looseObject({ id: z.string().optional(), name: z.string().optional() });
const cloudUserRef = z.looseObject({ accountId: z.string().optional(), id: z.string().optional() });
const dcUserRef = z.looseObject({ name: z.string().optional(), key: z.string().optional() });

/** Resolve `{accountId}` (Cloud) or `{name}`/`{key}` (DC) to a user id, or an error message. */
function resolveUser(scope: FieldScope, value: JsonValue): { id: string } | { error: string } {
  const { instance } = scope.call;
  if (instance.kind === 'cloud') {
    const ref = cloudUserRef.safeParse(value);
    const id = ref.success ? (ref.data.accountId ?? ref.data.id) : undefined;
    const user = id === undefined ? undefined : instance.users.get(id);
    // Message UNCONFIRMED (Cloud does not reveal whether the account exists).
    return user
      ? { id: user.id }
      : { error: 'Specified user does not exist or you do not have required permissions' };
  }
  const ref = dcUserRef.safeParse(value);
  const name = ref.success ? ref.data.name?.toLowerCase() : undefined;
  const key = ref.success ? ref.data.key : undefined;
  const user = [...instance.users.values()].find(
    (u) => u.id === key || u.username.toLowerCase() === name,
  );
  return user ? { id: user.id } : { error: `User '${name ?? key ?? ''}' does not exist.` };
}

function gated(permission: PermissionKey, field: string, setter: Setter): Setter {
  return (value, scope, draft) =>
    can(scope.call, permission, scope.project.id)
      ? setter(value, scope, draft)
      : cannotBeSet(field);
}

function richText(field: 'description' | 'environment'): Setter {
  return (value, scope, draft) => {
    const error = richTextError(scope.call, value);
    if (error) return error;
    if (field === 'description') draft.description = value;
    else draft.extra.environment = value;
    return null;
  };
}

const SETTERS: Record<string, Setter> = {
  summary: (value, _scope, draft) => {
    if (typeof value !== 'string') return 'Operation value must be a string';
    if (value.trim() === '') return 'You must specify a summary of the issue.';
    if (value.length > 255) return 'Summary must be less than 255 characters.';
    draft.summary = value;
    return null;
  },
  issuetype: (value, scope, draft) => {
    const ref = idOrName.safeParse(value);
    const type = ref.success
      ? [...scope.call.instance.issueTypes.values()].find(
          (t) => t.id === ref.data.id || (ref.data.id === undefined && t.name === ref.data.name),
        )
      : undefined;
    if (!type || !scope.project.issueTypeIds.includes(type.id))
      return 'The issue type selected is invalid.';
    draft.issueTypeId = type.id;
    return null;
  },
  description: richText('description'),
  environment: richText('environment'),
  assignee: gated('ASSIGN_ISSUES', 'assignee', (value, scope, draft) => {
    if (value === null) {
      draft.assigneeId = null;
      return null;
    }
    const user = resolveUser(scope, value);
    if ('error' in user) return user.error;
    if (
      !can(
        { ...scope.call, user: scope.call.instance.users.get(user.id) ?? null },
        'ASSIGNABLE_USER',
        scope.project.id,
      )
    ) {
      const who = scope.call.instance.users.get(user.id);
      return `User '${who?.displayName ?? user.id}' cannot be assigned issues.`;
    }
    draft.assigneeId = user.id;
    return null;
  }),
  reporter: gated('MODIFY_REPORTER', 'reporter', (value, scope, draft) => {
    const user = value === null ? { error: 'Reporter is required.' } : resolveUser(scope, value);
    if ('error' in user) return user.error;
    draft.reporterId = user.id;
    return null;
  }),
  priority: (value, _scope, draft) => {
    const ref = idOrName.safeParse(value);
    const name = ref.success ? findPriority(ref.data) : undefined;
    if (!name) return 'The priority selected is invalid.';
    draft.priority = name;
    return null;
  },
  labels: (value, _scope, draft) => {
    const labels = z.array(z.string()).safeParse(value);
    if (!labels.success) return 'Operation value must be an array of strings';
    const spaced = labels.data.find((label) => /\s/.test(label));
    if (spaced !== undefined) return `The label '${spaced}' contains spaces which is invalid.`;
    draft.labels = labels.data;
    return null;
  },
  fixVersions: gated('RESOLVE_ISSUES', 'fixVersions', (value, scope, draft) => {
    const refs = z.array(idOrName).safeParse(value);
    if (!refs.success) return 'Operation value must be an array of versions';
    const ids: string[] = [];
    for (const ref of refs.data) {
      const version = [...scope.call.instance.versions.values()].find(
        (v) =>
          v.projectId === scope.project.id &&
          (v.id === ref.id || (ref.id === undefined && v.name === ref.name)),
      );
      if (!version)
        return ref.id === undefined
          ? `Version name '${ref.name ?? ''}' is not valid`
          : `Version id '${ref.id}' is not valid`;
      ids.push(version.id);
    }
    draft.fixVersionIds = ids;
    return null;
  }),
  duedate: gated('SCHEDULE_ISSUES', 'duedate', (value, _scope, draft) => {
    if (value !== null && (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)))
      return `Error parsing date string: ${typeof value === 'string' ? value : JSON.stringify(value)}`;
    draft.extra.duedate = value;
    return null;
  }),
  parent: (value, scope, draft) => {
    const ref = z
      .looseObject({ id: z.string().optional(), key: z.string().optional() })
      .safeParse(value);
    const parent = ref.success
      ? findIssue(scope.call.instance, ref.data.key ?? ref.data.id ?? '')
      : undefined;
    if (!parent || parent.projectId !== scope.project.id)
      return 'Given parent work item does not belong to appropriate hierarchy.';
    draft.extra.parent = parent.id;
    return null;
  },
};

/** Apply one field value to the draft; returns Jira's field error or null. */
export function setField(
  field: string,
  value: JsonValue,
  scope: FieldScope,
  draft: IssueDraft,
): string | null {
  const setter = SETTERS[field];
  return setter ? setter(value, scope, draft) : cannotBeSet(field);
}

/** Whether `field` is one the simulator can set at all (others are "unknown"). */
export function isSettableField(field: string): boolean {
  return field in SETTERS;
}
