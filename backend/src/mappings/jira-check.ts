import { AppError } from '../http/errors.ts';
import { JiraCallError } from '../jira/errors.ts';
import { getProjectWithIssueTypes } from '../jira/issue-lookup.ts';
import { getMyPermissions } from '../jira/platform-api.ts';
import { jiraTargetFor, type ToolApiDeps } from '../tool-api/endpoint.ts';

/** What a mapping needs in its Jira project, with Jira's permission keys. */
export const MAPPING_PERMISSIONS = [
  ['BROWSE_PROJECTS', 'Browse Projects'],
  ['CREATE_ISSUES', 'Create Issues'],
] as const;

export interface CheckedJiraProject {
  id: string;
  key: string;
  defectIssueType: { id: string; name: string } | null;
}

/**
 * Checks a mapping against Jira through the connection's shared grant: the project exists and is
 * visible, the connection holds BROWSE_PROJECTS and CREATE_ISSUES there, and the defect issue
 * type (id or name) is one of the project's.
 * @throws AppError jira_not_found (no such project, or hidden) | jira_forbidden (a permission
 * missing: `missingPermissions`) | validation_failed (`body.defectIssueType`) | Jira's failures
 */
export async function checkJiraProject(
  deps: ToolApiDeps,
  connectionId: string,
  projectKey: string,
  defectIssueType: string | undefined,
): Promise<CheckedJiraProject> {
  const target = await jiraTargetFor(deps, connectionId, undefined, 'read');
  let project: Awaited<ReturnType<typeof getProjectWithIssueTypes>>;
  try {
    project = await getProjectWithIssueTypes(deps, target, projectKey);
  } catch (error) {
    if (error instanceof JiraCallError && error.code === 'jira_not_found') {
      throw new AppError(
        'jira_not_found',
        `Jira project ${projectKey} does not exist on this connection, or its account cannot browse it`,
        {
          cause: error,
          invalidFields: [{ field: 'body.jiraProjectKey', message: 'no such Jira project' }],
        },
      );
    }
    throw error;
  }
  const keys = MAPPING_PERMISSIONS.map(([key]) => key);
  const { permissions } = await getMyPermissions(
    deps,
    target.endpoint,
    target.apiVersion,
    keys,
    project.key,
  );
  const missing = MAPPING_PERMISSIONS.filter(([key]) => permissions[key]?.havePermission !== true);
  if (missing.length > 0) {
    throw new AppError(
      'jira_forbidden',
      `The connection's Jira account lacks ${missing.map(([, label]) => `"${label}"`).join(' and ')} in ${project.key}; grant it in the project's permission scheme`,
      { extensions: { missingPermissions: missing.map(([key]) => key), projectKey: project.key } },
    );
  }
  let type: CheckedJiraProject['defectIssueType'] = null;
  if (defectIssueType !== undefined) {
    const wanted = defectIssueType.toLowerCase();
    const found = project.issueTypes.find(
      (t) => !t.subtask && (t.id === defectIssueType || t.name.toLowerCase() === wanted),
    );
    if (!found) {
      const names = project.issueTypes.filter((t) => !t.subtask).map((t) => t.name);
      throw new AppError(
        'validation_failed',
        `${project.key} has no issue type ${defectIssueType}`,
        {
          invalidFields: [
            {
              field: 'body.defectIssueType',
              message: `not an issue type of ${project.key} (one of: ${names.join(', ')})`,
            },
          ],
        },
      );
    }
    type = { id: found.id, name: found.name };
  }
  return { id: project.id, key: project.key, defectIssueType: type };
}
