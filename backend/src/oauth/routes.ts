import { createRoute, z } from '@hono/zod-openapi';
import { ConnectionIdParam } from '@testbridge/shared/api/connections';
import {
  AuthorizationFlow,
  AuthorizationLink,
  CompleteAuthorizationRequest,
  CreateOAuthConnectionRequest,
  FlowParams,
  OAuthConfigUpdated,
  OAuthConnectionCreated,
  UpdateOAuthConfigRequest,
} from '@testbridge/shared/api/oauth';
import type { Context } from 'hono';
import { setCookie } from 'hono/cookie';
import type { Deps } from '../deps.ts';
import { type AuthenticateKey, requireRole } from '../http/auth.ts';
import type { Env } from '../http/env.ts';
import { AppError } from '../http/errors.ts';
import { createRouter } from '../http/openapi.ts';
import { jsonBody, jsonContent, problemResponse, problemResponses } from '../http/responses.ts';
import { completeAuthorization, getAuthorizationFlow } from './complete.ts';
import { revokeGrant, updateOAuthConfig } from './configure.ts';
import { createOAuthConnection } from './create.ts';
import { BROWSER_COOKIE_PREFIX, STATE_TTL_MS } from './flow-view.ts';
import { redirectUriOf } from './oauth2-client.ts';
import { getJiraMyselfOnBehalfOf } from './on-behalf.ts';
import { startAuthorization } from './start.ts';
import { registerUserGrantRoutes } from './user-grant-routes.ts';
import { createAuthorizationLink } from './user-links.ts';

const security = [{ apiKey: [] }];
const tags = ['Connections: OAuth'];
const USER_HEADER = 'x-testbridge-user';

/** The test-tool user a call is made for (`X-Testbridge-User`), if any. */
function userOf(c: Context<Env>): string | undefined {
  const value = c.req.header(USER_HEADER)?.trim();
  if (value === undefined || value === '') return undefined;
  if (value.length > 200)
    throw new AppError('validation_failed', 'X-Testbridge-User is too long', {
      invalidFields: [{ field: 'header.x-testbridge-user', message: 'at most 200 characters' }],
    });
  return value;
}

/** The grant a flow is for: the caller's user, or the shared grant (admins only). */
function subjectOf(c: Context<Env>): string {
  const user = userOf(c);
  if (user) return user;
  if (c.get('caller').role !== 'admin')
    throw new AppError(
      'forbidden',
      'Only admins authorize the shared grant; name the user with X-Testbridge-User',
    );
  return '';
}

/** The `X-Testbridge-User` header, declared on every route that reads it. */
const UserHeader = z.object({
  'x-testbridge-user': z.string().max(200).optional().openapi({
    description:
      'The test-tool user the call is for: their own grant (start, complete, revoke, jira-myself); absent = the shared grant (admins)',
    example: 'jane.doe',
  }),
});

const JiraMyself = z
  .object({
    displayName: z.string(),
    accountId: z.string().optional(),
    grant: z.enum(['shared', 'user']),
  })
  .loose();

