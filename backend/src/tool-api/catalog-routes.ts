import { createRoute } from '@hono/zod-openapi';
import {
  JiraConnectionParam,
  JiraFilteredPageQuery,
  JiraIssueLinkTypeList,
  JiraIssueTypeList,
  JiraPageQuery,
  JiraProjectPage,
  JiraProjectParam,
  JiraUserPage,
  JiraUserQuery,
  JiraVersionPage,
  TestbridgeUserHeader,
} from '@testbridge/shared/api/tool-api';
import type { MiddlewareHandler } from 'hono';
import type { Env } from '../http/env.ts';
import { createRouter } from '../http/openapi.ts';
import { jsonContent, problemResponses } from '../http/responses.ts';
import { callFor, security, tags } from './call-for.ts';
import type { ToolApiDeps } from './endpoint.ts';
import { jiraProblems } from './problems.ts';
import {
  listAssignableJiraUsers,
  listJiraIssueLinkTypes,
  listJiraIssueTypes,
  listJiraProjects,
  listJiraUsers,
  listJiraVersions,
} from './service.ts';

/** Reads of Jira's catalog: projects, issue types, versions, users, link types. */
export function jiraCatalogRoutes(deps: ToolApiDeps, tool: MiddlewareHandler<Env>) {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/jira/projects',
      operationId: 'listJiraProjects',
      tags,
      security,
      middleware: [tool] as const,
      summary: 'Jira projects the grant can browse, by key; `query` filters on key and name',
      request: {
        params: JiraConnectionParam,
        query: JiraFilteredPageQuery,
        headers: TestbridgeUserHeader,
      },
      responses: {
        200: jsonContent(JiraProjectPage, 'One page of projects'),
        ...problemResponses,
        ...jiraProblems,
      },
    }),
    async (c) =>
      c.json(
        await listJiraProjects(
          deps,
          callFor(c.req.valid('param'), c.req.valid('header')),
          c.req.valid('query'),
        ),
        200,
      ),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/jira/projects/{projectKey}/issue-types',
      operationId: 'listJiraIssueTypes',
      tags,
      security,
      middleware: [tool] as const,
      summary: 'The issue types of one project (to create a defect with)',
      request: { params: JiraProjectParam, headers: TestbridgeUserHeader },
      responses: {
        200: jsonContent(JiraIssueTypeList, 'Every issue type of the project'),
        ...problemResponses,
        ...jiraProblems,
      },
    }),
    async (c) => {
      const param = c.req.valid('param');
      const call = callFor(param, c.req.valid('header'));
      return c.json(await listJiraIssueTypes(deps, call, param.projectKey), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/jira/projects/{projectKey}/versions',
      operationId: 'listJiraVersions',
      tags,
      security,
      middleware: [tool] as const,
      summary: 'The versions of one project, in Jira’s order',
      request: { params: JiraProjectParam, query: JiraPageQuery, headers: TestbridgeUserHeader },
      responses: {
        200: jsonContent(JiraVersionPage, 'One page of versions'),
        ...problemResponses,
        ...jiraProblems,
      },
    }),
    async (c) => {
      const param = c.req.valid('param');
      const call = callFor(param, c.req.valid('header'));
      return c.json(
        await listJiraVersions(deps, call, param.projectKey, c.req.valid('query')),
        200,
      );
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/jira/projects/{projectKey}/assignable-users',
      operationId: 'listAssignableJiraUsers',
      tags,
      security,
      middleware: [tool] as const,
      summary:
        'Users who may be assigned issues in the project; `query` filters by name or e-mail, `accountType` and `active` by kind of account',
      request: {
        params: JiraProjectParam,
        query: JiraUserQuery,
        headers: TestbridgeUserHeader,
      },
      responses: {
        200: jsonContent(JiraUserPage, 'One page of users'),
        ...problemResponses,
        ...jiraProblems,
      },
    }),
    async (c) => {
      const param = c.req.valid('param');
      const call = callFor(param, c.req.valid('header'));
      return c.json(
        await listAssignableJiraUsers(deps, call, param.projectKey, c.req.valid('query')),
        200,
      );
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/jira/users',
      operationId: 'listJiraUsers',
      tags,
      security,
      middleware: [tool] as const,
      summary:
        'Jira users page by page (Cloud OAuth needs read:jira-user); `query` matches a name or e-mail prefix; `accountType=atlassian&active=true` leaves out apps, customers and deactivated accounts (Data Center users are all `atlassian`; Cloud’s `query` search sees active users only)',
      request: {
        params: JiraConnectionParam,
        query: JiraUserQuery,
        headers: TestbridgeUserHeader,
      },
      responses: {
        200: jsonContent(JiraUserPage, 'One page of users'),
        ...problemResponses,
        ...jiraProblems,
      },
    }),
    async (c) =>
      c.json(
        await listJiraUsers(
          deps,
          callFor(c.req.valid('param'), c.req.valid('header')),
          c.req.valid('query'),
        ),
        200,
      ),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/jira/issue-link-types',
      operationId: 'listJiraIssueLinkTypes',
      tags,
      security,
      middleware: [tool] as const,
      summary: 'The issue link types (Relates, Blocks, …) to link issues with',
      request: { params: JiraConnectionParam, headers: TestbridgeUserHeader },
      responses: {
        200: jsonContent(JiraIssueLinkTypeList, 'Every link type'),
        ...problemResponses,
        ...jiraProblems,
      },
    }),
    async (c) =>
      c.json(
        await listJiraIssueLinkTypes(deps, callFor(c.req.valid('param'), c.req.valid('header'))),
        200,
      ),
  );

  return router;
}
