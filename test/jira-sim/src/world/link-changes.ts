/**
 * Issue links and remote links: the only functions that change them. Each updates state first,
 * then emits one `WorldChange` (events.ts). Validation and permissions are the caller's job.
 */
import { takeId } from './instance.ts';
import { requireIssue } from './read.ts';
import type { IssueLink, JiraInstance, JsonValue, RemoteLink, User, World } from './types.ts';

/** Link two issues with a link type (`inward` issue ← type → `outward` issue). */
export function createIssueLink(
  world: World,
  instance: JiraInstance,
  input: Omit<IssueLink, 'id'>,
  actor: User | null,
): IssueLink {
  requireIssue(instance, input.inwardIssueId);
  requireIssue(instance, input.outwardIssueId);
  if (!instance.issueLinkTypes.has(input.typeId))
    throw new RangeError(`No issue link type ${input.typeId} on ${instance.id}`);
  const link: IssueLink = { id: takeId(instance), ...input };
  instance.issueLinks.set(link.id, link);
  world.events.emit({ type: 'issuelink_created', instance, actor, at: world.now(), link });
  return link;
}

export function deleteIssueLink(
  world: World,
  instance: JiraInstance,
  linkId: string,
  actor: User | null,
): IssueLink {
  const link = instance.issueLinks.get(linkId);
  if (!link) throw new RangeError(`No issue link ${linkId} on ${instance.id}`);
  instance.issueLinks.delete(link.id);
  world.events.emit({ type: 'issuelink_deleted', instance, actor, at: world.now(), link });
  return link;
}

export interface RemoteLinkInput {
  globalId: string | null;
  application: JsonValue;
  relationship: string | null;
  object: JsonValue;
}

/**
 * Create a remote link, or update the issue's link with the same `globalId` (Jira's upsert).
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-remote-links/#api-rest-api-3-issue-issueidorkey-remotelink-post
 */
export function upsertRemoteLink(
  world: World,
  instance: JiraInstance,
  issueId: string,
  input: RemoteLinkInput,
  actor: User | null,
): { remoteLink: RemoteLink; created: boolean } {
  const issue = requireIssue(instance, issueId);
  const existing =
    input.globalId === null
      ? undefined
      : [...instance.remoteLinks.values()].find(
          (link) => link.issueId === issue.id && link.globalId === input.globalId,
        );
  const remoteLink: RemoteLink = existing ?? {
    id: takeId(instance),
    issueId: issue.id,
    ...input,
  };
  Object.assign(remoteLink, input);
  instance.remoteLinks.set(remoteLink.id, remoteLink);
  const type = existing ? 'remotelink_updated' : 'remotelink_created';
  world.events.emit({ type, instance, actor, at: world.now(), issue, remoteLink });
  return { remoteLink, created: existing === undefined };
}

/** Replace a remote link by id (keeps the id; `globalId` may change). */
export function replaceRemoteLink(
  world: World,
  instance: JiraInstance,
  remoteLinkId: string,
  input: RemoteLinkInput,
  actor: User | null,
): RemoteLink {
  const remoteLink = instance.remoteLinks.get(remoteLinkId);
  if (!remoteLink) throw new RangeError(`No remote link ${remoteLinkId} on ${instance.id}`);
  Object.assign(remoteLink, input);
  const issue = requireIssue(instance, remoteLink.issueId);
  world.events.emit({
    type: 'remotelink_updated',
    instance,
    actor,
    at: world.now(),
    issue,
    remoteLink,
  });
  return remoteLink;
}

export function deleteRemoteLink(
  world: World,
  instance: JiraInstance,
  remoteLinkId: string,
  actor: User | null,
): RemoteLink {
  const remoteLink = instance.remoteLinks.get(remoteLinkId);
  if (!remoteLink) throw new RangeError(`No remote link ${remoteLinkId} on ${instance.id}`);
  instance.remoteLinks.delete(remoteLink.id);
  const issue = requireIssue(instance, remoteLink.issueId);
  world.events.emit({
    type: 'remotelink_deleted',
    instance,
    actor,
    at: world.now(),
    issue,
    remoteLink,
  });
  return remoteLink;
}
