/** Building blocks for one Jira instance's state. */
import type { JiraInstance } from './types.ts';

/** The mutable collections every instance has (everything but identity and version info). */
export type InstanceContent = Pick<
  JiraInstance,
  | 'users'
  | 'permissions'
  | 'projects'
  | 'issueTypes'
  | 'statuses'
  | 'transitions'
  | 'versions'
  | 'issues'
  | 'issueKeys'
  | 'issueCounters'
  | 'issueLinkTypes'
  | 'issueLinks'
  | 'remoteLinks'
  | 'issueProperties'
  | 'comments'
  | 'nextId'
>;

export function createInstanceContent(): InstanceContent {
  return {
    users: new Map(),
    permissions: new Map(),
    projects: new Map(),
    issueTypes: new Map(),
    statuses: new Map(),
    transitions: [],
    versions: new Map(),
    issues: new Map(),
    issueKeys: new Map(),
    issueCounters: new Map(),
    issueLinkTypes: new Map(),
    issueLinks: new Map(),
    remoteLinks: new Map(),
    issueProperties: new Map(),
    comments: new Map(),
    nextId: 10000,
  };
}

/** Hand out the next numeric id of an instance (Jira ids are numeric strings). */
export function takeId(content: Pick<InstanceContent, 'nextId'>): string {
  const id = content.nextId;
  content.nextId += 1;
  return String(id);
}
