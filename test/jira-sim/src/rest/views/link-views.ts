/**
 * Comments, issue links, link types and remote links as Jira represents them.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-links/
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-remote-links/
 */
import type { Comment, Issue, IssueLink, IssueLinkType, RemoteLink } from '../../world/types.ts';
import type { RestCall } from '../call.ts';
import { restBase } from '../call.ts';
import { formatJiraDateTime } from '../format.ts';
import { issueTypeView, priorityView, statusView, userRefView } from './common-views.ts';

export function commentView(call: RestCall, comment: Comment) {
  return {
    self: `${restBase(call)}/issue/${comment.issueId}/comment/${comment.id}`,
    id: comment.id,
    author: userRefView(call, comment.authorId),
    body: comment.body,
    updateAuthor: userRefView(call, comment.updateAuthorId ?? comment.authorId),
    created: formatJiraDateTime(comment.created),
    updated: formatJiraDateTime(comment.updated),
    jsdPublic: true,
  };
}

export function linkTypeView(call: RestCall, type: IssueLinkType) {
  return {
    id: type.id,
    name: type.name,
    inward: type.inward,
    outward: type.outward,
    self: `${restBase(call)}/issueLinkType/${type.id}`,
  };
}

/** The slim issue Jira embeds in links: key, summary, status, priority, issue type. */
export function linkedIssueView(call: RestCall, issue: Issue) {
  const status = call.instance.statuses.get(issue.statusId);
  const type = call.instance.issueTypes.get(issue.issueTypeId);
  return {
    id: issue.id,
    key: issue.key,
    self: `${restBase(call)}/issue/${issue.id}`,
    fields: {
      summary: issue.summary,
      ...(status ? { status: statusView(call, status) } : {}),
      priority: priorityView(call, issue.priority),
      ...(type ? { issuetype: issueTypeView(call, type) } : {}),
    },
  };
}

/** `GET /issueLink/{id}`: both sides. */
export function issueLinkView(call: RestCall, link: IssueLink) {
  const type = call.instance.issueLinkTypes.get(link.typeId);
  const inward = call.instance.issues.get(link.inwardIssueId);
  const outward = call.instance.issues.get(link.outwardIssueId);
  return {
    id: link.id,
    self: `${restBase(call)}/issueLink/${link.id}`,
    ...(type ? { type: linkTypeView(call, type) } : {}),
    ...(inward ? { inwardIssue: linkedIssueView(call, inward) } : {}),
    ...(outward ? { outwardIssue: linkedIssueView(call, outward) } : {}),
  };
}

/** An entry of an issue's `issuelinks` field: the other side only, from this issue's viewpoint. */
export function issueLinkEntryView(call: RestCall, link: IssueLink, issueId: string) {
  const type = call.instance.issueLinkTypes.get(link.typeId);
  const otherId = link.inwardIssueId === issueId ? link.outwardIssueId : link.inwardIssueId;
  const other = call.instance.issues.get(otherId);
  const side = link.inwardIssueId === issueId ? 'outwardIssue' : 'inwardIssue';
  return {
    id: link.id,
    self: `${restBase(call)}/issueLink/${link.id}`,
    ...(type ? { type: linkTypeView(call, type) } : {}),
    ...(other ? { [side]: linkedIssueView(call, other) } : {}),
  };
}

/** The `self` of a remote link (Jira names the issue by key). */
export function remoteLinkSelf(call: RestCall, link: RemoteLink): string {
  const key = call.instance.issues.get(link.issueId)?.key ?? link.issueId;
  return `${restBase(call)}/issue/${key}/remotelink/${link.id}`;
}

export function remoteLinkView(call: RestCall, link: RemoteLink) {
  return {
    id: Number(link.id),
    self: remoteLinkSelf(call, link),
    ...(link.globalId === null ? {} : { globalId: link.globalId }),
    ...(link.application === null ? {} : { application: link.application }),
    ...(link.relationship === null ? {} : { relationship: link.relationship }),
    object: link.object,
  };
}
