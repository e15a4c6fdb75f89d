/** Read helpers over the world: lookups every route needs. Pure functions, no events. */
import type { CloudSite, Issue, JiraInstance, Project, User, Version, World } from './types.ts';

export function listInstances(world: World): JiraInstance[] {
  return [...world.sites.values(), world.dc];
}

export function findSiteByName(world: World, name: string): CloudSite | undefined {
  return world.sites.get(name);
}

export function findSiteByCloudId(world: World, cloudId: string): CloudSite | undefined {
  return [...world.sites.values()].find((site) => site.cloudId === cloudId);
}

/** By instance id: a site name or `dc`. */
export function findInstance(world: World, id: string): JiraInstance | undefined {
  return id === world.dc.id ? world.dc : world.sites.get(id);
}

/** The Cloud sites an Atlassian account can log in to. */
export function listSitesOfAccount(world: World, accountId: string): CloudSite[] {
  return [...world.sites.values()].filter((site) => site.users.has(accountId));
}

/** E-mail match is case-insensitive, as Atlassian account e-mails are. */
export function findAccountByEmail(world: World, email: string): User | undefined {
  const wanted = email.toLowerCase();
  return [...world.accounts.values()].find((user) => user.emailAddress.toLowerCase() === wanted);
}

/** A DC user by login name (case-insensitive, as Jira's directory is). */
export function findUserByUsername(instance: JiraInstance, username: string): User | undefined {
  const wanted = username.toLowerCase();
  return [...instance.users.values()].find((user) => user.username.toLowerCase() === wanted);
}

/** By numeric id or key (case-insensitive key, old keys of moved issues included). */
export function findIssue(instance: JiraInstance, idOrKey: string): Issue | undefined {
  const byId = instance.issues.get(idOrKey);
  if (byId) return byId;
  const id = instance.issueKeys.get(idOrKey.toUpperCase());
  return id === undefined ? undefined : instance.issues.get(id);
}

/** By numeric id or key (case-insensitive key). */
export function findProject(instance: JiraInstance, idOrKey: string): Project | undefined {
  const byId = instance.projects.get(idOrKey);
  if (byId) return byId;
  const wanted = idOrKey.toUpperCase();
  return [...instance.projects.values()].find((project) => project.key === wanted);
}

export function findVersion(instance: JiraInstance, id: string): Version | undefined {
  return instance.versions.get(id);
}

export function listProjectVersions(instance: JiraInstance, projectId: string): Version[] {
  return [...instance.versions.values()]
    .filter((v) => v.projectId === projectId)
    .sort((a, b) => a.sequence - b.sequence);
}

/** Like the find functions, but a missing entity is a programming error (throws RangeError). */
export function requireProject(instance: JiraInstance, projectId: string): Project {
  const project = instance.projects.get(projectId);
  if (!project) throw new RangeError(`No project ${projectId} on ${instance.id}`);
  return project;
}

export function requireIssue(instance: JiraInstance, issueId: string): Issue {
  const issue = instance.issues.get(issueId);
  if (!issue) throw new RangeError(`No issue ${issueId} on ${instance.id}`);
  return issue;
}

export function requireVersion(instance: JiraInstance, versionId: string): Version {
  const version = instance.versions.get(versionId);
  if (!version) throw new RangeError(`No version ${versionId} on ${instance.id}`);
  return version;
}
