import type { OpenAPIHono } from '@hono/zod-openapi';
import { adminRoutes } from './admin/routes.tsx';
import { apiKeyRoutes } from './api-keys/routes.ts';
import { createKeyAuthenticator } from './api-keys/service.ts';
import { connectionRoutes } from './connections/routes.ts';
import { fileDefectAsViewer } from './defects/panel.ts';
import { defectRoutes } from './defects/routes.ts';
import type { Deps } from './deps.ts';
import { devopsApiRoutes } from './devops/api-routes.ts';
import { devopsCiRoutes } from './devops/ci-routes.ts';
import { renderCiDoorError } from './devops/door-errors.ts';
import { devopsSiteRoutes } from './devops/site-routes.ts';
import { type ForgeFeatures, forgeRoutes } from './forge/routes.ts';
import { healthRoutes } from './health/routes.ts';
import { limitBodySize } from './http/body-limit.ts';
import { docsRoutes } from './http/docs.ts';
import type { Env } from './http/env.ts';
import { AppError } from './http/errors.ts';
import { observeRequests } from './http/observe.ts';
import { createRouter } from './http/openapi.ts';
import { renderProblem, toAppError } from './http/problem.ts';
import { whoAmIRoutes } from './http/whoami.ts';
import { mappingRoutes } from './mappings/routes.ts';
import { listMappings } from './mappings/service.ts';
import { oauthCallbackRoutes } from './oauth/callback-routes.ts';
import { oauthRoutes } from './oauth/routes.ts';
import { outboxRoutes } from './outbox/routes.ts';
import { getIssueTests } from './results/coverage.ts';
import { issueTestsRoutes } from './results/coverage-routes.ts';
import { RESULTS_UPLOAD_PATH, testRunRoutes } from './results/routes.ts';
import { toolApiRoutes } from './tool-api/routes.ts';
import { jiraEventAdminRoutes } from './webhooks/admin-routes.ts';
import { releaseAutomaticWebhook, setUpAutomaticWebhook } from './webhooks/automatic.ts';
import { receiveForgeEvent } from './webhooks/receive.ts';
import { webhookRoutes } from './webhooks/routes.ts';
import { webhookStatusOf } from './webhooks/status.ts';

export const API_VERSION = '0.1.0';

/**
 * Not open source: an SPDX `LicenseRef` (OpenAPI 3.1 `identifier`; the typings know only 3.0's
 * `url`, hence a constant rather than a literal). There is no public licence text to link to.
 */
const API_LICENSE = {
  name: 'Proprietary: all rights reserved',
  identifier: 'LicenseRef-Proprietary',
};

const BODY_CUT_SHORT = 'The body ended early: the client closed the connection while sending it';

/**
 * The client went away mid-body (a killed CI job, a dropped connection): Node's `aborted` /
 * `ECONNRESET` while reading, or the request already aborted. The caller's doing, not a fault.
 */
function hasClientGoneAway(error: unknown, request: Request): boolean {
  if (request.signal.aborted) return true;
  for (let cause = error, depth = 0; cause instanceof Error && depth < 5; depth++) {
    const code = 'code' in cause ? cause.code : undefined;
    if (
      cause.message === 'aborted' ||
      code === 'ECONNRESET' ||
      code === 'ERR_STREAM_PREMATURE_CLOSE'
    ) {
      return true;
    }
    cause = cause.cause;
  }
  return false;
}

/** The whole HTTP surface, wired from explicit dependencies. */
/** What a test may put in place of other features' parts (the Forge routes' features). */
export interface AppOptions {
  forge?: Partial<ForgeFeatures>;
}

export function createApp(deps: Deps, options: AppOptions = {}): OpenAPIHono<Env> {
  const app = createRouter();
  const authenticate = createKeyAuthenticator(deps);

  app.use('*', observeRequests(deps.logger, deps.metrics));
  const bodyLimit = limitBodySize(deps.config.bodyLimitBytes);
  // Report files stream into their reader and have their own, larger limit.
  const uploadLimit = limitBodySize(deps.config.results.uploadLimitBytes);
  app.use('*', (c, next) =>
    RESULTS_UPLOAD_PATH.test(c.req.path) ? uploadLimit(c, next) : bodyLimit(c, next),
  );

  app.route('/', healthRoutes(deps));
  app.route('/', adminRoutes(deps));
  app.route('/', docsRoutes());
  app.route('/api/v1', whoAmIRoutes(authenticate));
  app.route('/api/v1/api-keys', apiKeyRoutes(deps, authenticate));
  app.route('/api/v1/connections', connectionRoutes(deps, authenticate));
  app.route('/api/v1/connections', oauthRoutes(deps, authenticate));
  app.route('/api/v1/connections', toolApiRoutes(deps, authenticate));
  app.route('/', oauthCallbackRoutes(deps));
  app.route('/api/v1/devops/sites', devopsSiteRoutes(deps, authenticate));
  app.route('/api/v1/devops', devopsApiRoutes(deps, authenticate));
  app.route('/api/v1/outbox', outboxRoutes(deps, authenticate));
  app.route(
    '/api/v1/mappings',
    mappingRoutes(deps, authenticate, {
      setUpWebhook: setUpAutomaticWebhook,
      releaseWebhook: releaseAutomaticWebhook,
    }),
  );
  app.route('/api/v1/test-runs', testRunRoutes(deps, authenticate));
  app.route('/api/v1/issues', issueTestsRoutes(deps, authenticate));
  app.route('/api/v1/defects', defectRoutes(deps, authenticate));
  app.route('/api/v1', jiraEventAdminRoutes(deps, authenticate));
  app.route('/', webhookRoutes(deps));
  app.route(
    '/forge',
    forgeRoutes(deps, {
      issueTests: getIssueTests,
      mappingsOf: async (d, connectionId) =>
        (await listMappings(d, connectionId)).map((mapping) => ({
          jiraProjectKey: mapping.jiraProject.key,
          toolProjectKey: mapping.toolProject.key,
          createDefects: mapping.createDefects,
        })),
      fileDefect: fileDefectAsViewer,
      receiveEvent: receiveForgeEvent,
      webhookStatusOf,
      ...options.forge,
    }),
  );
  app.route('/', devopsCiRoutes(deps));

  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'A Testbridge API key (`tb_…`), role admin or tool',
  });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Testbridge',
      version: API_VERSION,
      description: 'Connects a test-management tool to Jira Cloud and Jira Data Center.',
      license: API_LICENSE,
    },
    servers: [{ url: deps.config.publicUrl }],
  });

  app.notFound((c) =>
    renderProblem(c, new AppError('not_found', `No route for ${c.req.method} ${c.req.path}`)),
  );
  app.onError((error, c) => {
    const appError = hasClientGoneAway(error, c.req.raw)
      ? new AppError('validation_failed', BODY_CUT_SHORT, {
          cause: error,
          invalidFields: [{ field: 'body', message: BODY_CUT_SHORT }],
        })
      : toAppError(error);
    const log = {
      requestId: c.get('requestId'),
      code: appError.code,
      err: appError.cause ?? appError,
    };
    if (appError.status >= 500) deps.logger.error(log, 'request failed');
    else deps.logger.debug(log, 'request rejected');
    return renderCiDoorError(c, appError) ?? renderProblem(c, appError);
  });
  return app;
}
