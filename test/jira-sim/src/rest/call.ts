/**
 * What every REST handler needs, independent of Cloud or Data Center: the instance, the acting
 * user, the API version (Cloud v3 takes ADF, v2 and DC take wiki strings), and the Jira errors
 * and permission checks the handlers share.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/intro/#status-codes
 */
import type { Context } from 'hono';
import { failWith, jiraError, jiraNotAuthenticated } from '../auth/jira-errors.ts';
import type { CloudEnv, DcEnv } from '../auth/principal.ts';
import { userOf } from '../auth/principal.ts';
import { hasPermission } from '../world/permissions.ts';
import { findIssue, findProject } from '../world/read.ts';
import type { Issue, JiraInstance, PermissionKey, Project, User } from '../world/types.ts';

export interface RestCall {
  instance: JiraInstance;
  /** Null for anonymous callers. */
  user: User | null;
  /** The `/rest/api/{version}` the call used: Cloud 2 or 3, Data Center 2. */
  version: '2' | '3';
}

/** Jira's 404 for an issue that does not exist or that the caller may not browse. */
export const ISSUE_NOT_FOUND = 'Issue does not exist or you do not have permission to see it.';

export function cloudCall(c: Context<CloudEnv>): RestCall {
  return {
    instance: c.var.instance,
    user: userOf(c.var.principal),
    version: c.req.param('version') === '3' ? '3' : '2',
  };
}

export function dcCall(c: Context<DcEnv>): RestCall {
  return { instance: c.var.instance, user: userOf(c.var.principal), version: '2' };
}

/** A REST request with its call context, independent of the Hono env (Cloud or DC). */
export interface RestRequest {
  call: RestCall;
  request: Request;
  url: URL;
  /** A path parameter ('' when absent). */
  param(name: string): string;
}

function paramsOf(record: Record<string, string | undefined>) {
  return (name: string) => record[name] ?? '';
}

export function cloudRequest(c: Context<CloudEnv>): RestRequest {
  return {
    call: cloudCall(c),
    request: c.req.raw,
    url: new URL(c.req.url),
    param: paramsOf(c.req.param()),
  };
}

export function dcRequest(c: Context<DcEnv>): RestRequest {
  return {
    call: dcCall(c),
    request: c.req.raw,
    url: new URL(c.req.url),
    param: paramsOf(c.req.param()),
  };
}

/** `…/rest/api/{version}` on the instance's own base URL (Jira's `self` links never name the gateway). */
export function restBase(call: RestCall): string {
  return `${call.instance.baseUrl}/rest/api/${call.version}`;
}

/** The request URL re-rooted on the instance's base URL (for a page's `self`/`nextPage`). */
export function selfUrlOf(call: RestCall, requestUrl: string): URL {
  const url = new URL(requestUrl);
  const rest = url.pathname.indexOf('/rest/');
  return new URL(`${call.instance.baseUrl}${url.pathname.slice(Math.max(0, rest))}${url.search}`);
}

/** Cloud v3 bodies carry Atlassian Document Format; v2 and Data Center carry wiki-markup strings. */
export function usesAdf(call: RestCall): boolean {
  return call.instance.kind === 'cloud' && call.version === '3';
}

export function can(call: RestCall, key: PermissionKey, projectId?: string): boolean {
  return call.user !== null && hasPermission(call.instance, call.user.id, key, projectId);
}

/** The acting user, or Jira's 401 for anonymous callers of an operation that needs one. */
export function requireUser(call: RestCall): User {
  if (!call.user) failWith(jiraNotAuthenticated());
  return call.user;
}

/** An issue the caller may browse, else Jira's 404 (which does not reveal which it was). */
export function requireVisibleIssue(call: RestCall, idOrKey: string): Issue {
  const issue = findIssue(call.instance, idOrKey);
  if (!issue || !can(call, 'BROWSE_PROJECTS', issue.projectId))
    failWith(jiraError(404, [ISSUE_NOT_FOUND]));
  return issue;
}

/** A project the caller may browse, else Jira's 404 `No project could be found with key '…'.` */
export function requireVisibleProject(call: RestCall, idOrKey: string): Project {
  const project = findProject(call.instance, idOrKey);
  if (!project || !canSeeProject(call, project.id))
    failWith(jiraError(404, [`No project could be found with key '${idOrKey}'.`]));
  return project;
}

/** Browse projects, Administer projects or Administer Jira (project search's rule). */
export function canSeeProject(call: RestCall, projectId: string): boolean {
  return (
    can(call, 'BROWSE_PROJECTS', projectId) ||
    can(call, 'ADMINISTER_PROJECTS', projectId) ||
    can(call, 'ADMINISTER')
  );
}

/** Jira's answer to a body it cannot map onto the operation's schema. */
export function invalidPayload(): never {
  failWith(
    jiraError(400, ['Invalid request payload. Refer to the REST API documentation and try again.']),
  );
}
