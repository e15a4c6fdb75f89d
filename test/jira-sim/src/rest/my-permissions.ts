/**
 * `GET /mypermissions`: which permissions the caller holds, globally or in a project/issue context.
 * Cloud requires `permissions` (400 "The 'permissions' query parameter is required." since 2019);
 * Data Center still answers without it with every permission it knows.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-permissions/#api-rest-api-3-mypermissions-get
 */
import { Hono } from 'hono';
import { failWith, jiraError } from '../auth/jira-errors.ts';
import type { CloudEnv, DcEnv } from '../auth/principal.ts';
import { requireDcScope, requireOperationScopes } from '../auth/scopes.ts';
import { findIssue } from '../world/read.ts';
import type { PermissionKey } from '../world/types.ts';
import { GLOBAL_PERMISSIONS } from '../world/types.ts';
import type { RestRequest } from './call.ts';
import { can, cloudRequest, dcRequest, ISSUE_NOT_FOUND, requireVisibleProject } from './call.ts';

/** Jira's permission ids and names (from Jira's `Permissions` constants). */
const PERMISSION_INFO: Record<PermissionKey, { id: number; name: string; description: string }> = {
  BROWSE_PROJECTS: {
    id: 10,
    name: 'Browse Projects',
    description: 'Ability to browse projects and the issues within them.',
  },
  CREATE_ISSUES: { id: 11, name: 'Create Issues', description: 'Ability to create issues.' },
  EDIT_ISSUES: { id: 12, name: 'Edit Issues', description: 'Ability to edit issues.' },
  ASSIGN_ISSUES: {
    id: 13,
    name: 'Assign Issues',
    description: 'Ability to assign issues to other people.',
  },
  RESOLVE_ISSUES: {
    id: 14,
    name: 'Resolve Issues',
    description:
      'Ability to resolve and reopen issues. This includes the ability to set a fix version.',
  },
  ADD_COMMENTS: { id: 15, name: 'Add Comments', description: 'Ability to comment on issues.' },
  DELETE_ISSUES: { id: 16, name: 'Delete Issues', description: 'Ability to delete issues.' },
  ASSIGNABLE_USER: {
    id: 17,
    name: 'Assignable User',
    description: 'Users with this permission may be assigned to issues.',
  },
  CLOSE_ISSUES: { id: 18, name: 'Close Issues', description: 'Ability to close issues.' },
  CREATE_ATTACHMENTS: {
    id: 19,
    name: 'Create Attachments',
    description: 'Users with this permission may create attachments.',
  },
  WORK_ON_ISSUES: {
    id: 20,
    name: 'Work On Issues',
    description: 'Ability to log work done against an issue.',
  },
  LINK_ISSUES: {
    id: 21,
    name: 'Link Issues',
    description: 'Ability to link issues together and create linked issues.',
  },
  CREATE_SHARED_OBJECTS: {
    id: 22,
    name: 'Share dashboards and filters',
    description: 'Share dashboards and filters with other users.',
  },
  ADMINISTER_PROJECTS: {
    id: 23,
    name: 'Administer Projects',
    description: 'Ability to administer a project in Jira.',
  },
  MOVE_ISSUES: {
    id: 25,
    name: 'Move Issues',
    description:
      'Ability to move issues between projects or between workflows of the same project.',
  },
  USER_PICKER: {
    id: 27,
    name: 'Browse users and groups',
    description: 'View and select users or groups from the user picker.',
  },
  SCHEDULE_ISSUES: {
    id: 28,
    name: 'Schedule Issues',
    description: 'Ability to view or edit an issue\u2019s due date.',
  },
  VIEW_DEV_TOOLS: {
    id: 29,
    name: 'View Development Tools',
    description: 'Allows users to view development-related information on the issue.',
  },
  MODIFY_REPORTER: {
    id: 30,
    name: 'Modify Reporter',
    description: 'Ability to modify the reporter when creating or editing an issue.',
  },
  MANAGE_WATCHERS: {
    id: 32,
    name: 'Manage Watchers',
    description: 'Ability to manage the watchers of an issue.',
  },
  DELETE_ALL_ATTACHMENTS: {
    id: 38,
    name: 'Delete All Attachments',
    description: 'Users with this permission may delete all attachments.',
  },
  ADMINISTER: {
    id: 0,
    name: 'Administer Jira',
    description:
      'Create and administer projects, issue types, fields, workflows, and schemes for all projects.',
  },
  SYSTEM_ADMIN: {
    id: 44,
    name: 'Jira System Administrators',
    description: 'Ability to perform all administration functions.',
  },
  TRANSITION_ISSUES: {
    id: 46,
    name: 'Transition Issues',
    description: 'Ability to transition issues.',
  },
};

function isPermissionKey(key: string): key is PermissionKey {
  return key in PERMISSION_INFO;
}

function myPermissions({ call, url }: RestRequest, required: boolean): Response {
  const raw = url.searchParams.get('permissions');
  if (required && (raw === null || raw.trim() === ''))
    failWith(jiraError(400, ["The 'permissions' query parameter is required."]));
  const keys = (raw ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean);
  // Message UNCONFIRMED (Atlassian: 400 when `permissions` "contains an invalid key").
  const invalid = keys.find((k) => !isPermissionKey(k));
  if (invalid !== undefined)
    failWith(jiraError(400, [`Permission key '${invalid}' is not valid.`]));
  const wanted =
    keys.length > 0
      ? keys.filter(isPermissionKey)
      : Object.keys(PERMISSION_INFO).filter(isPermissionKey);
  let projectId: string | undefined;
  const issueRef = url.searchParams.get('issueKey') ?? url.searchParams.get('issueId');
  const projectRef = url.searchParams.get('projectKey') ?? url.searchParams.get('projectId');
  if (issueRef) {
    const issue = findIssue(call.instance, issueRef);
    if (!issue || !can(call, 'BROWSE_PROJECTS', issue.projectId))
      failWith(jiraError(404, [ISSUE_NOT_FOUND]));
    projectId = issue.projectId;
  } else if (projectRef) projectId = requireVisibleProject(call, projectRef).id;
  const permissions: Record<string, unknown> = {};
  for (const key of wanted) {
    const info = PERMISSION_INFO[key];
    const global = (GLOBAL_PERMISSIONS as readonly string[]).includes(key);
    permissions[key] = {
      id: String(info.id),
      key,
      name: info.name,
      type: global ? 'GLOBAL' : 'PROJECT',
      description: info.description,
      havePermission: can(call, key, global ? undefined : projectId),
    };
  }
  return Response.json({ permissions });
}

export function createCloudMyPermissionsRoutes(): Hono<CloudEnv> {
  const router = new Hono<CloudEnv>();
  router.get(
    '/rest/api/:version{[23]}/mypermissions',
    requireOperationScopes('GET', '/rest/api/3/mypermissions'),
    (c) => myPermissions(cloudRequest(c), true),
  );
  return router;
}

export function createDcMyPermissionsRoutes(): Hono<DcEnv> {
  const router = new Hono<DcEnv>();
  router.get('/rest/api/2/mypermissions', requireDcScope('READ'), (c) =>
    myPermissions(dcRequest(c), false),
  );
  return router;
}
