/**
 * Comment edits and deletions (creation is `addComment` in issue-changes.ts). Each updates state
 * first, then emits one `WorldChange` (events.ts).
 */
import { requireIssue } from './read.ts';
import type { Comment, JiraInstance, JsonValue, User, World } from './types.ts';

function requireComment(instance: JiraInstance, commentId: string): Comment {
  const comment = instance.comments.get(commentId);
  if (!comment) throw new RangeError(`No comment ${commentId} on ${instance.id}`);
  return comment;
}

/** Replace a comment's body; `actor` becomes its update author. */
export function updateComment(
  world: World,
  instance: JiraInstance,
  commentId: string,
  body: JsonValue,
  actor: User,
): Comment {
  const comment = requireComment(instance, commentId);
  const issue = requireIssue(instance, comment.issueId);
  comment.body = body;
  comment.updated = world.now();
  comment.updateAuthorId = actor.id;
  world.events.emit({
    type: 'comment_updated',
    instance,
    actor,
    at: comment.updated,
    issue,
    comment,
  });
  return comment;
}

export function deleteComment(
  world: World,
  instance: JiraInstance,
  commentId: string,
  actor: User,
): Comment {
  const comment = requireComment(instance, commentId);
  const issue = requireIssue(instance, comment.issueId);
  instance.comments.delete(comment.id);
  world.events.emit({ type: 'comment_deleted', instance, actor, at: world.now(), issue, comment });
  return comment;
}
