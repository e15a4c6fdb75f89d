import { createRoute, z } from '@hono/zod-openapi';
import { type CoverageScope, IssueTests, IssueTestsQuery } from '@testbridge/shared/api/coverage';
import type { Deps } from '../deps.ts';
import { type AuthenticateKey, requireRole } from '../http/auth.ts';
import { AppError } from '../http/errors.ts';
import { createRouter } from '../http/openapi.ts';
import { jsonContent, problemResponse, problemResponses } from '../http/responses.ts';
import { getIssueTests } from './coverage.ts';

const IssueParam = z.object({
  issueIdOrKey: z
    .string()
    .regex(
      /^(\d{1,18}|[A-Za-z][A-Za-z0-9_]{0,254}-[1-9]\d{0,17})$/,
      'an issue id or key such as TB-12',
    ),
});

function scopeOf(query: IssueTestsQuery): CoverageScope {
  if (query.environment !== undefined && query.fixVersion !== undefined) {
    throw new AppError('validation_failed', 'Give environment or fixVersion, not both', {
      invalidFields: [{ field: 'query.fixVersion', message: 'not together with environment' }],
    });
  }
  if (query.environment !== undefined)
    return { kind: 'environment', environment: query.environment };
  if (query.fixVersion !== undefined) return { kind: 'fixVersion', fixVersion: query.fixVersion };
  return { kind: 'latest' };
}

/** `/api/v1/issues/{issueIdOrKey}/tests`: the Tests panel's data, for tool keys. */
export function issueTestsRoutes(deps: Deps, authenticate: AuthenticateKey) {
  const router = createRouter();
  router.use('*', requireRole(authenticate, 'tool'));
  router.openapi(
    createRoute({
      method: 'get',
      path: '/{issueIdOrKey}/tests',
      operationId: 'getIssueTests',
      tags: ['Test results'],
      security: [{ apiKey: [] }],
      summary: "The tests covering an issue, their latest results and the issue's coverage",
      request: { params: IssueParam, query: IssueTestsQuery },
      responses: {
        200: jsonContent(IssueTests, 'Coverage in the scope (latest, environment or fixVersion)'),
        ...problemResponses,
        404: problemResponse('No such connection; or `jira_not_found`: Jira has no such issue'),
        502: problemResponse('Jira could not be reached to resolve an unseen key'),
      },
    }),
    async (c) => {
      const query = c.req.valid('query');
      return c.json(
        await getIssueTests(deps, {
          connectionId: query.connectionId,
          issueIdOrKey: c.req.valid('param').issueIdOrKey,
          scope: scopeOf(query),
          history: query.history,
        }),
        200,
      );
    },
  );
  return router;
}
