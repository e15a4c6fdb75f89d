/**
 * `GET /oauth/token/accessible-resources` (api.atlassian.com): the sites a 3LO grant covers and the
 * user can still reach. 2LO tokens get 401 here (UNCONFIRMED; the endpoint is for 3LO).
 * @see https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/#3-1-get-the-cloudid-for-your-site
 */
import { Hono } from 'hono';
import { parseAuthorization } from '../auth/authorization-header.ts';
import { gatewayError } from '../auth/jira-errors.ts';
import { findLiveAccessToken } from '../auth/token-store.ts';
import type { SimDeps } from '../deps.ts';
import { findSiteByCloudId } from '../world/read.ts';

const NOT_SITE_SCOPES = new Set(['offline_access', 'read:me']);

export function createAccessibleResourcesRoutes(deps: SimDeps): Hono {
  const app = new Hono();
  app.get('/oauth/token/accessible-resources', (c) => {
    const header = parseAuthorization(c.req.header('authorization'));
    const token =
      header?.scheme === 'bearer'
        ? findLiveAccessToken(deps.tokens, header.token, deps.clock.now(), ['cloud-3lo'])
        : undefined;
    const grant = token?.grantId ? deps.tokens.grants.get(token.grantId) : undefined;
    if (!token || !grant || token.userId === null) return gatewayError(401, 'Unauthorized');
    const userId = token.userId;
    const scopes = token.scopes.filter((scope) => !NOT_SITE_SCOPES.has(scope));
    const sites = grant.cloudIds.flatMap((cloudId) => {
      const site = findSiteByCloudId(deps.world, cloudId);
      if (site?.users.get(userId)?.active !== true) return [];
      return [
        {
          id: site.cloudId,
          url: site.baseUrl,
          name: site.name,
          scopes,
          avatarUrl: `${site.baseUrl}/images/site-avatar.png`,
        },
      ];
    });
    return c.json(sites);
  });
  return app;
}
