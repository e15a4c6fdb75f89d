import { createRoute } from '@hono/zod-openapi';
import {
  AdminStatusAnswer,
  CreateDefectAnswer,
  CreateDefectRequest,
  FORGE_EVENTS_PATH,
  FORGE_LIFECYCLE_PATHS,
  FORGE_REMOTE,
  ForgeEventAnswer,
  IssueTestsAnswer,
  IssueTestsRequest,
  LifecycleAnswer,
} from '@testbridge/shared/forge/remote';
import type { MiddlewareHandler } from 'hono';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import type { Env } from '../http/env.ts';
import { AppError } from '../http/errors.ts';
import { createRouter } from '../http/openapi.ts';
import { jsonBody, jsonContent, problemResponse } from '../http/responses.ts';
import {
  createInvocationVerifier,
  type ForgeInvocation,
  type ForwardedTokens,
  forwardedTokensOf,
  type VerifyInvocation,
} from './fit.ts';
import {
  adminStatusFor,
  type ForgeFeatures,
  fileDefectFor,
  issueTestsFor,
  recordInstallation,
  recordUninstallation,
} from './service.ts';

export type { ForgeFeatures, IssueTestsOf } from './service.ts';

interface ForgeEnv extends Env {
  Variables: Env['Variables'] & { invocation: ForgeInvocation; tokens: ForwardedTokens };
}

const security = [{ forgeInvocationToken: [] }];
const forgeProblems = {
  400: problemResponse('The body is not valid; `invalidFields` names each bad field'),
  401: problemResponse(
    'No Forge Invocation Token, or one that fails verification (signature, issuer, audience, expiry)',
  ),
} as const;
const uiProblems = {
  ...forgeProblems,
  403: problemResponse('The call does not come from the module this route serves'),
} as const;

/** Every route below first verifies the FIT; 401 is what Forge reads as "could not verify". */
function requireInvocation(verify: VerifyInvocation): MiddlewareHandler<ForgeEnv> {
  return async (c, next) => {
    c.set('invocation', await verify(c.req.header('authorization')));
    // Read only once the FIT is verified: the tokens are trusted because the FIT is.
    c.set(
      'tokens',
      forwardedTokensOf((name) => c.req.header(name)),
    );
    await next();
  };
}

/** Paths relative to the mount point `/forge` (the manifest's remote base URL + these). */
const local = (path: string) => path.replace(/^\/forge/, '');

/**
 * `/forge/*`: what the Forge app calls through Forge Remote. The site (cloudId) in the verified
 * token picks the connection; other features arrive through `features` (wired in app.ts).
 */
export function forgeRoutes(deps: Deps, features: ForgeFeatures) {
  const router = createRouter<ForgeEnv>();
  router.openAPIRegistry.registerComponent('securitySchemes', 'forgeInvocationToken', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'A Forge Invocation Token (RS256, issuer `forge/invocation-token`, audience FORGE_APP_ID), signed by Atlassian',
  });
  router.use('*', requireInvocation(createInvocationVerifier(deps)));

  router.openapi(
    createRoute({
      method: 'post',
      path: local(FORGE_REMOTE.issueTests.path),
      operationId: 'forgeIssueTests',
      tags: ['Forge'],
      summary: 'The Tests panel: tests covering the issue it is shown on, in a scope',
      security,
      request: { body: jsonBody(IssueTestsRequest) },
      responses: {
        200: jsonContent(IssueTestsAnswer, 'The tests, or `not_connected` for an unknown site'),
        ...uiProblems,
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const answer = await issueTestsFor(deps, features, c.get('invocation'), body);
      return c.json(answer, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: local(FORGE_REMOTE.createDefect.path),
      operationId: 'forgeCreateDefect',
      tags: ['Forge'],
      summary: "The Tests panel's Create defect: file a failed test of the issue as a Jira defect",
      description:
        'Filed as the viewing user with the `x-forge-oauth-user` token Forge forwards, against the ' +
        "token's `app.apiBaseUrl`, and tried at once: the answer is Jira's (created, or failed with " +
        'its reason), or `pending` when Jira could not answer in time (retried while the token lasts).',
      security,
      request: { body: jsonBody(CreateDefectRequest) },
      responses: {
        200: jsonContent(CreateDefectAnswer, 'Filed (pending until Jira answers), or the open one'),
        ...uiProblems,
        403: problemResponse(
          'Not from the panel of that issue, or no user token forwarded (`user_authorization_required`)',
        ),
        404: problemResponse('The test has no execution in that run'),
        409: problemResponse(
          'The site is not connected, the execution did not fail, or defects are off for its project',
        ),
      },
    }),
    async (c) => {
      const filed = await fileDefectFor(
        deps,
        features,
        c.get('invocation'),
        c.get('tokens'),
        c.req.valid('json'),
      );
      return c.json(filed, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: local(FORGE_REMOTE.adminStatus.path),
      operationId: 'forgeAdminStatus',
      tags: ['Forge'],
      summary: "The admin page: this site's connection, installation, mapped projects, webhooks",
      security,
      responses: {
        200: jsonContent(AdminStatusAnswer, 'The status, or `not_connected` for an unknown site'),
        ...uiProblems,
      },
    }),
    async (c) => c.json(await adminStatusFor(deps, features, c.get('invocation')), 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: local(FORGE_LIFECYCLE_PATHS.installed),
      operationId: 'forgeAppInstalled',
      tags: ['Forge'],
      summary: 'Lifecycle: the app was installed or upgraded on a site (idempotent)',
      description:
        'The site and installation come from the token; the event body is not read. With the ' +
        "forwarded system token (`x-forge-oauth-system`), the site's URL is read from Jira as the app.",
      security,
      responses: {
        200: jsonContent(LifecycleAnswer, 'Recorded'),
        ...forgeProblems,
      },
    }),
    async (c) => {
      await recordInstallation(deps, c.get('invocation'), c.get('tokens'));
      return c.json({ recorded: true }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: local(FORGE_LIFECYCLE_PATHS.uninstalled),
      operationId: 'forgeAppUninstalling',
      tags: ['Forge'],
      summary: 'Lifecycle (preUninstall): the app is being removed from a site',
      description: '`recorded` is false when the installation was unknown or already gone.',
      security,
      responses: {
        200: jsonContent(LifecycleAnswer, 'Marked gone'),
        ...forgeProblems,
      },
    }),
    async (c) => c.json({ recorded: await recordUninstallation(deps, c.get('invocation')) }, 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: local(FORGE_EVENTS_PATH),
      operationId: 'forgeProductEvent',
      tags: ['Forge'],
      summary: 'A Jira product event (issue, version, project) from the trigger module',
      description:
        'Stored once per event before the 200, processed later in order per issue; the site comes from the token.',
      security,
      request: { body: jsonBody(z.looseObject({ payload: z.looseObject({}).optional() })) },
      responses: {
        200: jsonContent(ForgeEventAnswer, 'Stored, or stored before (`duplicate`)'),
        ...forgeProblems,
        404: problemResponse('No Testbridge connection for the site (Forge retries)'),
      },
    }),
    async (c) => {
      if (!features.receiveEvent) throw new AppError('not_found', 'Jira events are not received');
      const cloudId = c.get('invocation').cloudId;
      return c.json(await features.receiveEvent(deps, cloudId, c.req.valid('json')), 200);
    },
  );

  return router;
}
