import { z } from 'zod';
import { callJira, type JiraDeps, type JiraEndpoint, type JiraRequest } from './http.ts';

const OffsetPage = <T extends z.ZodType>(item: T) =>
  z
    .object({
      startAt: z.number().optional(),
      maxResults: z.number().optional(),
      total: z.number().optional(),
      isLast: z.boolean().optional(),
      values: z.array(item),
    })
    .loose();

/**
 * Every item of an offset-paged Jira resource (`startAt`/`maxResults` → `values`, `isLast`).
 * Trusts the page Jira returns, not the size asked for: Jira caps `maxResults` per operation.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/intro/#pagination
 */
export async function* paginateOffset<T>(
  deps: JiraDeps,
  endpoint: JiraEndpoint,
  request: JiraRequest,
  item: z.ZodType<T>,
  pageSize = 100,
): AsyncGenerator<T> {
  let startAt = 0;
  for (;;) {
    const page = await callJira(
      deps,
      endpoint,
      { ...request, query: { ...request.query, startAt, maxResults: pageSize } },
      OffsetPage(item),
    );
    for (const value of page.values) yield value;
    startAt += page.values.length;
    const done =
      page.isLast ?? (page.total !== undefined ? startAt >= page.total : page.values.length === 0);
    if (done || page.values.length === 0) return;
  }
}

/**
 * Every item of a token-paged Jira resource (`nextPageToken`, e.g. `POST /rest/api/3/search/jql`):
 * `pick` takes the items out of each page.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search/#api-rest-api-3-search-jql-post
 */
export async function* paginateToken<P extends { nextPageToken?: string | null | undefined }, T>(
  deps: JiraDeps,
  endpoint: JiraEndpoint,
  request: JiraRequest & { body: Record<string, unknown> },
  page: z.ZodType<P>,
  pick: (page: P) => T[],
): AsyncGenerator<T> {
  let nextPageToken: string | undefined;
  for (;;) {
    const body = nextPageToken ? { ...request.body, nextPageToken } : request.body;
    const result = await callJira(deps, endpoint, { ...request, body, idempotent: true }, page);
    for (const value of pick(result)) yield value;
    if (!result.nextPageToken) return;
    nextPageToken = result.nextPageToken;
  }
}
