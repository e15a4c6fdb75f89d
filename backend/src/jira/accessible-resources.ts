import { z } from 'zod';
import { callJira, type JiraDeps, type JiraEndpoint } from './http.ts';

const AccessibleResource = z.object({
  id: z.string(),
  url: z.string(),
  name: z.string(),
  scopes: z.array(z.string()).default([]),
});
export type AccessibleResource = z.infer<typeof AccessibleResource>;

/**
 * The sites a 3LO grant can reach (`id` is the cloudId). `endpoint.baseUrl` is ATLASSIAN_API_URL.
 * @see https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/#3-1-get-the-cloudid-for-your-site
 */
export function getAccessibleResources(
  deps: JiraDeps,
  endpoint: JiraEndpoint,
): Promise<AccessibleResource[]> {
  return callJira(
    deps,
    endpoint,
    { path: '/oauth/token/accessible-resources' },
    z.array(AccessibleResource),
  );
}
