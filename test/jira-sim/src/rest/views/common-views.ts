/**
 * Small Jira representations shared by issues, projects and webhook payloads: users, statuses,
 * issue types, priorities, versions and compact projects.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-issueidorkey-get
 */
import type { IssueType, JiraInstance, Project, Status, User, Version } from '../../world/types.ts';
import type { RestCall } from '../call.ts';
import { restBase } from '../call.ts';
import { toCloudUser, toDcUser } from '../myself.ts';

/** A user as Jira embeds it (Cloud: accountId; DC: name/key). */
export function userView(call: RestCall, user: User) {
  return call.instance.kind === 'cloud'
    ? toCloudUser(call.instance, user, call.version)
    : toDcUser(call.instance, user);
}

/** A user by id, or null (unassigned, or a user no longer on the instance). */
export function userRefView(call: RestCall, userId: string | null) {
  const user = userId === null ? undefined : call.instance.users.get(userId);
  return user ? userView(call, user) : null;
}

const CATEGORY = {
  new: { id: 2, colorName: 'blue-gray', name: 'To Do' },
  indeterminate: { id: 4, colorName: 'yellow', name: 'In Progress' },
  done: { id: 3, colorName: 'green', name: 'Done' },
} as const;

export function statusView(call: RestCall, status: Status) {
  const category = CATEGORY[status.category];
  return {
    self: `${restBase(call)}/status/${status.id}`,
    description: '',
    iconUrl: `${call.instance.baseUrl}/`,
    name: status.name,
    id: status.id,
    statusCategory: {
      self: `${restBase(call)}/statuscategory/${category.id}`,
      id: category.id,
      key: status.category,
      colorName: category.colorName,
      name: category.name,
    },
  };
}

/** Avatar id per seeded issue type (what Jira's universal avatars use). */
function avatarIdOf(type: IssueType): number {
  return 10300 + Number(type.id.slice(-1));
}

export function issueTypeView(call: RestCall, type: IssueType) {
  const avatarId = avatarIdOf(type);
  return {
    self: `${restBase(call)}/issuetype/${type.id}`,
    id: type.id,
    description: type.description,
    iconUrl: `${call.instance.baseUrl}/rest/api/2/universal_avatar/view/type/issuetype/avatar/${avatarId}?size=medium`,
    name: type.name,
    untranslatedName: type.name,
    subtask: type.subtask,
    avatarId,
    hierarchyLevel: type.hierarchyLevel,
  };
}

const PRIORITY_IDS: Record<string, string> = {
  Highest: '1',
  High: '2',
  Medium: '3',
  Low: '4',
  Lowest: '5',
};

export function priorityView(call: RestCall, name: string) {
  const id = PRIORITY_IDS[name] ?? '3';
  return {
    self: `${restBase(call)}/priority/${id}`,
    iconUrl: `${call.instance.baseUrl}/images/icons/priorities/${name.toLowerCase()}.svg`,
    name,
    id,
  };
}

/** A priority name from `{id}` or `{name}` (the seeded scheme), or undefined. */
export function findPriority(ref: { id?: string; name?: string }): string | undefined {
  return Object.entries(PRIORITY_IDS).find(([name, id]) => id === ref.id || name === ref.name)?.[0];
}

export function projectAvatarUrls(instance: JiraInstance, project: Project) {
  const base = `${instance.baseUrl}/rest/api/3/universal_avatar/view/type/project/avatar/10400?pid=${project.id}`;
  return {
    '48x48': base,
    '24x24': `${base}&size=small`,
    '16x16': `${base}&size=xsmall`,
    '32x32': `${base}&size=medium`,
  };
}

/** The compact project embedded in issues and search results. */
export function projectRefView(call: RestCall, project: Project) {
  return {
    self: `${restBase(call)}/project/${project.id}`,
    id: project.id,
    key: project.key,
    name: project.name,
    projectTypeKey: project.projectTypeKey,
    simplified: false,
    avatarUrls: projectAvatarUrls(call.instance, project),
  };
}

export function versionView(call: RestCall, version: Version, now: number) {
  const overdue =
    !version.released &&
    version.releaseDate !== null &&
    Date.parse(`${version.releaseDate}T23:59:59Z`) < now;
  return {
    self: `${restBase(call)}/version/${version.id}`,
    id: version.id,
    description: version.description,
    name: version.name,
    archived: version.archived,
    released: version.released,
    ...(version.startDate === null ? {} : { startDate: version.startDate }),
    ...(version.releaseDate === null ? {} : { releaseDate: version.releaseDate }),
    overdue,
    ...(version.releaseDate === null ? {} : { userReleaseDate: version.releaseDate }),
    projectId: Number(version.projectId),
  };
}
