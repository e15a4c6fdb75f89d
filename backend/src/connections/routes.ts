import { createRoute } from '@hono/zod-openapi';
import {
  Connection,
  ConnectionDiagnostics,
  ConnectionEventPage,
  ConnectionIdParam,
  ConnectionList,
  PageQuery,
  RunDiagnosticsRequest,
  UpdateConnectionRequest,
} from '@testbridge/shared/api/connections';
import { ConnectionCreated, CreateAnyConnectionRequest } from '@testbridge/shared/api/oauth';
import type { Deps } from '../deps.ts';
import { type AuthenticateKey, requireRole } from '../http/auth.ts';
import { createRouter } from '../http/openapi.ts';
import { jsonBody, jsonContent, problemResponse, problemResponses } from '../http/responses.ts';
import { createOAuthConnection } from '../oauth/create.ts';
import { createConnection } from './create.ts';
import { runDiagnostics } from './run-diagnostics.ts';
import {
  deleteConnection,
  getConnection,
  listConnectionEvents,
  listConnections,
  updateConnectionSettings,
} from './service.ts';

const security = [{ apiKey: [] }];
const tags = ['Connections'];

/** `/api/v1/connections`: Jira sites as the test tool sees them. Managing them is for admins. */
export function connectionRoutes(deps: Deps, authenticate: AuthenticateKey) {
  const router = createRouter();
  const admin = requireRole(authenticate, 'admin');
  const tool = requireRole(authenticate, 'tool');

  router.openapi(
    createRoute({
      method: 'post',
      path: '/',
      operationId: 'createConnection',
      tags,
      security,
      middleware: [admin] as const,
      summary:
        'Connect a Jira site: an API token, a PAT or a password (checked against Jira), or an OAuth type (authorize it next)',
      request: { body: jsonBody(CreateAnyConnectionRequest) },
      responses: {
        201: jsonContent(
          ConnectionCreated,
          'Connected (token credentials), or created pending authorization (OAuth)',
        ),
        409: problemResponse('The name is taken'),
        422: problemResponse(
          '`jira_rejected_request`: Jira refused the URL or the credentials (its 401/403 to `myself`); `invalidFields` names `body.jiraUrl` or `body.auth`, `jira` carries its answer; nothing was stored',
        ),
        502: problemResponse('`jira_unreachable`: Jira could not be reached; nothing was stored'),
        504: problemResponse('`jira_timed_out`: Jira did not answer in time; nothing was stored'),
        ...problemResponses,
      },
    }),
    async (c) => {
      const { auth, ...input } = c.req.valid('json');
      const caller = c.get('caller');
      if (auth.type === 'cloud_oauth2' || auth.type === 'dc_oauth2' || auth.type === 'oauth1') {
        const created = await createOAuthConnection(deps, { ...input, auth }, caller);
        return c.json({ ...created.connection, applicationLink: created.applicationLink }, 201);
      }
      return c.json(await createConnection(deps, { ...input, auth }, caller), 201);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/',
      operationId: 'listConnections',
      tags,
      security,
      middleware: [tool] as const,
      summary: 'List connections',
      responses: {
        200: jsonContent(ConnectionList, 'Every connection, by name'),
        ...problemResponses,
      },
    }),
    async (c) => c.json({ items: await listConnections(deps) }, 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/{id}',
      operationId: 'getConnection',
      tags,
      security,
      middleware: [tool] as const,
      summary: 'One connection, with its status and last diagnostics',
      request: { params: ConnectionIdParam },
      responses: {
        200: jsonContent(Connection, 'The connection'),
        404: problemResponse('No such connection'),
        ...problemResponses,
      },
    }),
    async (c) => c.json(await getConnection(deps, c.req.valid('param').id), 200),
  );

  router.openapi(
    createRoute({
      method: 'patch',
      path: '/{id}',
      operationId: 'updateConnection',
      tags,
      security,
      middleware: [admin] as const,
      summary: 'Change a connection’s settings (requireUserGrantForWrites)',
      request: { params: ConnectionIdParam, body: jsonBody(UpdateConnectionRequest) },
      responses: {
        200: jsonContent(Connection, 'The connection as it is now (the change is in the history)'),
        404: problemResponse('No such connection'),
        ...problemResponses,
      },
    }),
    async (c) =>
      c.json(
        await updateConnectionSettings(
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
      path: '/{id}',
      operationId: 'deleteConnection',
      tags,
      security,
      middleware: [admin] as const,
      summary: 'Delete a connection and its credentials',
      request: { params: ConnectionIdParam },
      responses: {
        204: { description: 'Deleted' },
        404: problemResponse('No such connection'),
        ...problemResponses,
      },
    }),
    async (c) => {
      await deleteConnection(deps, c.req.valid('param').id, c.get('caller'));
      return c.body(null, 204);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/diagnostics',
      operationId: 'runConnectionDiagnostics',
      tags,
      security,
      middleware: [admin] as const,
      summary:
        'Run the diagnostics now (reachability, version, myself, scopes, permissions; per project for `projectKeys`, else for the mapped projects)',
      request: {
        params: ConnectionIdParam,
        body: { ...jsonBody(RunDiagnosticsRequest), required: false },
      },
      responses: {
        200: jsonContent(ConnectionDiagnostics, 'Every check, pass/warn/fail with a hint'),
        404: problemResponse('No such connection'),
        ...problemResponses,
      },
    }),
    async (c) => {
      const { projectKeys } = c.req.valid('json');
      const id = c.req.valid('param').id;
      return c.json(await runDiagnostics(deps, id, c.get('caller'), projectKeys), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/history',
      operationId: 'listConnectionHistory',
      tags,
      security,
      middleware: [admin] as const,
      summary: 'The OAuth history of a connection, newest first',
      request: { params: ConnectionIdParam, query: PageQuery },
      responses: {
        200: jsonContent(ConnectionEventPage, 'One page of history'),
        404: problemResponse('No such connection'),
        ...problemResponses,
      },
    }),
    async (c) =>
      c.json(await listConnectionEvents(deps, c.req.valid('param').id, c.req.valid('query')), 200),
  );

  return router;
}
