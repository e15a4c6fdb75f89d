import type { DiagnosticCheck } from '@testbridge/shared/api/connections';
import { JiraCallError } from '../jira/errors.ts';
import type { JiraDeps, JiraEndpoint } from '../jira/http.ts';
import { getMyPermissions } from '../jira/platform-api.ts';

/** What one project permission is needed for: Jira's key, its label, the purpose. */
export type PermissionNeed = readonly [key: string, label: string, purpose: string];

/**
 * Checks `needs` in each project with `mypermissions?projectKey=`: one named check per project
 * and permission (`project:TB:permission:CREATE_ISSUES`), or one `project:TB` failure when Jira
 * will not answer for the project (unknown, or not visible to this user). Never throws.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-permissions/#api-rest-api-3-mypermissions-get
 */
export async function diagnoseProjectPermissions(
  deps: JiraDeps,
  endpoint: JiraEndpoint,
  apiVersion: '2' | '3',
  projectKeys: readonly string[],
  needs: readonly PermissionNeed[],
): Promise<DiagnosticCheck[]> {
  const checks: DiagnosticCheck[] = [];
  const keys = needs.map(([key]) => key);
  for (const projectKey of [...new Set(projectKeys)]) {
    const name = `project:${projectKey}`;
    let permissions: Record<string, { havePermission: boolean }>;
    try {
      ({ permissions } = await getMyPermissions(deps, endpoint, apiVersion, keys, projectKey));
    } catch (error) {
      const missing = error instanceof JiraCallError && error.code === 'jira_not_found';
      checks.push({
        name,
        projectKey,
        result: 'fail',
        detail: missing
          ? `Project ${projectKey} does not exist or this user cannot browse it`
          : `Jira would not list the permissions in ${projectKey}: ${error instanceof Error ? error.message : String(error)}`,
        hint: missing
          ? `Check the project key, or grant "Browse Projects" in ${projectKey} to this user`
          : 'Run the diagnostics again once Jira answers',
      });
      continue;
    }
    for (const [key, label, purpose] of needs) {
      const held = permissions[key]?.havePermission === true;
      checks.push(
        held
          ? {
              name: `${name}:permission:${key}`,
              projectKey,
              permission: key,
              result: 'pass',
              detail: `${label} in ${projectKey}: granted`,
            }
          : {
              name: `${name}:permission:${key}`,
              projectKey,
              permission: key,
              result: 'fail',
              detail: `${label} in ${projectKey}: not granted, needed to ${purpose}`,
              hint: `Grant "${label}" to this user in the permission scheme of ${projectKey}`,
            },
      );
    }
  }
  return checks;
}
