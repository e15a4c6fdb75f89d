import { createRoute } from '@hono/zod-openapi';
import {
  CiCredentialIdParam,
  CiCredentialList,
  CreateCiCredentialRequest,
  CreateDevopsSiteRequest,
  CreatedCiCredential,
  DevopsSite,
  DevopsSiteIdParam,
  DevopsSiteList,
  EnvironmentRules,
  UpdateDevopsSiteRequest,
} from '@testbridge/shared/api/devops';
import type { Deps } from '../deps.ts';
import type { AuthenticateKey } from '../http/auth.ts';
import { requireRole } from '../http/auth.ts';
import { createRouter } from '../http/openapi.ts';
import { jsonBody, jsonContent, problemResponse, problemResponses } from '../http/responses.ts';
import { issueCiCredential, listCiCredentials, revokeCiCredential } from './credential-service.ts';
import {
  createDevopsSite,
  deleteDevopsSite,
  getDevopsSite,
  getEnvironmentRules,
  listDevopsSites,
  replaceEnvironmentRules,
  updateDevopsSite,
  verifyDevopsSite,
} from './site-service.ts';

const security = [{ apiKey: [] }];
const tags = ['DevOps sites'];
const notFound = { 404: problemResponse('No such DevOps site') };
const checked = {
  400: problemResponse('Invalid input, or Atlassian refused the site URL or the credentials'),
  409: problemResponse('That Jira site is already a DevOps site'),
  502: problemResponse('The site or Atlassian could not be reached'),
};

/** `/api/v1/devops/sites`: admins register Jira Cloud OAuth credentials and issue CI credentials. */
export function devopsSiteRoutes(deps: Deps, authenticate: AuthenticateKey) {
  const router = createRouter();
  router.use('*', requireRole(authenticate, 'admin'));
  const site = { params: DevopsSiteIdParam };

  router.openapi(
    createRoute({
      method: 'post',
      path: '/',
      operationId: 'createDevopsSite',
      tags,
      summary: "Add a Jira Cloud site's OAuth credentials (checked with Atlassian first)",
      security,
      request: { body: jsonBody(CreateDevopsSiteRequest) },
      responses: { 201: jsonContent(DevopsSite, 'The site'), ...problemResponses, ...checked },
    }),
    async (c) => c.json(await createDevopsSite(deps, c.req.valid('json')), 201),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/',
      operationId: 'listDevopsSites',
      tags,
      summary: 'List DevOps sites (never their secrets)',
      security,
      responses: { 200: jsonContent(DevopsSiteList, 'Every site'), ...problemResponses },
    }),
    async (c) => c.json({ items: await listDevopsSites(deps) }, 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/{siteId}',
      operationId: 'getDevopsSite',
      tags,
      summary: 'One DevOps site, with whether it needs attention',
      security,
      request: site,
      responses: { 200: jsonContent(DevopsSite, 'The site'), ...notFound, ...problemResponses },
    }),
    async (c) => c.json(await getDevopsSite(deps, c.req.valid('param').siteId), 200),
  );

  router.openapi(
    createRoute({
      method: 'patch',
      path: '/{siteId}',
      operationId: 'updateDevopsSite',
      tags,
      summary: 'Change a site; new URL or credentials are checked, held deliveries resume',
      security,
      request: { ...site, body: jsonBody(UpdateDevopsSiteRequest) },
      responses: {
        200: jsonContent(DevopsSite, 'The site'),
        ...notFound,
        ...problemResponses,
        ...checked,
      },
    }),
    async (c) =>
      c.json(await updateDevopsSite(deps, c.req.valid('param').siteId, c.req.valid('json')), 200),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/{siteId}/verify',
      operationId: 'verifyDevopsSite',
      tags,
      summary: 'Check the stored credentials again; on success held deliveries resume',
      security,
      request: site,
      responses: {
        200: jsonContent(DevopsSite, 'The site'),
        ...notFound,
        ...problemResponses,
        ...checked,
      },
    }),
    async (c) => c.json(await verifyDevopsSite(deps, c.req.valid('param').siteId), 200),
  );

  router.openapi(
    createRoute({
      method: 'delete',
      path: '/{siteId}',
      operationId: 'deleteDevopsSite',
      tags,
      summary: 'Delete a site with its CI credentials (undelivered items become dead letters)',
      security,
      request: site,
      responses: { 204: { description: 'Deleted' }, ...notFound, ...problemResponses },
    }),
    async (c) => {
      await deleteDevopsSite(deps, c.req.valid('param').siteId);
      return c.body(null, 204);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/{siteId}/environment-rules',
      operationId: 'listEnvironmentRules',
      tags,
      summary: 'Rules turning CI environment names into Jira environment types',
      security,
      request: site,
      responses: {
        200: jsonContent(EnvironmentRules, 'First match wins'),
        ...notFound,
        ...problemResponses,
      },
    }),
    async (c) =>
      c.json({ rules: await getEnvironmentRules(deps, c.req.valid('param').siteId) }, 200),
  );

  router.openapi(
    createRoute({
      method: 'put',
      path: '/{siteId}/environment-rules',
      operationId: 'replaceEnvironmentRules',
      tags,
      summary: "Replace a site's environment rules",
      security,
      request: { ...site, body: jsonBody(EnvironmentRules) },
      responses: {
        200: jsonContent(EnvironmentRules, 'The rules'),
        ...notFound,
        ...problemResponses,
      },
    }),
    async (c) => {
      const rules = await replaceEnvironmentRules(
        deps,
        c.req.valid('param').siteId,
        c.req.valid('json').rules,
      );
      return c.json({ rules }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/{siteId}/credentials',
      operationId: 'createCiCredentials',
      tags,
      summary: 'Issue CI credentials for this site (the secret is shown once)',
      security,
      request: { ...site, body: jsonBody(CreateCiCredentialRequest) },
      responses: {
        201: jsonContent(CreatedCiCredential, 'Store the secret now; it is never shown again'),
        ...notFound,
        ...problemResponses,
      },
    }),
    async (c) =>
      c.json(
        await issueCiCredential(deps, c.req.valid('param').siteId, c.req.valid('json').name),
        201,
      ),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/{siteId}/credentials',
      operationId: 'listCiCredentials',
      tags,
      summary: "List a site's CI credentials (never the secrets)",
      security,
      request: site,
      responses: { 200: jsonContent(CiCredentialList, 'Oldest first'), ...problemResponses },
    }),
    async (c) => c.json({ items: await listCiCredentials(deps, c.req.valid('param').siteId) }, 200),
  );

  router.openapi(
    createRoute({
      method: 'delete',
      path: '/{siteId}/credentials/{credentialId}',
      operationId: 'revokeCiCredentials',
      tags,
      summary: 'Revoke CI credentials and every token issued with them',
      security,
      request: { params: CiCredentialIdParam },
      responses: { 204: { description: 'Revoked' }, ...notFound, ...problemResponses },
    }),
    async (c) => {
      const { siteId, credentialId } = c.req.valid('param');
      await revokeCiCredential(deps, siteId, credentialId);
      return c.body(null, 204);
    },
  );

  return router;
}
