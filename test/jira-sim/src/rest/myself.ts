/**
 * `GET /rest/api/{2|3}/myself` (Cloud) and `GET /rest/api/2/myself` (DC): the calling user.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-myself/#api-rest-api-3-myself-get
 */
import { Hono } from 'hono';
import { failWith, jiraNotAuthenticated } from '../auth/jira-errors.ts';
import type { CloudEnv, DcEnv } from '../auth/principal.ts';
import { userOf } from '../auth/principal.ts';
import { requireDcScope, requireOperationScopes } from '../auth/scopes.ts';
import type { JiraInstance, User } from '../world/types.ts';
import { avatarUrlsOf } from './format.ts';

function groupsOf(user: User) {
  return { size: user.groups.length, items: [] };
}

/** Cloud user representation (accountId, no username/key: GDPR). */
export function toCloudUser(instance: JiraInstance, user: User, version: string) {
  return {
    self: `${instance.baseUrl}/rest/api/${version}/user?accountId=${user.id}`,
    accountId: user.id,
    accountType: user.accountType,
    emailAddress: user.emailAddress,
    avatarUrls: avatarUrlsOf(instance, user),
    displayName: user.displayName,
    active: user.active,
    timeZone: user.timeZone,
    locale: user.locale,
  };
}

/** DC user representation (name/key). */
export function toDcUser(instance: JiraInstance, user: User) {
  return {
    self: `${instance.baseUrl}/rest/api/2/user?username=${encodeURIComponent(user.username)}`,
    key: user.id,
    name: user.username,
    emailAddress: user.emailAddress,
    avatarUrls: avatarUrlsOf(instance, user),
    displayName: user.displayName,
    active: user.active,
    deleted: false,
    timeZone: user.timeZone,
    locale: user.locale,
  };
}

export function createCloudMyselfRoutes(): Hono<CloudEnv> {
  const router = new Hono<CloudEnv>();
  router.get(
    '/rest/api/:version{[23]}/myself',
    requireOperationScopes('GET', '/rest/api/3/myself'),
    (c) => {
      const user = userOf(c.var.principal);
      if (!user) failWith(jiraNotAuthenticated());
      return c.json({
        ...toCloudUser(c.var.instance, user, c.req.param('version')),
        groups: groupsOf(user),
        applicationRoles: { size: 1, items: [] },
        expand: 'groups,applicationRoles',
      });
    },
  );
  return router;
}

export function createDcMyselfRoutes(): Hono<DcEnv> {
  const router = new Hono<DcEnv>();
  router.get('/rest/api/2/myself', requireDcScope('READ'), (c) => {
    const user = userOf(c.var.principal);
    if (!user) failWith(jiraNotAuthenticated());
    return c.json({
      ...toDcUser(c.var.instance, user),
      groups: groupsOf(user),
      applicationRoles: { size: 1, items: [] },
      expand: 'groups,applicationRoles',
    });
  });
  return router;
}
