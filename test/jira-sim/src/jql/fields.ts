/**
 * The JQL fields the simulator understands: how an operand resolves to stored ids (with Jira's
 * "does not exist" errors) and which values an issue has for the field.
 */
import { findIssue } from '../world/read.ts';
import type { Issue, JiraInstance, JsonValue, User } from '../world/types.ts';
import { JqlError } from './parse.ts';

export interface JqlContext {
  instance: JiraInstance;
  /** The searching user (`currentUser()`); null for anonymous or system evaluation. */
  user: User | null;
  now: number;
  /** Projects the searcher may browse; values in other projects "do not exist", as in Jira. */
  canBrowse: (projectId: string) => boolean;
}

/** Jira's priority scheme, highest first (sort rank = index). */
export const PRIORITY_NAMES = ['Highest', 'High', 'Medium', 'Low', 'Lowest'];

export type ValueField = {
  kind: 'values';
  /** Canonical name used in messages (Jira's casing). */
  name: string;
  /** Resolve one written value to stored ids; throws JqlError when it does not exist. */
  resolve: (text: string, ctx: JqlContext) => string[];
  resolveFunction?: (name: string, ctx: JqlContext) => string[] | null;
  valuesOf: (issue: Issue, ctx: JqlContext) => string[];
  /** Orders `>`/`<` comparisons (keys and ids); absent = no range operators. */
  rank?: (id: string, ctx: JqlContext) => number | null;
};
export type DateField = { kind: 'date'; name: string; valueOf: (issue: Issue) => number | null };
export type TextField = { kind: 'text'; name: string; textOf: (issue: Issue) => string };
export type JqlField = ValueField | DateField | TextField;

function notFound(value: string, field: string): never {
  throw new JqlError([`The value '${value}' does not exist for the field '${field}'.`]);
}

function userIds(instance: JiraInstance, text: string, field: string): string[] {
  const wanted = text.toLowerCase();
  for (const user of instance.users.values()) {
    if (user.id === text) return [user.id];
    if (instance.kind === 'dc' && user.username.toLowerCase() === wanted) return [user.id];
    if (user.emailAddress.toLowerCase() === wanted) return [user.id];
  }
  return notFound(text, field);
}

function currentUser(name: string, ctx: JqlContext): string[] | null {
  if (name !== 'currentuser') return null;
  return ctx.user ? [ctx.user.id] : [];
}

function keyRank(key: string): number | null {
  const match = /^[A-Z][A-Z0-9_]*-(\d+)$/i.exec(key);
  return match?.[1] ? Number(match[1]) : null;
}

/** Plain text of a wiki string or an ADF document (for `~`). */
export function plainTextOf(value: JsonValue): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(plainTextOf).join(' ');
  if (value === null || typeof value !== 'object') return '';
  const own = typeof value.text === 'string' ? value.text : '';
  return `${own} ${value.content === undefined ? '' : plainTextOf(value.content)}`.trim();
}

const project: ValueField = {
  kind: 'values',
  name: 'project',
  resolve: (text, ctx) => {
    const wanted = text.toLowerCase();
    const found = [...ctx.instance.projects.values()].find(
      (p) => p.id === text || p.key.toLowerCase() === wanted || p.name.toLowerCase() === wanted,
    );
    if (!found || !ctx.canBrowse(found.id)) return notFound(text, 'project');
    return [found.id];
  },
  valuesOf: (issue) => [issue.projectId],
};

const issueKey: ValueField = {
  kind: 'values',
  name: 'key',
  resolve: (text, ctx) => {
    if (/^\d+$/.test(text)) {
      const byId = ctx.instance.issues.get(text);
      if (byId && ctx.canBrowse(byId.projectId)) return [byId.id];
    } else if (keyRank(text) === null) {
      throw new JqlError([`The issue key '${text}' for field 'key' is invalid.`]);
    }
    const issue = findIssue(ctx.instance, text);
    if (!issue || !ctx.canBrowse(issue.projectId))
      throw new JqlError([`An issue with key '${text}' does not exist for field 'key'.`]);
    return [issue.id];
  },
  valuesOf: (issue) => [issue.id],
  rank: (id, ctx) => {
    const issue = ctx.instance.issues.get(id);
    return issue ? keyRank(issue.key) : null;
  },
};

