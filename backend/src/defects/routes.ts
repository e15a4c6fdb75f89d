import { createRoute } from '@hono/zod-openapi';
import {
  CreateDefectRequest,
  Defect,
  DefectCreateUrl,
  DefectCreateUrlQuery,
  DefectFiled,
  DefectIdParam,
  DefectList,
  DefectListQuery,
} from '@testbridge/shared/api/defects';
import { TestbridgeUserHeader } from '@testbridge/shared/api/tool-api';
import { type AuthenticateKey, requireRole } from '../http/auth.ts';
import { createRouter } from '../http/openapi.ts';
import { jsonBody, jsonContent, problemResponse, problemResponses } from '../http/responses.ts';
import {
  type DefectDeps,
  defectCreateUrl,
  fileDefect,
  getDefect,
  listDefectsOfTest,
} from './service.ts';

const tags = ['Defects'];
const security = [{ apiKey: [] }];

/** `/api/v1/defects`: file a failed execution as a Jira defect, and follow it. */
export function defectRoutes(deps: DefectDeps, authenticate: AuthenticateKey) {
  const router = createRouter();
  router.use('*', requireRole(authenticate, 'tool'));

  router.openapi(
    createRoute({
      method: 'post',
      path: '/',
      operationId: 'fileDefect',
      tags,
      security,
      summary: 'File a failed execution as a Jira defect (one open defect per failure signature)',
      request: { headers: TestbridgeUserHeader, body: jsonBody(CreateDefectRequest) },
      responses: {
        200: jsonContent(DefectFiled, 'The failure already has an open defect: linked to it'),
        202: jsonContent(DefectFiled, 'Accepted: committed, and sent to Jira through the outbox'),
        ...problemResponses,
        403: problemResponse(
          'The key’s role may not do this; or `user_authorization_required`: the named user must authorize Testbridge first',
        ),
        404: problemResponse('The test has no execution in that run'),
        409: problemResponse(
          '`conflict`: the execution did not fail, its project is not mapped, the mapping has defects off or no defect issue type; or `needs_reauthorization`',
        ),
      },
    }),
    async (c) => {
      const user = c.req.valid('header')['x-testbridge-user'] || undefined;
      const filed = await fileDefect(deps, c.req.valid('json'), user);
      return c.json(filed, filed.existing ? 200 : 202);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/create-url',
      operationId: 'getDefectCreateUrl',
      tags,
      security,
      summary: "Jira's own create-issue screen prefilled with the defect, for Jira's dialog",
      request: { query: DefectCreateUrlQuery },
      responses: {
        200: jsonContent(DefectCreateUrl, 'The prefilled URL'),
        ...problemResponses,
        404: problemResponse('The test has no execution in that run'),
        409: problemResponse('The execution did not fail, or defects are off for its project'),
      },
    }),
    async (c) => c.json({ url: await defectCreateUrl(deps, c.req.valid('query')) }, 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/',
      operationId: 'listDefects',
      tags,
      security,
      summary: 'The defects filed for a test, open or not',
      request: { query: DefectListQuery },
      responses: { 200: jsonContent(DefectList, 'The defects, oldest first'), ...problemResponses },
    }),
    async (c) => c.json({ items: await listDefectsOfTest(deps, c.req.valid('query').testId) }, 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/{id}',
      operationId: 'getDefect',
      tags,
      security,
      summary: "A defect: pending, created (with Jira's key) or failed (with the reason)",
      request: { params: DefectIdParam },
      responses: {
        200: jsonContent(Defect, 'The defect'),
        ...problemResponses,
        404: problemResponse('No such defect'),
      },
    }),
    async (c) => c.json(await getDefect(deps, c.req.valid('param').id), 200),
  );
  return router;
}
