/**
 * Jira's offset paging: `startAt`/`maxResults` query parameters, silently capped at each
 * operation's maximum, and the `{startAt, maxResults, total, isLast, values}` page shape.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/intro/#pagination
 */
import type { Context } from 'hono';
import { failWith, jiraError } from '../auth/jira-errors.ts';

export interface Paging {
  startAt: number;
  maxResults: number;
}

function readInteger(c: Context, name: string, fallback: number): number {
  const raw = c.req.query(name);
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  // Jira answers a non-numeric paging parameter with 400 (message UNCONFIRMED).
  if (!Number.isInteger(value))
    failWith(jiraError(400, [`The value '${raw}' is not a valid number for '${name}'.`]));
  return value;
}

/**
 * `startAt` (default 0, negative → 0) and `maxResults` (default `defaultMax`; larger than `cap` →
 * `cap`, as Jira does: "a server may return fewer than maxResults").
 */
export function readPaging(c: Context, defaultMax: number, cap: number): Paging {
  const startAt = Math.max(0, readInteger(c, 'startAt', 0));
  const maxResults = Math.min(Math.max(0, readInteger(c, 'maxResults', defaultMax)), cap);
  return { startAt, maxResults };
}

/** One page of `items` in Jira's PageBean shape (`self`/`nextPage` when `selfUrl` is given). */
export function pageOf<T>(items: T[], paging: Paging, selfUrl?: URL) {
  const values = items.slice(paging.startAt, paging.startAt + paging.maxResults);
  const isLast = paging.startAt + values.length >= items.length;
  const links: { self?: string; nextPage?: string } = {};
  if (selfUrl) {
    links.self = selfUrl.toString();
    if (!isLast) {
      const next = new URL(selfUrl);
      next.searchParams.set('startAt', String(paging.startAt + values.length));
      next.searchParams.set('maxResults', String(paging.maxResults));
      links.nextPage = next.toString();
    }
  }
  return {
    ...links,
    maxResults: paging.maxResults,
    startAt: paging.startAt,
    total: items.length,
    isLast,
    values,
  };
}
