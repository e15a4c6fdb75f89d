import { createRoute } from '@hono/zod-openapi';
import {
  CreateTestRunRequest,
  ResultsImported,
  ResultsUploadQuery,
  TestRun,
  TestRunIdParam,
  TestRunList,
  TestRunListQuery,
} from '@testbridge/shared/api/results';
import { TestReport } from '@testbridge/shared/api/test-report';
import type { Deps } from '../deps.ts';
import type { AuthenticateKey } from '../http/auth.ts';
import { AppError } from '../http/errors.ts';
import { createRouter } from '../http/openapi.ts';
import { validationError } from '../http/problem.ts';
import { jsonBody, jsonContent, problemResponse } from '../http/responses.ts';
import { requireRunCaller, runCallerOf } from './caller.ts';
import { importReportFile } from './import.ts';
import { openReport } from './report-source.ts';
import { createTestRun, getTestRun, listTestRuns } from './runs.ts';

const security: Record<string, string[]>[] = [{ apiKey: [] }, { ciToken: [] }, { ciClient: [] }];
const tags = ['Test results'];
const callerProblems = {
  400: problemResponse('The request is not valid; `invalidFields` names each bad field'),
  401: problemResponse('No API key or CI credentials, or unknown/revoked ones'),
  403: problemResponse("The API key's role may not do this"),
};
const runNotFound = problemResponse('No such run, or a run these CI credentials did not create');

/** The path of a results upload, which takes bodies up to RESULTS_UPLOAD_LIMIT_BYTES. */
export const RESULTS_UPLOAD_PATH = /^\/api\/v1\/test-runs\/[^/]+\/results\/?$/;

/** `/api/v1/test-runs`: tool API keys and CI credentials open runs and add report files. */
export function testRunRoutes(deps: Deps, authenticate: AuthenticateKey) {
  const router = createRouter();
  router.use('*', requireRunCaller(deps, authenticate));

  router.openapi(
    createRoute({
      method: 'post',
      path: '/',
      operationId: 'createTestRun',
      tags,
      security,
      summary: 'Open a test run of a mapped tool project',
      request: { body: jsonBody(CreateTestRunRequest) },
      responses: { 201: jsonContent(TestRun, 'The run, without results yet'), ...callerProblems },
    }),
    async (c) => c.json(await createTestRun(deps, runCallerOf(c), c.req.valid('json')), 201),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/',
      operationId: 'listTestRuns',
      tags,
      security,
      summary: "A tool project's runs, newest first (CI credentials: the runs they created)",
      request: { query: TestRunListQuery },
      responses: { 200: jsonContent(TestRunList, 'One page of runs'), ...callerProblems },
    }),
    async (c) => c.json(await listTestRuns(deps, runCallerOf(c), c.req.valid('query')), 200),
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/{id}',
      operationId: 'getTestRun',
      tags,
      security,
      summary: 'A run and its summary (counts, flaky, files, unknown issue keys)',
      request: { params: TestRunIdParam },
      responses: {
        200: jsonContent(TestRun, 'The run'),
        404: runNotFound,
        ...callerProblems,
      },
    }),
    async (c) => c.json(await getTestRun(deps, runCallerOf(c), c.req.valid('param').id), 200),
  );

  // Documented here, handled below without a body validator: the body streams into the reader.
  router.openAPIRegistry.registerPath({
    method: 'post',
    path: '/{id}/results',
    operationId: 'addTestResults',
    tags,
    security,
    summary: 'Add one report file to a run (the body is the file; gzip allowed)',
    description:
      'The body is one report: `application/json` (the `testbridge/v1` format). ' +
      '`Content-Encoding: gzip` is accepted. Files of one run merge into one execution per ' +
      'test (last attempt wins; failed then passed is flaky). Nothing is stored from a file ' +
      'that is refused. At most RESULTS_UPLOAD_LIMIT_BYTES, sent and decompressed.',
    request: {
      params: TestRunIdParam,
      query: ResultsUploadQuery,
      body: {
        required: true,
        content: { 'application/json': { schema: TestReport } },
      },
    },
    responses: {
      200: jsonContent(ResultsImported, 'What the file added, and the run now'),
      ...callerProblems,
      404: runNotFound,
      409: problemResponse('The tool project is no longer mapped'),
      413: problemResponse('The file is over RESULTS_UPLOAD_LIMIT_BYTES'),
      415: problemResponse('Not a supported report type or encoding'),
      502: problemResponse('Jira could not resolve the requirement keys; nothing was stored'),
    },
  });
  router.post('/:id/results', async (c) => {
    const params = TestRunIdParam.safeParse({ id: c.req.param('id') });
    if (!params.success) throw validationError('param', params.error);
    const query = ResultsUploadQuery.safeParse(c.req.query());
    if (!query.success) throw validationError('query', query.error);
    const body = c.req.raw.body;
    if (!body) {
      throw new AppError('validation_failed', 'Send the report file as the body', {
        invalidFields: [{ field: 'body', message: 'required' }],
      });
    }
    const cases = openReport(
      body as unknown as AsyncIterable<Uint8Array>,
      {
        contentType: c.req.header('content-type'),
        contentEncoding: c.req.header('content-encoding'),
        fileName: query.data.fileName,
      },
      deps.config.results.uploadLimitBytes,
    );
    const imported = await importReportFile(deps, runCallerOf(c), params.data.id, {
      cases,
      fileName: query.data.fileName,
    });
    return c.json(imported, 200);
  });

  return router;
}
