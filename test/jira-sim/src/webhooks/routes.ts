/**
 * Webhook REST routes: on Cloud the dynamic-webhook API (`/rest/api/{2|3}/webhook`) and admin
 * webhooks (`/rest/webhooks/1.0/webhook`); on Data Center admin webhooks only.
 * @see https://developer.atlassian.com/cloud/jira/platform/webhooks/
 */
import { Hono } from 'hono';
import type { CloudEnv, DcEnv } from '../auth/principal.ts';
import type { SimDeps } from '../deps.ts';
import { createCloudAdminWebhookRoutes, createDcAdminWebhookRoutes } from './admin-routes.ts';
import { createDynamicWebhookRoutes } from './dynamic-routes.ts';

export function createCloudWebhookRoutes(deps: SimDeps): Hono<CloudEnv> {
  const router = new Hono<CloudEnv>();
  router.route('/', createDynamicWebhookRoutes(deps));
  router.route('/', createCloudAdminWebhookRoutes(deps));
  return router;
}

export function createDcWebhookRoutes(deps: SimDeps): Hono<DcEnv> {
  return createDcAdminWebhookRoutes(deps);
}
