/**
 * Webhook payloads from world changes, in the shapes Jira sends (recorded payloads in
 * `fixtures/webhook-payloads/`): `timestamp` (epoch ms), `webhookEvent`, `issue_event_type_name`,
 * `user`, `issue`, `changelog`, `comment`, `version`, `project`, `issueLink`. Webhooks use the REST
 * v2 representations (rich text as strings: ADF is flattened to plain text).
 * @see https://developer.atlassian.com/cloud/jira/platform/webhooks/#example-callback-for-an-issue-related-event
 */
import { plainTextOf } from '../jql/fields.ts';
import type { RestCall } from '../rest/call.ts';
import { projectAvatarUrls, userRefView, versionView } from '../rest/views/common-views.ts';
import { issueView, parseFieldSelection } from '../rest/views/issue-view.ts';
import { commentView } from '../rest/views/link-views.ts';
import type { WorldChange } from '../world/events.ts';
import type { Comment, Issue, JsonValue } from '../world/types.ts';

/** One event a change produces; `issue` is set for issue-related events (JQL filters apply). */
export interface WebhookEvent {
  webhookEvent: string;
  issue: Issue | null;
  /** Changed field ids (for `fieldIdsFilter`). */
  changedFields: string[];
  payload: Record<string, unknown>;
}

function flatten(value: JsonValue): JsonValue {
  return value !== null && typeof value === 'object' ? plainTextOf(value) : value;
}

/** The issue with v2 rich text (strings), as webhook payloads carry it. */
function issuePayload(call: RestCall, issue: Issue, now: number) {
  const flat: Issue = {
    ...issue,
    description: flatten(issue.description),
    fields: Object.fromEntries(Object.entries(issue.fields).map(([k, v]) => [k, flatten(v)])),
  };
  return issueView(call, flat, parseFieldSelection([], '*navigable'), now);
}

/** The slim issue of comment events: summary, type, project, assignee, priority, status. */
function slimIssue(call: RestCall, issue: Issue, now: number) {
  const selection = parseFieldSelection(
    ['summary,issuetype,project,assignee,priority,status'],
    '*navigable',
  );
  return issueView(call, issue, selection, now);
}

function commentPayload(call: RestCall, comment: Comment) {
  return { ...commentView(call, comment), body: flatten(comment.body) };
}

const COMMENT_TYPE_NAMES = {
  comment_created: 'issue_commented',
  comment_updated: 'issue_comment_edited',
  comment_deleted: 'issue_comment_deleted',
} as const;

/** Jira's finer `issue_event_type_name` for an update, from what changed. */
function updateTypeName(fields: string[]): string {
  if (fields.includes('project') || fields.includes('issuekey')) return 'issue_moved';
  if (fields.includes('status')) return 'issue_generic';
  if (fields.length === 1 && fields[0] === 'assignee') return 'issue_assigned';
  return 'issue_updated';
}

/** The webhook events one world change produces (none for remote links: Jira sends none). */
export function eventsFor(change: WorldChange, changelogId: () => string): WebhookEvent[] {
  const call: RestCall = { instance: change.instance, user: null, version: '2' };
  const base = {
    timestamp: change.at,
    ...(change.actor ? { user: userRefView(call, change.actor.id) } : {}),
  };
  switch (change.type) {
    case 'issue_created':
    case 'issue_deleted':
      return [
        {
          webhookEvent: `jira:${change.type}`,
          issue: change.issue,
          changedFields: [],
          payload: {
            ...base,
            webhookEvent: `jira:${change.type}`,
            issue_event_type_name: change.type,
            issue: issuePayload(call, change.issue, change.at),
          },
        },
      ];
    case 'issue_updated': {
      const fields = change.changelog.map((item) => item.fieldId);
      const typeName = updateTypeName(fields);
      return [
        {
          webhookEvent: 'jira:issue_updated',
          issue: change.issue,
          changedFields: fields,
          payload: {
            ...base,
            webhookEvent: 'jira:issue_updated',
            issue_event_type_name: typeName,
            issue: issuePayload(call, change.issue, change.at),
            changelog: { id: changelogId(), items: change.changelog },
          },
        },
      ];
    }
    case 'comment_created':
    case 'comment_updated':
    case 'comment_deleted': {
      const comment = commentPayload(call, change.comment);
      return [
        {
          webhookEvent: change.type,
          issue: change.issue,
          changedFields: [],
          payload: {
            timestamp: change.at,
            webhookEvent: change.type,
            comment,
            issue: slimIssue(call, change.issue, change.at),
          },
        },
        {
          webhookEvent: 'jira:issue_updated',
          issue: change.issue,
          changedFields: ['comment'],
          payload: {
            ...base,
            webhookEvent: 'jira:issue_updated',
            issue_event_type_name: COMMENT_TYPE_NAMES[change.type],
            issue: issuePayload(call, change.issue, change.at),
            comment,
          },
        },
      ];
    }
    case 'issuelink_created':
    case 'issuelink_deleted': {
      const type = change.instance.issueLinkTypes.get(change.link.typeId);
      return [
        {
          webhookEvent: change.type,
          issue: null,
          changedFields: [],
          payload: {
            timestamp: change.at,
            webhookEvent: change.type,
            issueLink: {
              id: Number(change.link.id),
              sourceIssueId: Number(change.link.outwardIssueId),
              destinationIssueId: Number(change.link.inwardIssueId),
              issueLinkType: {
                id: Number(change.link.typeId),
                name: type?.name ?? '',
                outwardName: type?.outward ?? '',
                inwardName: type?.inward ?? '',
                isSubTaskLinkType: false,
                isSystemLinkType: false,
              },
              systemLink: false,
            },
          },
        },
      ];
    }
    case 'version_created':
    case 'version_updated':
    case 'version_released':
    case 'version_unreleased':
    case 'version_moved':
    case 'version_deleted':
      return [
        {
          webhookEvent: `jira:${change.type}`,
          issue: null,
          changedFields: [],
          payload: {
            timestamp: change.at,
            webhookEvent: `jira:${change.type}`,
            version: versionView(call, change.version, change.at),
          },
        },
      ];
    case 'project_updated':
    case 'project_deleted':
      return [
        {
          webhookEvent: change.type,
          issue: null,
          changedFields: [],
          payload: {
            timestamp: change.at,
            webhookEvent: change.type,
            project: {
              self: `${change.instance.baseUrl}/rest/api/2/project/${change.project.id}`,
              id: Number(change.project.id),
              key: change.project.key,
              name: change.project.name,
              avatarUrls: projectAvatarUrls(change.instance, change.project),
              projectLead: userRefView(call, change.project.leadId),
              assigneeType: 'admin.assignee.type.unassigned',
            },
          },
        },
      ];
    case 'remotelink_created':
    case 'remotelink_updated':
    case 'remotelink_deleted':
      return [];
    case 'issue_property_set':
    case 'issue_property_deleted':
      // Payload UNCONFIRMED (Atlassian documents only issue events): the slim issue and the property.
      return [
        {
          webhookEvent: change.type,
          issue: change.issue,
          changedFields: [],
          payload: {
            ...base,
            webhookEvent: change.type,
            issue: slimIssue(call, change.issue, change.at),
            property: change.property,
          },
        },
      ];
  }
}
