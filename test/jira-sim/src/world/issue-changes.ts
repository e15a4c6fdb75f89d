/**
 * Issue changes: the only functions that change issues and comments. Each updates state first,
 * then emits one `WorldChange` (events.ts) on `world.events` (webhook delivery subscribes there).
 */
import type { ChangelogItem } from './events.ts';
import { takeId } from './instance.ts';
import { requireIssue, requireProject } from './read.ts';
import type { Comment, Issue, JiraInstance, JsonValue, User, World } from './types.ts';

export interface NewIssue {
  projectId: string;
  issueTypeId: string;
  summary: string;
  reporterId: string;
  description?: JsonValue;
  assigneeId?: string | null;
  priority?: string;
  labels?: string[];
  fixVersionIds?: string[];
  fields?: Record<string, JsonValue>;
}

/** Create an issue with the next key of its project. Validation is the caller's job. */
export function createIssue(
  world: World,
  instance: JiraInstance,
  input: NewIssue,
  actor: User | null,
): Issue {
  const project = requireProject(instance, input.projectId);
  const number = instance.issueCounters.get(project.key) ?? 1;
  instance.issueCounters.set(project.key, number + 1);
  const at = world.now();
  const issue: Issue = {
    id: takeId(instance),
    key: `${project.key}-${number}`,
    projectId: project.id,
    issueTypeId: input.issueTypeId,
    statusId: instance.transitions[0]?.to ?? '10000',
    summary: input.summary,
    description: input.description ?? null,
    assigneeId: input.assigneeId ?? null,
    reporterId: input.reporterId,
    priority: input.priority ?? 'Medium',
    labels: input.labels ?? [],
    fixVersionIds: input.fixVersionIds ?? [],
    fields: input.fields ?? {},
    created: at,
    updated: at,
  };
  instance.issues.set(issue.id, issue);
  instance.issueKeys.set(issue.key, issue.id);
  world.events.emit({ type: 'issue_created', instance, actor, at, issue });
  return issue;
}

export type IssuePatch = Partial<
  Pick<
    Issue,
    | 'summary'
    | 'description'
    | 'assigneeId'
    | 'statusId'
    | 'issueTypeId'
    | 'priority'
    | 'labels'
    | 'fixVersionIds'
    | 'fields'
  >
>;

function displayOf(
  instance: JiraInstance,
  field: keyof IssuePatch,
  value: Issue[keyof IssuePatch],
): string | null {
  if (value === null || value === undefined) return null;
  if (field === 'assigneeId' && typeof value === 'string')
    return instance.users.get(value)?.displayName ?? value;
  if (field === 'statusId' && typeof value === 'string')
    return instance.statuses.get(value)?.name ?? value;
  if (field === 'issueTypeId' && typeof value === 'string')
    return instance.issueTypes.get(value)?.name ?? value;
  if (field === 'fixVersionIds' && Array.isArray(value))
    return value.map((id) => instance.versions.get(String(id))?.name ?? id).join(', ');
  return typeof value === 'string' ? value : JSON.stringify(value);
}

const CHANGELOG_NAMES: Record<keyof IssuePatch, string> = {
  summary: 'summary',
  description: 'description',
  assigneeId: 'assignee',
  statusId: 'status',
  issueTypeId: 'issuetype',
  priority: 'priority',
  labels: 'labels',
  fixVersionIds: 'Fix Version',
  fields: 'fields',
};

/** Apply a patch; emits `issue_updated` with a Jira-style changelog (nothing if nothing changed). */
export function updateIssue(
  world: World,
  instance: JiraInstance,
  issueId: string,
  patch: IssuePatch,
  actor: User | null,
): Issue {
  const issue = requireIssue(instance, issueId);
  const changelog: ChangelogItem[] = [];
  for (const field of Object.keys(patch) as (keyof IssuePatch)[]) {
    const before = issue[field];
    const after = patch[field];
    if (after === undefined || JSON.stringify(before) === JSON.stringify(after)) continue;
    const raw = (v: typeof before) =>
      typeof v === 'string' ? v : v === null ? null : JSON.stringify(v);
    changelog.push({
      field: CHANGELOG_NAMES[field],
      fieldtype: 'jira',
      fieldId: CHANGELOG_NAMES[field],
      from: raw(before),
      fromString: displayOf(instance, field, before),
      to: raw(after),
      toString: displayOf(instance, field, after),
    });
    Object.assign(issue, { [field]: after });
  }
  if (changelog.length === 0) return issue;
  issue.updated = world.now();
  world.events.emit({
    type: 'issue_updated',
    instance,
    actor,
    at: issue.updated,
    issue,
    changelog,
  });
  return issue;
}

/** Move an issue to another project: it gets a new key, the old key keeps resolving (as in Jira). */
export function moveIssue(
  world: World,
  instance: JiraInstance,
  issueId: string,
  targetProjectId: string,
  actor: User | null,
): Issue {
  const issue = requireIssue(instance, issueId);
  const from = requireProject(instance, issue.projectId);
  const to = requireProject(instance, targetProjectId);
  if (from.id === to.id) return issue;
  const number = instance.issueCounters.get(to.key) ?? 1;
  instance.issueCounters.set(to.key, number + 1);
  const oldKey = issue.key;
  issue.key = `${to.key}-${number}`;
  issue.projectId = to.id;
  issue.fixVersionIds = [];
  issue.updated = world.now();
  instance.issueKeys.set(issue.key, issue.id);
  const changelog: ChangelogItem[] = [
    {
      field: 'project',
      fieldtype: 'jira',
      fieldId: 'project',
      from: from.id,
      fromString: from.name,
      to: to.id,
      toString: to.name,
    },
    {
      field: 'Key',
      fieldtype: 'jira',
      fieldId: 'issuekey',
      from: null,
      fromString: oldKey,
      to: null,
      toString: issue.key,
    },
  ];
  world.events.emit({
    type: 'issue_updated',
    instance,
    actor,
    at: issue.updated,
    issue,
    changelog,
  });
  return issue;
}

/** Delete an issue with its comments and links. */
export function deleteIssue(
  world: World,
  instance: JiraInstance,
  issueId: string,
  actor: User | null,
): Issue {
  const issue = requireIssue(instance, issueId);
  instance.issues.delete(issue.id);
  for (const [key, id] of instance.issueKeys) if (id === issue.id) instance.issueKeys.delete(key);
  for (const [id, link] of instance.issueLinks)
    if (link.inwardIssueId === issue.id || link.outwardIssueId === issue.id)
      instance.issueLinks.delete(id);
  for (const [id, link] of instance.remoteLinks)
    if (link.issueId === issue.id) instance.remoteLinks.delete(id);
  for (const [id, comment] of instance.comments)
    if (comment.issueId === issue.id) instance.comments.delete(id);
  world.events.emit({ type: 'issue_deleted', instance, actor, at: world.now(), issue });
  return issue;
}

export function addComment(
  world: World,
  instance: JiraInstance,
  issueId: string,
  body: JsonValue,
  author: User,
): Comment {
  const issue = requireIssue(instance, issueId);
  const at = world.now();
  const comment: Comment = {
    id: takeId(instance),
    issueId: issue.id,
    authorId: author.id,
    body,
    created: at,
    updated: at,
  };
  instance.comments.set(comment.id, comment);
  issue.updated = at;
  world.events.emit({ type: 'comment_created', instance, actor: author, at, issue, comment });
  return comment;
}
