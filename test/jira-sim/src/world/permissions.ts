/** Who may do what: per-user permission sets and the check every REST route uses. */
import type {
  GlobalPermission,
  JiraInstance,
  PermissionKey,
  ProjectPermission,
  UserPermissions,
} from './types.ts';
import { GLOBAL_PERMISSIONS, PROJECT_PERMISSIONS } from './types.ts';

const ADMIN_ONLY: ProjectPermission[] = ['ADMINISTER_PROJECTS', 'DELETE_ALL_ATTACHMENTS'];

/** What an ordinary seeded user may do. */
export function createStandardPermissions(): UserPermissions {
  return {
    global: new Set<GlobalPermission>(['USER_PICKER', 'CREATE_SHARED_OBJECTS']),
    project: new Set(PROJECT_PERMISSIONS.filter((key) => !ADMIN_ONLY.includes(key))),
    byProject: new Map(),
  };
}

/** Every permission (site admin / Jira administrator). */
export function createAdminPermissions(): UserPermissions {
  return {
    global: new Set(GLOBAL_PERMISSIONS),
    project: new Set(PROJECT_PERMISSIONS),
    byProject: new Map(),
  };
}

/** Standard permissions minus the given project keys (the "limited" diagnostics user). */
export function createRestrictedPermissions(missing: ProjectPermission[]): UserPermissions {
  const permissions = createStandardPermissions();
  for (const key of missing) permissions.project.delete(key);
  return permissions;
}

function isGlobalPermission(key: PermissionKey): key is GlobalPermission {
  return (GLOBAL_PERMISSIONS as readonly string[]).includes(key);
}

/**
 * Whether a user holds a permission on an instance, optionally within one project.
 * Without a project, a project permission counts if the user has it in at least one project
 * (that is how Jira's `mypermissions` answers without a project context).
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-permissions/#api-rest-api-3-mypermissions-get
 */
export function hasPermission(
  instance: JiraInstance,
  userId: string,
  key: PermissionKey,
  projectId?: string,
): boolean {
  const permissions = instance.permissions.get(userId);
  if (!permissions || !instance.users.get(userId)?.active) return false;
  if (isGlobalPermission(key)) return permissions.global.has(key);
  if (projectId !== undefined)
    return (permissions.byProject.get(projectId) ?? permissions.project).has(key);
  if (permissions.project.has(key)) return true;
  return [...permissions.byProject.values()].some((set) => set.has(key));
}
