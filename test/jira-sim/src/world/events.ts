/**
 * Typed change events. Every mutation in `issue-changes.ts` / `version-changes.ts` emits one after the state has changed, so
 * webhook delivery (or a test) can subscribe without polling.
 */
import type {
  Comment,
  Issue,
  IssueLink,
  JiraInstance,
  JsonValue,
  Project,
  RemoteLink,
  User,
  Version,
} from './types.ts';

/** One changed field, in the shape of a Jira changelog item. @see https://developer.atlassian.com/cloud/jira/platform/webhooks/ */
export interface ChangelogItem {
  field: string;
  fieldtype: 'jira' | 'custom';
  fieldId: string;
  from: string | null;
  fromString: string | null;
  to: string | null;
  toString: string | null;
}

interface ChangeBase {
  instance: JiraInstance;
  /** The user who made the change; null for changes made through the control API without one. */
  actor: User | null;
  at: number;
}

export type WorldChange =
  | (ChangeBase & { type: 'issue_created'; issue: Issue })
  | (ChangeBase & { type: 'issue_updated'; issue: Issue; changelog: ChangelogItem[] })
  | (ChangeBase & { type: 'issue_deleted'; issue: Issue })
  | (ChangeBase & {
      type: 'comment_created' | 'comment_updated' | 'comment_deleted';
      issue: Issue;
      comment: Comment;
    })
  | (ChangeBase & { type: 'issuelink_created' | 'issuelink_deleted'; link: IssueLink })
  | (ChangeBase & {
      type: 'remotelink_created' | 'remotelink_updated' | 'remotelink_deleted';
      issue: Issue;
      remoteLink: RemoteLink;
    })
  | (ChangeBase & {
      type: 'version_created' | 'version_updated' | 'version_released' | 'version_unreleased';
      version: Version;
    })
  | (ChangeBase & { type: 'version_moved'; version: Version })
  | (ChangeBase & { type: 'version_deleted'; version: Version })
  | (ChangeBase & { type: 'project_updated' | 'project_deleted'; project: Project })
  | (ChangeBase & {
      type: 'issue_property_set' | 'issue_property_deleted';
      issue: Issue;
      property: { key: string; value: JsonValue | null };
    });

export type WorldChangeType = WorldChange['type'];
export type WorldListener = (change: WorldChange) => void;

/** A minimal synchronous emitter; listeners that throw do not stop the others. */
export interface WorldEvents {
  /** Register a listener; returns the function that removes it. */
  subscribe(listener: WorldListener): () => void;
  emit(change: WorldChange): void;
}

export function createWorldEvents(
  onListenerError: (error: unknown) => void = () => {},
): WorldEvents {
  const listeners = new Set<WorldListener>();
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    emit(change) {
      for (const listener of [...listeners]) {
        try {
          listener(change);
        } catch (error) {
          onListenerError(error);
        }
      }
    },
  };
}
