/**
 * The simulated world: plain typed in-memory state. Read it freely; change it only through the
 * functions in `issue-changes.ts` / `version-changes.ts`, which keep indexes straight and emit a {@link WorldChange}.
 */
import type { WorldEvents } from './events.ts';

/** Any JSON value (issue descriptions may be ADF documents on Cloud or wiki strings on DC). */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };

/** Project-level permission keys as Jira names them. @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-permissions/ */
export const PROJECT_PERMISSIONS = [
  'BROWSE_PROJECTS',
  'CREATE_ISSUES',
  'EDIT_ISSUES',
  'ASSIGN_ISSUES',
  'ASSIGNABLE_USER',
  'LINK_ISSUES',
  'MOVE_ISSUES',
  'TRANSITION_ISSUES',
  'ADD_COMMENTS',
  'CREATE_ATTACHMENTS',
  'DELETE_ISSUES',
  'RESOLVE_ISSUES',
  'CLOSE_ISSUES',
  'SCHEDULE_ISSUES',
  'MODIFY_REPORTER',
  'WORK_ON_ISSUES',
  'MANAGE_WATCHERS',
  'DELETE_ALL_ATTACHMENTS',
  'ADMINISTER_PROJECTS',
  'VIEW_DEV_TOOLS',
] as const;
export type ProjectPermission = (typeof PROJECT_PERMISSIONS)[number];

/** Global permission keys the simulator models. */
export const GLOBAL_PERMISSIONS = [
  'ADMINISTER',
  'SYSTEM_ADMIN',
  'USER_PICKER',
  'CREATE_SHARED_OBJECTS',
] as const;
export type GlobalPermission = (typeof GLOBAL_PERMISSIONS)[number];
export type PermissionKey = ProjectPermission | GlobalPermission;

/** An Atlassian account (Cloud) or a directory user (Data Center). */
export interface User {
  /** Cloud: the accountId; DC: the user key (e.g. `JIRAUSER10100`). */
  id: string;
  /** DC login name; on Cloud the local part of the e-mail (never exposed by Cloud APIs). */
  username: string;
  emailAddress: string;
  displayName: string;
  active: boolean;
  accountType: 'atlassian' | 'app' | 'customer';
  timeZone: string;
  locale: string;
  groups: string[];
}

export interface IssueType {
  id: string;
  name: string;
  description: string;
  subtask: boolean;
  hierarchyLevel: number;
}

export interface Status {
  id: string;
  name: string;
  category: 'new' | 'indeterminate' | 'done';
}

/** A workflow transition: from any of `from` (empty = from anywhere) to `to`. */
export interface Transition {
  id: string;
  name: string;
  from: string[];
  to: string;
}

export interface Project {
  id: string;
  key: string;
  name: string;
  projectTypeKey: 'software' | 'business';
  leadId: string;
  issueTypeIds: string[];
  archived: boolean;
}

export interface Version {
  id: string;
  projectId: string;
  name: string;
  description: string;
  released: boolean;
  archived: boolean;
  releaseDate: string | null;
  startDate: string | null;
  /** Position within the project (Jira's `sequence`), used by "move version". */
  sequence: number;
}

export interface Issue {
  id: string;
  key: string;
  projectId: string;
  issueTypeId: string;
  statusId: string;
  summary: string;
  description: JsonValue;
  assigneeId: string | null;
  reporterId: string;
  priority: string;
  labels: string[];
  fixVersionIds: string[];
  /** Other fields by id (custom fields, environment …), stored as sent. */
  fields: Record<string, JsonValue>;
  created: number;
  updated: number;
}

export interface IssueLinkType {
  id: string;
  name: string;
  inward: string;
  outward: string;
}

export interface IssueLink {
  id: string;
  typeId: string;
  inwardIssueId: string;
  outwardIssueId: string;
}

export interface RemoteLink {
  id: string;
  issueId: string;
  globalId: string | null;
  application: JsonValue;
  relationship: string | null;
  object: JsonValue;
}

export interface Comment {
  id: string;
  issueId: string;
  authorId: string;
  /** Who last edited it; absent until someone edits it (then Jira's `updateAuthor`). */
  updateAuthorId?: string;
  body: JsonValue;
  created: number;
  updated: number;
}

/** Per-user permissions on one instance: global keys plus project keys (all projects, with overrides). */
export interface UserPermissions {
  global: Set<GlobalPermission>;
  project: Set<ProjectPermission>;
  /** Replaces `project` for the given project id. */
  byProject: Map<string, Set<ProjectPermission>>;
}

/** Fields shared by a Cloud site and a Data Center instance. */
interface InstanceBase {
  /** Stable short id: the site name (`acme`) or `dc`. */
  id: string;
  name: string;
  /** What Jira reports as its base URL (the site URL, or DC base URL with context path). */
  baseUrl: string;
  serverTitle: string;
  version: string;
  versionNumbers: [number, number, number];
  buildNumber: number;
  /** Users who can log in to this instance, by {@link User.id}. */
  users: Map<string, User>;
  permissions: Map<string, UserPermissions>;
  projects: Map<string, Project>;
  issueTypes: Map<string, IssueType>;
  statuses: Map<string, Status>;
  transitions: Transition[];
  versions: Map<string, Version>;
  issues: Map<string, Issue>;
  /** Issue key (upper case) → issue id; old keys of moved issues stay here, as in Jira. */
  issueKeys: Map<string, string>;
  /** Next issue number per project key. */
  issueCounters: Map<string, number>;
  issueLinkTypes: Map<string, IssueLinkType>;
  issueLinks: Map<string, IssueLink>;
  remoteLinks: Map<string, RemoteLink>;
  /** Issue entity properties: issue id → property key → JSON value. */
  issueProperties: Map<string, Map<string, JsonValue>>;
  comments: Map<string, Comment>;
  /** Next numeric id for anything created at run time (issues, versions, links, comments …). */
  nextId: number;
}

export interface CloudSite extends InstanceBase {
  kind: 'cloud';
  cloudId: string;
}

export interface DataCenterInstance extends InstanceBase {
  kind: 'dc';
  /** Context path Jira is deployed under, e.g. `/jira`. */
  contextPath: string;
}

export type JiraInstance = CloudSite | DataCenterInstance;

export interface World {
  /** Cloud sites by name (`acme`, `globex`). */
  sites: Map<string, CloudSite>;
  dc: DataCenterInstance;
  /** Every Atlassian account (Cloud), by accountId; sites reference a subset. */
  accounts: Map<string, User>;
  events: WorldEvents;
  /** Timestamps of changes come from here. */
  now: () => number;
}
