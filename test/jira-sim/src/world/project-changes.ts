/**
 * Project changes: each updates state first, then emits one `WorldChange` (events.ts).
 * @see https://developer.atlassian.com/cloud/jira/platform/webhooks/
 */
import { requireProject } from './read.ts';
import type { JiraInstance, Project, User, World } from './types.ts';

export function updateProject(
  world: World,
  instance: JiraInstance,
  projectId: string,
  patch: Partial<Pick<Project, 'name' | 'leadId' | 'archived'>>,
  actor: User | null,
): Project {
  const project = requireProject(instance, projectId);
  Object.assign(project, patch);
  world.events.emit({ type: 'project_updated', instance, actor, at: world.now(), project });
  return project;
}

/** Delete a project with its versions, issues and everything hanging off them. */
export function deleteProject(
  world: World,
  instance: JiraInstance,
  projectId: string,
  actor: User | null,
): Project {
  const project = requireProject(instance, projectId);
  instance.projects.delete(project.id);
  const issueIds = new Set<string>();
  for (const [id, issue] of instance.issues)
    if (issue.projectId === project.id) {
      issueIds.add(id);
      instance.issues.delete(id);
    }
  for (const [key, id] of instance.issueKeys) if (issueIds.has(id)) instance.issueKeys.delete(key);
  for (const [id, version] of instance.versions)
    if (version.projectId === project.id) instance.versions.delete(id);
  for (const [id, link] of instance.issueLinks)
    if (issueIds.has(link.inwardIssueId) || issueIds.has(link.outwardIssueId))
      instance.issueLinks.delete(id);
  for (const [id, link] of instance.remoteLinks)
    if (issueIds.has(link.issueId)) instance.remoteLinks.delete(id);
  for (const [id, comment] of instance.comments)
    if (issueIds.has(comment.issueId)) instance.comments.delete(id);
  world.events.emit({ type: 'project_deleted', instance, actor, at: world.now(), project });
  return project;
}
