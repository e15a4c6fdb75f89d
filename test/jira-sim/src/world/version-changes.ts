/**
 * Version changes (and permission edits): each updates state, then emits one `WorldChange` (events.ts).
 */
import { takeId } from './instance.ts';
import { requireProject, requireVersion } from './read.ts';
import type { JiraInstance, User, UserPermissions, Version, World } from './types.ts';

export type NewVersion = Pick<Version, 'projectId' | 'name'> &
  Partial<Pick<Version, 'description' | 'releaseDate' | 'startDate' | 'released'>>;

export function createVersion(
  world: World,
  instance: JiraInstance,
  input: NewVersion,
  actor: User | null,
): Version {
  requireProject(instance, input.projectId);
  const siblings = [...instance.versions.values()].filter((v) => v.projectId === input.projectId);
  const version: Version = {
    id: takeId(instance),
    projectId: input.projectId,
    name: input.name,
    description: input.description ?? '',
    released: input.released ?? false,
    archived: false,
    releaseDate: input.releaseDate ?? null,
    startDate: input.startDate ?? null,
    sequence: Math.max(0, ...siblings.map((v) => v.sequence)) + 1,
  };
  instance.versions.set(version.id, version);
  world.events.emit({ type: 'version_created', instance, actor, at: world.now(), version });
  return version;
}

/** Release (or unrelease) a version; a release without a date gets today's date, as in Jira. */
export function releaseVersion(
  world: World,
  instance: JiraInstance,
  versionId: string,
  released: boolean,
  actor: User | null,
): Version {
  const version = requireVersion(instance, versionId);
  if (version.released === released) return version;
  version.released = released;
  if (released && !version.releaseDate)
    version.releaseDate = new Date(world.now()).toISOString().slice(0, 10);
  world.events.emit({
    type: released ? 'version_released' : 'version_unreleased',
    instance,
    actor,
    at: world.now(),
    version,
  });
  return version;
}

export function updateVersion(
  world: World,
  instance: JiraInstance,
  versionId: string,
  patch: Partial<Pick<Version, 'name' | 'description' | 'releaseDate' | 'startDate' | 'archived'>>,
  actor: User | null,
): Version {
  const version = requireVersion(instance, versionId);
  Object.assign(version, patch);
  world.events.emit({ type: 'version_updated', instance, actor, at: world.now(), version });
  return version;
}

/** Move a version to a 1-based position within its project. */
export function moveVersion(
  world: World,
  instance: JiraInstance,
  versionId: string,
  position: number,
  actor: User | null,
): Version {
  const version = requireVersion(instance, versionId);
  const ordered = [...instance.versions.values()]
    .filter((v) => v.projectId === version.projectId && v.id !== version.id)
    .sort((a, b) => a.sequence - b.sequence);
  ordered.splice(Math.max(0, Math.min(position - 1, ordered.length)), 0, version);
  ordered.forEach((v, index) => {
    v.sequence = index + 1;
  });
  world.events.emit({ type: 'version_moved', instance, actor, at: world.now(), version });
  return version;
}

export function deleteVersion(
  world: World,
  instance: JiraInstance,
  versionId: string,
  actor: User | null,
): Version {
  const version = requireVersion(instance, versionId);
  instance.versions.delete(version.id);
  for (const issue of instance.issues.values())
    issue.fixVersionIds = issue.fixVersionIds.filter((id) => id !== version.id);
  world.events.emit({ type: 'version_deleted', instance, actor, at: world.now(), version });
  return version;
}

/** Replace a user's permissions on an instance (no event: Jira sends none for this). */
export function setUserPermissions(
  instance: JiraInstance,
  userId: string,
  permissions: UserPermissions,
): void {
  if (!instance.users.has(userId)) throw new RangeError(`No user ${userId} on ${instance.id}`);
  instance.permissions.set(userId, permissions);
}
