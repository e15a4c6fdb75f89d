import { z } from 'zod';
import { callJira, type JiraDeps, type JiraEndpoint } from './http.ts';

export const ServerInfo = z
  .object({
    baseUrl: z.string(),
    version: z.string(),
    versionNumbers: z.array(z.number()).optional(),
    deploymentType: z.string().optional(),
    serverTitle: z.string().optional(),
  })
  .loose();
export type ServerInfo = z.infer<typeof ServerInfo>;

/**
 * `GET /rest/api/2/serverInfo`: answered by Cloud and Data Center alike, so it tells them apart
 * (`deploymentType` "Cloud", or "Server"/"DataCenter").
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v2/api-group-server-info/
 */
export function getServerInfo(deps: JiraDeps, endpoint: JiraEndpoint): Promise<ServerInfo> {
  return callJira(deps, endpoint, { path: '/rest/api/2/serverInfo' }, ServerInfo);
}

export const Myself = z
  .object({
    accountId: z.string().optional(),
    name: z.string().optional(),
    key: z.string().optional(),
    emailAddress: z.string().optional(),
    displayName: z.string(),
  })
  .loose();
export type Myself = z.infer<typeof Myself>;

/**
 * `GET /rest/api/{2|3}/myself`: who the credentials act as.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-myself/#api-rest-api-3-myself-get
 */
export function getMyself(
  deps: JiraDeps,
  endpoint: JiraEndpoint,
  apiVersion: '2' | '3',
): Promise<Myself> {
  return callJira(deps, endpoint, { path: `/rest/api/${apiVersion}/myself` }, Myself);
}

/** Cloud reports "Cloud"; Data Center reports "Server" (seen on DC 10.x) or "DataCenter". */
export function deploymentOf(info: ServerInfo): 'cloud' | 'data_center' {
  return info.deploymentType === 'Cloud' ? 'cloud' : 'data_center';
}

export const MyPermissions = z.object({
  permissions: z.record(
    z.string(),
    z.object({ key: z.string().optional(), havePermission: z.boolean() }).loose(),
  ),
});
export type MyPermissions = z.infer<typeof MyPermissions>;

/**
 * `GET /rest/api/{2|3}/mypermissions?permissions=…`: which of the named permissions the
 * credentials hold: anywhere without `projectKey`, in that project with it (Jira answers 404
 * for a project the user cannot browse). Cloud requires the `permissions` parameter.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-permissions/#api-rest-api-3-mypermissions-get
 * @throws JiraCallError
 */
export function getMyPermissions(
  deps: JiraDeps,
  endpoint: JiraEndpoint,
  apiVersion: '2' | '3',
  permissions: readonly string[],
  projectKey?: string,
): Promise<MyPermissions> {
  return callJira(
    deps,
    endpoint,
    {
      path: `/rest/api/${apiVersion}/mypermissions`,
      query: { permissions: permissions.join(','), projectKey },
    },
    MyPermissions,
  );
}
