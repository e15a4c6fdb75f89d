/**
 * The platform REST subset (projects, issues, search, users, permissions, links, transitions,
 * comments) for Cloud (`/rest/api/{2|3}`) and Data Center (`/rest/api/2`), mounted by
 * `cloud-routes.ts` and `dc-routes.ts`.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/
 */
import { Hono } from 'hono';
import type { CloudEnv, DcEnv } from '../auth/principal.ts';
import type { SimDeps } from '../deps.ts';
import { createCloudCommentRoutes, createDcCommentRoutes } from './comments.ts';
import { createCloudIssueLinkRoutes, createDcIssueLinkRoutes } from './issue-links.ts';
import { createCloudIssuePropertyRoutes, createDcIssuePropertyRoutes } from './issue-properties.ts';
import { createCloudIssueRoutes, createDcIssueRoutes } from './issues.ts';
import { createCloudMyPermissionsRoutes, createDcMyPermissionsRoutes } from './my-permissions.ts';
import { createCloudProjectRoutes, createDcProjectRoutes } from './projects.ts';
import { createCloudRemoteLinkRoutes, createDcRemoteLinkRoutes } from './remote-links.ts';
import { createCloudSearchRoutes, createDcSearchRoutes } from './search.ts';
import { createCloudTransitionRoutes, createDcTransitionRoutes } from './transitions.ts';
import { createCloudUserRoutes, createDcUserRoutes } from './users.ts';
import { createCloudVersionRoutes, createDcVersionRoutes } from './versions.ts';

export function createCloudPlatformRoutes(deps: SimDeps): Hono<CloudEnv> {
  const router = new Hono<CloudEnv>();
  router.route('/', createCloudProjectRoutes(deps));
  router.route('/', createCloudVersionRoutes(deps));
  router.route('/', createCloudIssueRoutes(deps));
  router.route('/', createCloudSearchRoutes(deps));
  router.route('/', createCloudUserRoutes());
  router.route('/', createCloudMyPermissionsRoutes());
  router.route('/', createCloudRemoteLinkRoutes(deps));
  router.route('/', createCloudIssuePropertyRoutes(deps.world));
  router.route('/', createCloudIssueLinkRoutes(deps));
  router.route('/', createCloudTransitionRoutes(deps));
  router.route('/', createCloudCommentRoutes(deps));
  return router;
}

export function createDcPlatformRoutes(deps: SimDeps): Hono<DcEnv> {
  const router = new Hono<DcEnv>();
  router.route('/', createDcProjectRoutes(deps));
  router.route('/', createDcVersionRoutes(deps));
  router.route('/', createDcIssueRoutes(deps));
  router.route('/', createDcSearchRoutes(deps));
  router.route('/', createDcUserRoutes());
  router.route('/', createDcMyPermissionsRoutes());
  router.route('/', createDcRemoteLinkRoutes(deps));
  router.route('/', createDcIssuePropertyRoutes(deps.world));
  router.route('/', createDcIssueLinkRoutes(deps));
  router.route('/', createDcTransitionRoutes(deps));
  router.route('/', createDcCommentRoutes(deps));
  return router;
}
