/**
 * Issue search. Cloud: `GET/POST /search/jql` (token paging, bounded JQL, fields default `id`),
 * `POST /search/approximate-count`, and the removed `GET/POST /search` answering 410 Gone with
 * Jira's body. Data Center keeps `GET/POST /rest/api/2/search` with `startAt` paging.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/
 * @see https://developer.atlassian.com/changelog/#CHANGE-2046
 */
import { Hono } from 'hono';
import { z } from 'zod';
import { failWith, jiraError } from '../auth/jira-errors.ts';
import type { CloudEnv, DcEnv } from '../auth/principal.ts';
import { requireDcScope, requireOperationScopes } from '../auth/scopes.ts';
import type { SimDeps } from '../deps.ts';
import type { RestCall } from './call.ts';
import { cloudCall, dcCall, invalidPayload } from './call.ts';
import { pageOf, readPaging } from './paging.ts';
import { readCheckedBody } from './request-body.ts';
import { compileForCaller, decodePageToken, encodePageToken, runSearch } from './search-query.ts';
import { issueView, parseFieldSelection } from './views/issue-view.ts';

/** What Jira Cloud answers on the removed search endpoints (recorded by integrators since 2025). */
export const SEARCH_REMOVED = {
  errorMessages: [
    'The requested API has been removed. Please migrate to the /rest/api/3/search/jql API. A full migration guideline is available at https://developer.atlassian.com/changelog/#CHANGE-2046',
  ],
  errors: {},
};

interface JqlSearchInput {
  jql?: string | undefined;
  nextPageToken?: string | undefined;
  maxResults?: number | undefined;
  fields?: string[] | undefined;
  properties?: string[] | undefined;
}

const jqlSearchBody = z.looseObject({
  jql: z.string().optional(),
  nextPageToken: z.string().optional(),
  maxResults: z.number().int().optional(),
  fields: z.array(z.string()).optional(),
  properties: z.array(z.string()).optional(),
});

function splitList(values: string[]): string[] {
  return values
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
}

function searchJql(deps: SimDeps, call: RestCall, input: JqlSearchInput): Response {
  const now = deps.clock.now();
  const jql = input.jql ?? '';
  const compiled = compileForCaller(call, jql, now);
  if (!compiled.bounded)
    failWith(
      jiraError(400, [
        'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.',
      ]),
    );
  // Atlassian: "A list of up to 5 issue properties" (message UNCONFIRMED).
  if ((input.properties ?? []).length > 5)
    failWith(jiraError(400, ['A maximum of 5 issue properties can be requested.']));
  const fields = splitList(input.fields ?? []);
  const selection = parseFieldSelection(fields, 'id');
  // Atlassian: up to 5000 when only ids/keys are requested; with fields Jira returns fewer (100 chosen).
  const idsOnly = fields.every((field) => field === 'id' || field === 'key');
  const cap = idsOnly ? 5000 : 100;
  const maxResults = Math.min(Math.max(1, input.maxResults ?? 50), cap);
  const offset = input.nextPageToken ? decodePageToken(input.nextPageToken, jql, now) : 0;
  const matches = runSearch(call, compiled);
  const page = matches.slice(offset, offset + maxResults);
  const nextOffset = offset + page.length;
  const isLast = nextOffset >= matches.length;
  return Response.json({
    issues: page.map((issue) => issueView(call, issue, selection, now)),
    ...(isLast ? {} : { nextPageToken: encodePageToken(jql, nextOffset, now) }),
    isLast,
  });
}

function intQuery(url: URL, name: string): number | undefined {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value))
    failWith(jiraError(400, [`The value '${raw}' is not a valid number for '${name}'.`]));
  return value;
}

export function createCloudSearchRoutes(deps: SimDeps): Hono<CloudEnv> {
  const router = new Hono<CloudEnv>();
  const path = '/rest/api/:version{[23]}/search/jql';
  router.get(path, requireOperationScopes('GET', '/rest/api/3/search/jql'), (c) => {
    const url = new URL(c.req.url);
    return searchJql(deps, cloudCall(c), {
      jql: url.searchParams.get('jql') ?? undefined,
      nextPageToken: url.searchParams.get('nextPageToken') ?? undefined,
      maxResults: intQuery(url, 'maxResults'),
      fields: url.searchParams.getAll('fields'),
      properties: splitList(url.searchParams.getAll('properties')),
    });
  });
  router.post(path, requireOperationScopes('POST', '/rest/api/3/search/jql'), async (c) =>
    searchJql(
      deps,
      cloudCall(c),
      await readCheckedBody(c.req.raw, 'POST /rest/api/3/search/jql', jqlSearchBody),
    ),
  );
  router.post(
    '/rest/api/:version{[23]}/search/approximate-count',
    requireOperationScopes('POST', '/rest/api/3/search/approximate-count'),
    async (c) => {
      const call = cloudCall(c);
      const body = await readCheckedBody(
        c.req.raw,
        'POST /rest/api/3/search/approximate-count',
        z.object({ jql: z.string().optional() }),
      );
      const compiled = compileForCaller(call, body.jql ?? '', deps.clock.now());
      if (!compiled.bounded)
        failWith(
          jiraError(400, [
            'Unbounded JQL queries are not allowed here. Please add a search restriction to your query.',
          ]),
        );
      return c.json({ count: runSearch(call, compiled).length });
    },
  );
  const removed = '/rest/api/:version{[23]}/search';
  router.get(removed, requireOperationScopes('GET', '/rest/api/3/search'), (c) =>
    c.json(SEARCH_REMOVED, 410),
  );
  router.post(removed, requireOperationScopes('POST', '/rest/api/3/search'), (c) =>
    c.json(SEARCH_REMOVED, 410),
  );
  return router;
}

const dcSearchBody = z.looseObject({
  jql: z.string().optional(),
  startAt: z.number().int().optional(),
  maxResults: z.number().int().optional(),
  fields: z.array(z.string()).optional(),
});

/** DC: offset paging with `total`; `maxResults` capped at 1000 (`jira.search.views.default.max`). */
function searchDc(deps: SimDeps, call: RestCall, body: z.infer<typeof dcSearchBody>) {
  const now = deps.clock.now();
  const compiled = compileForCaller(call, body.jql ?? '', now);
  const selection = parseFieldSelection(body.fields ?? [], '*navigable');
  const startAt = Math.max(0, body.startAt ?? 0);
  const maxResults = Math.min(Math.max(0, body.maxResults ?? 50), 1000);
  const page = pageOf(runSearch(call, compiled), { startAt, maxResults });
  return Response.json({
    expand: 'schema,names',
    startAt,
    maxResults,
    total: page.total,
    issues: page.values.map((issue) => issueView(call, issue, selection, now)),
  });
}

export function createDcSearchRoutes(deps: SimDeps): Hono<DcEnv> {
  const router = new Hono<DcEnv>();
  router.get('/rest/api/2/search', requireDcScope('READ'), (c) => {
    const url = new URL(c.req.url);
    const paging = readPaging(c, 50, 1000);
    return searchDc(deps, dcCall(c), {
      jql: url.searchParams.get('jql') ?? undefined,
      ...paging,
      fields: splitList(url.searchParams.getAll('fields')),
    });
  });
  router.post('/rest/api/2/search', requireDcScope('READ'), async (c) => {
    let raw: unknown;
    try {
      raw = await c.req.json();
    } catch {
      return invalidPayload();
    }
    const body = dcSearchBody.safeParse(raw);
    if (!body.success) return invalidPayload();
    return searchDc(deps, dcCall(c), body.data);
  });
  return router;
}
