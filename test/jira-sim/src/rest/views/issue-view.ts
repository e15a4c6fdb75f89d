/**
 * The issue representation of `GET /issue/{key}`, the search APIs and webhook payloads, with
 * Jira's `fields` selection (`*all`, `*navigable`, names, `-name` exclusions).
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-issueidorkey-get
 */
import type { Issue } from '../../world/types.ts';
import type { RestCall } from '../call.ts';
import { restBase } from '../call.ts';
import { formatJiraDateTime } from '../format.ts';
import {
  issueTypeView,
  priorityView,
  projectRefView,
  statusView,
  userRefView,
  versionView,
} from './common-views.ts';
import { commentView, issueLinkEntryView } from './link-views.ts';

/** Fields that `*all` returns but `*navigable` does not (as in Jira). */
const NON_NAVIGABLE = new Set(['comment']);

export interface FieldSelection {
  /** Only `id` was asked for (the `search/jql` default): the issue is `{id}` alone. */
  idOnly: boolean;
  includes(field: string): boolean;
}

/** Parse Jira's `fields` list (comma-separated, repeatable); `fallback` applies when absent. */
export function parseFieldSelection(
  raw: string[],
  fallback: '*all' | '*navigable' | 'id',
): FieldSelection {
  const names = raw
    .flatMap((value) => value.split(','))
    .map((name) => name.trim())
    .filter(Boolean);
  const list = names.length > 0 ? names : [fallback];
  const excluded = new Set(list.filter((n) => n.startsWith('-')).map((n) => n.slice(1)));
  const included = new Set(list.filter((n) => !n.startsWith('-')));
  const all = included.has('*all');
  const navigable = included.has('*navigable');
  return {
    idOnly: [...included].every((name) => name === 'id') && excluded.size === 0,
    includes: (field) =>
      !excluded.has(field) &&
      (all || included.has(field) || (navigable && !NON_NAVIGABLE.has(field))),
  };
}

function resolutionOf(call: RestCall, issue: Issue) {
  const done = call.instance.statuses.get(issue.statusId)?.category === 'done';
  return done
    ? {
        self: `${restBase(call)}/resolution/10000`,
        id: '10000',
        description: 'Work has been completed on this issue.',
        name: 'Done',
      }
    : null;
}

function fieldValues(call: RestCall, issue: Issue, now: number): Record<string, unknown> {
  const { instance } = call;
  const status = instance.statuses.get(issue.statusId);
  const type = instance.issueTypes.get(issue.issueTypeId);
  const project = instance.projects.get(issue.projectId);
  const comments = [...instance.comments.values()].filter((c) => c.issueId === issue.id);
  const links = [...instance.issueLinks.values()].filter(
    (l) => l.inwardIssueId === issue.id || l.outwardIssueId === issue.id,
  );
  const done = status?.category === 'done';
  return {
    summary: issue.summary,
    issuetype: type ? issueTypeView(call, type) : null,
    project: project ? projectRefView(call, project) : null,
    status: status ? statusView(call, status) : null,
    priority: priorityView(call, issue.priority),
    assignee: userRefView(call, issue.assigneeId),
    reporter: userRefView(call, issue.reporterId),
    creator: userRefView(call, issue.reporterId),
    created: formatJiraDateTime(issue.created),
    updated: formatJiraDateTime(issue.updated),
    description: issue.description,
    environment: issue.fields.environment ?? null,
    duedate: issue.fields.duedate ?? null,
    labels: issue.labels,
    fixVersions: issue.fixVersionIds.flatMap((id) => {
      const version = instance.versions.get(id);
      return version ? [versionView(call, version, now)] : [];
    }),
    versions: [],
    components: [],
    issuelinks: links.map((link) => issueLinkEntryView(call, link, issue.id)),
    resolution: resolutionOf(call, issue),
    resolutiondate: done ? formatJiraDateTime(issue.updated) : null,
    subtasks: [],
    watches: {
      self: `${restBase(call)}/issue/${issue.key}/watchers`,
      watchCount: 0,
      isWatching: false,
    },
    votes: { self: `${restBase(call)}/issue/${issue.key}/votes`, votes: 0, hasVoted: false },
    lastViewed: null,
    comment: {
      comments: comments.map((comment) => commentView(call, comment)),
      self: `${restBase(call)}/issue/${issue.id}/comment`,
      maxResults: comments.length,
      total: comments.length,
      startAt: 0,
    },
  };
}

/** The issue in Jira's shape, restricted to `selection`. */
export function issueView(call: RestCall, issue: Issue, selection: FieldSelection, now: number) {
  if (selection.idOnly) return { id: issue.id };
  const fields: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fieldValues(call, issue, now)))
    if (selection.includes(name)) fields[name] = value;
  return {
    expand: 'renderedFields,names,schema,operations,editmeta,changelog,versionedRepresentations',
    id: issue.id,
    self: `${restBase(call)}/issue/${issue.id}`,
    key: issue.key,
    fields,
  };
}
