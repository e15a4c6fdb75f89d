import type { AuthenticateKey } from '../http/auth.ts';
import { requireRole } from '../http/auth.ts';
import { createRouter } from '../http/openapi.ts';
import { jiraCatalogRoutes } from './catalog-routes.ts';
import type { ToolApiDeps } from './endpoint.ts';
import { jiraIssueRoutes } from './issue-routes.ts';

/**
 * `/api/v1/connections/{id}/jira/…`: the test tool's Jira API (tool and admin keys). Name the
 * test-tool user with `X-Testbridge-User` so their own grant is used.
 */
export function toolApiRoutes(deps: ToolApiDeps, authenticate: AuthenticateKey) {
  const router = createRouter();
  const tool = requireRole(authenticate, 'tool');
  router.route('/', jiraCatalogRoutes(deps, tool));
  router.route('/', jiraIssueRoutes(deps, tool));
  return router;
}