function named(
  name: string,
  entries: (ctx: JqlContext) => { id: string; name: string }[],
  valuesOf: (issue: Issue) => string[],
): ValueField {
  return {
    kind: 'values',
    name,
    resolve: (text, ctx) => {
      const wanted = text.toLowerCase();
      const ids = entries(ctx)
        .filter((entry) => entry.id === text || entry.name.toLowerCase() === wanted)
        .map((entry) => entry.id);
      return ids.length > 0 ? ids : notFound(text, name);
    },
    valuesOf,
  };
}

const CATEGORIES = [
  { id: 'new', names: ['to do', 'new', '2'] },
  { id: 'indeterminate', names: ['in progress', 'indeterminate', '4'] },
  { id: 'done', names: ['done', 'complete', '3'] },
];

function userField(name: string, userIdOf: (issue: Issue) => string | null): ValueField {
  return {
    kind: 'values',
    name,
    resolve: (text, ctx) => userIds(ctx.instance, text, name),
    resolveFunction: currentUser,
    valuesOf: (issue) => {
      const id = userIdOf(issue);
      return id === null ? [] : [id];
    },
  };
}

/** Fields by lower-cased JQL name (aliases included). */
export const JQL_FIELDS: Record<string, JqlField> = {
  project,
  key: issueKey,
  issuekey: issueKey,
  id: { ...issueKey, name: 'id' },
  issuetype: named(
    'issuetype',
    (ctx) => [...ctx.instance.issueTypes.values()],
    (issue) => [issue.issueTypeId],
  ),
  status: named(
    'status',
    (ctx) => [...ctx.instance.statuses.values()],
    (issue) => [issue.statusId],
  ),
  statuscategory: {
    kind: 'values',
    name: 'statusCategory',
    resolve: (text) => {
      const category = CATEGORIES.find((c) => c.names.includes(text.toLowerCase()));
      return category ? [category.id] : notFound(text, 'statusCategory');
    },
    valuesOf: (issue, ctx) => {
      const status = ctx.instance.statuses.get(issue.statusId);
      return status ? [status.category] : [];
    },
  },
  priority: named(
    'priority',
    () => PRIORITY_NAMES.map((name) => ({ id: name, name })),
    (issue) => [issue.priority],
  ),
  assignee: userField('assignee', (issue) => issue.assigneeId),
  reporter: userField('reporter', (issue) => issue.reporterId),
  labels: {
    kind: 'values',
    name: 'labels',
    resolve: (text) => [text],
    valuesOf: (issue) => issue.labels,
  },
  fixversion: named(
    'fixVersion',
    (ctx) => [...ctx.instance.versions.values()].filter((v) => ctx.canBrowse(v.projectId)),
    (issue) => issue.fixVersionIds,
  ),
  created: { kind: 'date', name: 'created', valueOf: (issue) => issue.created },
  createddate: { kind: 'date', name: 'created', valueOf: (issue) => issue.created },
  updated: { kind: 'date', name: 'updated', valueOf: (issue) => issue.updated },
  updateddate: { kind: 'date', name: 'updated', valueOf: (issue) => issue.updated },
  summary: { kind: 'text', name: 'summary', textOf: (issue) => issue.summary },
  description: {
    kind: 'text',
    name: 'description',
    textOf: (issue) => plainTextOf(issue.description),
  },
  text: {
    kind: 'text',
    name: 'text',
    textOf: (issue) => `${issue.summary} ${plainTextOf(issue.description)}`,
  },
};

/** Real Jira fields the simulator does not model (searching them is a simulator limitation). */
export const UNSIMULATED_FIELDS = new Set([
  'sprint',
  'component',
  'resolution',
  'resolved',
  'duedate',
  'due',
  'parent',
  'epic link',
  'watcher',
  'voter',
  'environment',
  'affectedversion',
  'level',
  'filter',
  'attachments',
  'comment',
  'creator',
  'issue.property',
]);
