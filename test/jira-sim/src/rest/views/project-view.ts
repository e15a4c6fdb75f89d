/**
 * Projects as `project/search` lists them and as `GET /project/{key}` returns them.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-projects/#api-rest-api-3-project-projectidorkey-get
 */
import { listProjectVersions } from '../../world/read.ts';
import type { Project } from '../../world/types.ts';
import type { RestCall } from '../call.ts';
import { restBase } from '../call.ts';
import { issueTypeView, projectAvatarUrls, userRefView, versionView } from './common-views.ts';

/** The `expand` values of a project search item. */
export type ProjectExpand = 'description' | 'lead' | 'issueTypes' | 'url' | 'projectKeys';

export function projectIssueTypes(call: RestCall, project: Project) {
  return project.issueTypeIds.flatMap((id) => {
    const type = call.instance.issueTypes.get(id);
    return type ? [issueTypeView(call, type)] : [];
  });
}

/** A project search item (`values[]` of `GET /project/search`), with the requested expansions. */
export function projectSummaryView(
  call: RestCall,
  project: Project,
  expand: ReadonlySet<ProjectExpand>,
) {
  return {
    expand: 'description,lead,issueTypes,url,projectKeys,permissions,insight',
    self: `${restBase(call)}/project/${project.id}`,
    id: project.id,
    key: project.key,
    name: project.name,
    avatarUrls: projectAvatarUrls(call.instance, project),
    projectTypeKey: project.projectTypeKey,
    simplified: false,
    style: 'classic',
    isPrivate: false,
    properties: {},
    ...(project.archived ? { archived: true } : {}),
    ...(expand.has('description') ? { description: '' } : {}),
    ...(expand.has('lead') ? { lead: userRefView(call, project.leadId) } : {}),
    ...(expand.has('issueTypes') ? { issueTypes: projectIssueTypes(call, project) } : {}),
    ...(expand.has('url') ? { url: '' } : {}),
    ...(expand.has('projectKeys') ? { projectKeys: [project.key] } : {}),
  };
}

/** `GET /project/{projectIdOrKey}`: the full project with lead, issue types and versions. */
export function projectView(call: RestCall, project: Project, now: number) {
  return {
    ...projectSummaryView(call, project, new Set<ProjectExpand>()),
    description: '',
    lead: userRefView(call, project.leadId),
    components: [],
    issueTypes: projectIssueTypes(call, project),
    assigneeType: 'UNASSIGNED',
    versions: listProjectVersions(call.instance, project.id).map((version) =>
      versionView(call, version, now),
    ),
    roles: {},
    projectKeys: [project.key],
  };
}