/** `/api/v1/connections`: OAuth connections, their consent flows, configuration and grants. */
export function oauthRoutes(deps: Deps, authenticate: AuthenticateKey) {
  const router = createRouter();
  const admin = requireRole(authenticate, 'admin');
  const tool = requireRole(authenticate, 'tool');

  router.openapi(
    createRoute({
      method: 'post',
      path: '/oauth',
      operationId: 'createOAuthConnection',
      tags,
      security,
      middleware: [admin] as const,
      summary:
        'Create a Cloud 3LO, Data Center OAuth 2.0 or OAuth 1.0a connection (pending consent)',
      request: { body: jsonBody(CreateOAuthConnectionRequest) },
      responses: {
        201: jsonContent(OAuthConnectionCreated, 'Created; authorize it next'),
        409: problemResponse('The name is taken'),
        502: problemResponse('Jira did not answer serverInfo'),
        ...problemResponses,
      },
    }),
    async (c) =>
      c.json(await createOAuthConnection(deps, c.req.valid('json'), c.get('caller')), 201),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/authorizations',
      operationId: 'startAuthorization',
      tags,
      security,
      middleware: [tool] as const,
      summary: 'Start a consent flow (shared grant: admin; a user grant: X-Testbridge-User)',
      request: {
        params: ConnectionIdParam,
        query: z.object({
          callback: z.enum(['redirect', 'oob']).default('redirect'),
          /** `automatic`: also ask Jira Cloud for manage:jira-webhook (automatic webhook mode). */
          webhooks: z.enum(['automatic', 'none']).default('none'),
        }),
        headers: UserHeader,
      },
      responses: {
        201: jsonContent(AuthorizationFlow, 'Open `authorizationUrl` in the browser'),
        404: problemResponse('No such OAuth connection'),
        ...problemResponses,
      },
    }),
    async (c) => {
      const { flow, browserBinding } = await startAuthorization(
        deps,
        c.req.valid('param').id,
        c.get('caller'),
        subjectOf(c),
        { callback: c.req.valid('query').callback, webhooks: c.req.valid('query').webhooks },
      );
      // A browser (the admin UI) that later lands on the callback with this cookie completes
      // the flow there, without the paste; API clients simply ignore it.
      const callback = new URL(redirectUriOf(deps));
      setCookie(c, `${BROWSER_COOKIE_PREFIX}${flow.flowId}`, browserBinding, {
        path: callback.pathname,
        httpOnly: true,
        secure: callback.protocol === 'https:',
        sameSite: 'Lax',
        maxAge: STATE_TTL_MS / 1000,
      });
      c.header('cache-control', 'no-store');
      return c.json(flow, 201);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/authorization-links',
      operationId: 'createAuthorizationLink',
      tags,
      security,
      middleware: [tool] as const,
      summary: 'A single-use link to Testbridge’s page where the X-Testbridge-User user authorizes',
      description:
        'Hand `url` to the user instead of Jira’s consent URL: Testbridge’s page names the Jira site and the user, and its button starts that user’s consent flow (as this API key, like `startAuthorization`) and continues to Jira. The link works once and expires after 15 minutes; ask for a new one after that.',
      request: {
        params: ConnectionIdParam,
        headers: UserHeader.extend({
          'x-testbridge-user': z.string().min(1).max(200).openapi({
            description: 'The test-tool user who will authorize (required)',
            example: 'jane.doe',
          }),
        }),
      },
      responses: {
        201: jsonContent(AuthorizationLink, 'The link for the user to open'),
        404: problemResponse('No such OAuth connection'),
        ...problemResponses,
      },
    }),
    async (c) => {
      const user = userOf(c);
      if (!user)
        throw new AppError('validation_failed', 'Name the user with X-Testbridge-User', {
          invalidFields: [{ field: 'header.x-testbridge-user', message: 'required' }],
        });
      const link = await createAuthorizationLink(
        deps,
        c.req.valid('param').id,
        c.get('caller'),
        user,
      );
      c.header('cache-control', 'no-store');
      return c.json(link, 201);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/authorizations/{flowId}',
      operationId: 'getAuthorizationFlow',
      tags,
      security,
      middleware: [tool] as const,
      summary: 'Where a consent flow stands (consent received, site choice, completed, failed)',
      request: { params: FlowParams },
      responses: {
        200: jsonContent(AuthorizationFlow, 'The flow'),
        404: problemResponse('No such flow'),
        ...problemResponses,
      },
    }),
    async (c) => {
      const { id, flowId } = c.req.valid('param');
      return c.json(await getAuthorizationFlow(deps, id, flowId), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/authorizations/{flowId}/complete',
      operationId: 'completeAuthorization',
      tags,
      security,
      middleware: [tool] as const,
      summary: 'Complete a flow with the verification code (or the OAuth 1.0a oob verifier)',
      description:
        'When the consent does not cover the connection’s site and no `cloudId` is given, the answer is 202 with the flow in `site_choice_required` and its `sites`: complete again with the code and `cloudId` (the connection then moves to that site, recorded as `site_changed`).',
      request: {
        params: FlowParams,
        headers: UserHeader,
        body: jsonBody(CompleteAuthorizationRequest),
      },
      responses: {
        200: jsonContent(AuthorizationFlow, 'Completed: the grant is stored'),
        202: jsonContent(
          AuthorizationFlow,
          'Not completed yet: `site_choice_required`, choose one of `sites` with `cloudId`',
        ),
        404: problemResponse('No such flow'),
        ...problemResponses,
      },
    }),
    async (c) => {
      const { id, flowId } = c.req.valid('param');
      const flow = await completeAuthorization(
        deps,
        id,
        flowId,
        c.get('caller'),
        subjectOf(c),
        c.req.valid('json'),
      );
      return flow.status === 'completed' ? c.json(flow, 200) : c.json(flow, 202);
    },
  );

  router.openapi(
    createRoute({
      method: 'patch',
      path: '/{id}/oauth',
      operationId: 'updateOAuthConfig',
      tags,
      security,
      middleware: [admin] as const,
      summary:
        'Change the OAuth configuration; grants are dropped only when a new client id or consumer key makes them invalid',
      request: { params: ConnectionIdParam, body: jsonBody(UpdateOAuthConfigRequest) },
      responses: {
        200: jsonContent(
          OAuthConfigUpdated,
          'Updated; `grants` says whether they were kept or dropped (then authorize again)',
        ),
        404: problemResponse('No such OAuth connection'),
        ...problemResponses,
      },
    }),
    async (c) =>
      c.json(
        await updateOAuthConfig(
          deps,
          c.req.valid('param').id,
          c.req.valid('json'),
          c.get('caller'),
        ),
        200,
      ),
  );

  router.openapi(
    createRoute({
      method: 'delete',
      path: '/{id}/grant',
      operationId: 'revokeGrant',
      tags,
      security,
      middleware: [tool] as const,
      summary: 'Revoke the shared grant (admin) or, with X-Testbridge-User, that user’s grant',
      request: { params: ConnectionIdParam, headers: UserHeader },
      responses: {
        204: { description: 'Revoked' },
        404: problemResponse('No such grant'),
        ...problemResponses,
      },
    }),
    async (c) => {
      await revokeGrant(deps, c.req.valid('param').id, subjectOf(c), c.get('caller'));
      return c.body(null, 204);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/jira-myself',
      operationId: 'getJiraMyself',
      tags,
      security,
      middleware: [tool] as const,
      summary: 'Who Jira says the grant acts as (the X-Testbridge-User grant, else the shared one)',
      request: { params: ConnectionIdParam, headers: UserHeader },
      responses: {
        200: jsonContent(JiraMyself, 'Jira’s myself'),
        404: problemResponse('No such OAuth connection'),
        409: problemResponse('The connection needs re-authorization'),
        ...problemResponses,
      },
    }),
    async (c) =>
      c.json(await getJiraMyselfOnBehalfOf(deps, c.req.valid('param').id, userOf(c)), 200),
  );

  registerUserGrantRoutes(router, deps, admin);
  return router;
}
