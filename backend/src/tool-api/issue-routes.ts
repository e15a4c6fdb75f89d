import { createRoute } from '@hono/zod-openapi';
import {
  AddJiraCommentRequest,
  CreateJiraIssueRequest,
  JiraCommentAdded,
  JiraConnectionParam,
  JiraIssue,
  JiraIssueCreated,
  JiraIssuePage,
  JiraIssueParam,
  JiraIssuesLinked,
  LinkJiraIssuesRequest,
  RemoteLinkSaved,
  SearchJiraIssuesRequest,
  TestbridgeUserHeader,
  UpsertRemoteLinkRequest,
} from '@testbridge/shared/api/tool-api';
import type { MiddlewareHandler } from 'hono';
import type { Env } from '../http/env.ts';
import { createRouter } from '../http/openapi.ts';
import { jsonBody, jsonContent, problemResponses } from '../http/responses.ts';
import { callFor, security, tags } from './call-for.ts';
import type { ToolApiDeps } from './endpoint.ts';
import { jiraProblems } from './problems.ts';
import {
  addJiraComment,
  createJiraIssue,
  getJiraIssue,
  linkJiraIssues,
  searchJiraIssues,
  upsertJiraRemoteLink,
} from './service.ts';

/** Issues: search, read, create (defects), link, remote-link (tests), comment. */
export function jiraIssueRoutes(deps: ToolApiDeps, tool: MiddlewareHandler<Env>) {
  const router = createRouter();

  router.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/jira/issues/search',
      operationId: 'searchJiraIssues',
      tags,
      security,
      middleware: [tool] as const,
      summary: 'Issues matching a JQL query, page by page (pass `nextCursor` back as `cursor`)',
      request: {
        params: JiraConnectionParam,
        headers: TestbridgeUserHeader,
        body: jsonBody(SearchJiraIssuesRequest),
      },
      responses: {
        200: jsonContent(JiraIssuePage, 'One page of issues'),
        ...problemResponses,
        ...jiraProblems,
      },
    }),
    async (c) =>
      c.json(
        await searchJiraIssues(
          deps,
          callFor(c.req.valid('param'), c.req.valid('header')),
          c.req.valid('json'),
        ),
        200,
      ),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/{id}/jira/issues/{issueKey}',
      operationId: 'getJiraIssue',
      tags,
      security,
      middleware: [tool] as const,
      summary: 'One issue, its description as plain text',
      request: { params: JiraIssueParam, headers: TestbridgeUserHeader },
      responses: {
        200: jsonContent(JiraIssue, 'The issue'),
        ...problemResponses,
        ...jiraProblems,
      },
    }),
    async (c) => {
      const param = c.req.valid('param');
      const call = callFor(param, c.req.valid('header'));
      return c.json(await getJiraIssue(deps, call, param.issueKey), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/jira/issues',
      operationId: 'createJiraIssue',
      tags,
      security,
      middleware: [tool] as const,
      summary:
        'Create an issue (a defect) as the user (their grant, else the shared one unless writes require theirs)',
      request: {
        params: JiraConnectionParam,
        headers: TestbridgeUserHeader,
        body: jsonBody(CreateJiraIssueRequest),
      },
      responses: {
        201: jsonContent(JiraIssueCreated, 'Created; `url` opens it in Jira'),
        ...problemResponses,
        ...jiraProblems,
      },
    }),
    async (c) =>
      c.json(
        await createJiraIssue(
          deps,
          callFor(c.req.valid('param'), c.req.valid('header')),
          c.req.valid('json'),
        ),
        201,
      ),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/jira/issue-links',
      operationId: 'createJiraIssueLink',
      tags,
      security,
      middleware: [tool] as const,
      summary: 'Link two issues with an issue link type (Jira keeps one link per type and pair)',
      request: {
        params: JiraConnectionParam,
        headers: TestbridgeUserHeader,
        body: jsonBody(LinkJiraIssuesRequest),
      },
      responses: {
        201: jsonContent(JiraIssuesLinked, 'Linked'),
        ...problemResponses,
        ...jiraProblems,
      },
    }),
    async (c) =>
      c.json(
        await linkJiraIssues(
          deps,
          callFor(c.req.valid('param'), c.req.valid('header')),
          c.req.valid('json'),
        ),
        201,
      ),
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/jira/issues/{issueKey}/remote-links',
      operationId: 'upsertJiraRemoteLink',
      tags,
      security,
      middleware: [tool] as const,
      summary:
        'Link an issue to something outside Jira (a test): 201 when created, 200 when the same globalId updated it',
      request: {
        params: JiraIssueParam,
        headers: TestbridgeUserHeader,
        body: jsonBody(UpsertRemoteLinkRequest),
      },
      responses: {
        200: jsonContent(RemoteLinkSaved, 'Updated: a link with this globalId was already there'),
        201: jsonContent(RemoteLinkSaved, 'Created'),
        ...problemResponses,
        ...jiraProblems,
      },
    }),
    async (c) => {
      const param = c.req.valid('param');
      const call = callFor(param, c.req.valid('header'));
      const saved = await upsertJiraRemoteLink(deps, call, param.issueKey, c.req.valid('json'));
      return saved.created ? c.json(saved.link, 201) : c.json(saved.link, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/{id}/jira/issues/{issueKey}/comments',
      operationId: 'createJiraComment',
      tags,
      security,
      middleware: [tool] as const,
      summary: 'Comment on an issue in plain text',
      request: {
        params: JiraIssueParam,
        headers: TestbridgeUserHeader,
        body: jsonBody(AddJiraCommentRequest),
      },
      responses: {
        201: jsonContent(JiraCommentAdded, 'Added'),
        ...problemResponses,
        ...jiraProblems,
      },
    }),
    async (c) => {
      const param = c.req.valid('param');
      const call = callFor(param, c.req.valid('header'));
      return c.json(await addJiraComment(deps, call, param.issueKey, c.req.valid('json')), 201);
    },
  );

  return router;
}
