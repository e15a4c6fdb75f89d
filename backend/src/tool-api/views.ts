import type {
  JiraIssue,
  JiraIssueSummary,
  JiraProject,
  JiraUser,
  JiraVersion,
} from '@testbridge/shared/api/tool-api';
import {
  accountTypeOf,
  type JiraProjectBody,
  type JiraUserBody,
  type VersionBody,
} from '../jira/catalog-api.ts';
import type { IssueBody } from '../jira/issues-api.ts';
import { fromJiraWikiText } from '../jira/text.ts';
import type { JiraTarget } from './endpoint.ts';

/** A Jira user in the one shape the API shows for both deployments. */
export function toJiraUser(user: JiraUserBody): JiraUser {
  return {
    accountId: user.accountId ?? null,
    username: user.accountId ? null : (user.name ?? null),
    displayName: user.displayName ?? user.name ?? user.accountId ?? '',
    emailAddress: user.emailAddress ?? null,
    accountType: accountTypeOf(user),
    active: user.active ?? true,
  };
}

export function toJiraProject(project: JiraProjectBody): JiraProject {
  return {
    id: project.id,
    key: project.key,
    name: project.name,
    projectTypeKey: project.projectTypeKey ?? null,
  };
}

export function toJiraVersion(version: VersionBody): JiraVersion {
  return {
    id: version.id,
    name: version.name,
    released: version.released ?? false,
    archived: version.archived ?? false,
    releaseDate: version.releaseDate ?? null,
  };
}

/** Where people open an issue: `{link base URL}/browse/{key}`. */
export const browseUrlOf = (target: Pick<JiraTarget, 'browseBase'>, key: string) =>
  `${target.browseBase}/browse/${encodeURIComponent(key)}`;

export function toIssueSummary(target: JiraTarget, issue: IssueBody): JiraIssueSummary {
  const f = issue.fields;
  return {
    id: issue.id,
    key: issue.key,
    url: browseUrlOf(target, issue.key),
    summary: f.summary ?? null,
    status: f.status
      ? {
          id: f.status.id,
          name: f.status.name,
          category: f.status.statusCategory?.key ?? null,
        }
      : null,
    issueType: f.issuetype ? { id: f.issuetype.id, name: f.issuetype.name } : null,
    project: f.project ? { id: f.project.id, key: f.project.key, name: f.project.name } : null,
    priority: f.priority?.name ?? null,
    labels: f.labels ?? [],
    assignee: f.assignee ? toJiraUser(f.assignee) : null,
    reporter: f.reporter ? toJiraUser(f.reporter) : null,
    created: f.created ?? null,
    updated: f.updated ?? null,
  };
}

export function toIssue(target: JiraTarget, issue: IssueBody): JiraIssue {
  return { ...toIssueSummary(target, issue), description: plainTextOf(issue.fields.description) };
}

interface AdfNode {
  type?: unknown;
  text?: unknown;
  attrs?: { text?: unknown; url?: unknown; shortName?: unknown } | null;
  content?: unknown;
}

/** What an inline node without text nodes shows: a mention's name, a card's URL, an emoji. */
function inlineAttrText(node: AdfNode): string {
  const value =
    node.type === 'mention'
      ? node.attrs?.text
      : node.type === 'inlineCard'
        ? node.attrs?.url
        : node.type === 'emoji'
          ? node.attrs?.shortName
          : undefined;
  return typeof value === 'string' ? value : '';
}

const BLOCKS = new Set([
  'paragraph',
  'heading',
  'blockquote',
  'codeBlock',
  'panel',
  'listItem',
  'rule',
  'mediaSingle',
]);

/**
 * Rich text as plain text: a Data Center wiki string with Testbridge's escapes undone (other
 * markup as is); Cloud's ADF with its text nodes joined,
 * hard breaks as line breaks and blocks separated by a blank line.
 * @see https://developer.atlassian.com/cloud/jira/platform/apis/document/structure/
 */
export function plainTextOf(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return fromJiraWikiText(value);
  const blocks: string[] = [];
  const inline = (node: AdfNode): string => {
    if (node.type === 'text' && typeof node.text === 'string') return node.text;
    if (node.type === 'hardBreak') return '\n';
    const children = childrenOf(node);
    return children.length > 0 ? children.map(inline).join('') : inlineAttrText(node);
  };
  const walk = (node: AdfNode) => {
    if (typeof node.type === 'string' && BLOCKS.has(node.type)) {
      const children = childrenOf(node);
      if (children.some((child) => typeof child.type === 'string' && BLOCKS.has(child.type)))
        children.forEach(walk);
      else blocks.push(inline(node));
      return;
    }
    childrenOf(node).forEach(walk);
  };
  walk(value as AdfNode);
  return blocks.join('\n\n');
}

function childrenOf(node: AdfNode): AdfNode[] {
  return Array.isArray(node.content)
    ? node.content.filter((c): c is AdfNode => typeof c === 'object' && c !== null)
    : [];
}
