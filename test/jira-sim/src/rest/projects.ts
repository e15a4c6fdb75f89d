/**
 * Projects and issue types: Cloud `project/search` (paged, max 100), `project/{key}`, `issuetype`,
 * `issuetype/project`; Data Center `project` (a plain array: DC has no `project/search`).
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-projects/#api-rest-api-3-project-search-get
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-types/
 */
import { Hono } from 'hono';
import { failWith, jiraError } from '../auth/jira-errors.ts';
import type { CloudEnv, DcEnv } from '../auth/principal.ts';
import { requireDcScope, requireOperationScopes } from '../auth/scopes.ts';
import type { SimDeps } from '../deps.ts';
import { findProject } from '../world/read.ts';
import type { Project } from '../world/types.ts';
import type { RestCall } from './call.ts';
import { can, canSeeProject, cloudCall, dcCall, requireVisibleProject, selfUrlOf } from './call.ts';
import { pageOf, readPaging } from './paging.ts';
import { issueTypeView } from './views/common-views.ts';
import type { ProjectExpand } from './views/project-view.ts';
import { projectSummaryView, projectView } from './views/project-view.ts';

const EXPANDS: ProjectExpand[] = ['description', 'lead', 'issueTypes', 'url', 'projectKeys'];
const ORDERS = ['key', 'name', 'id'] as const;

function visibleProjects(call: RestCall): Project[] {
  return [...call.instance.projects.values()].filter((p) => canSeeProject(call, p.id));
}

function readExpand(raw: string | undefined): Set<ProjectExpand> {
  const wanted = new Set((raw ?? '').split(',').map((v) => v.trim()));
  return new Set(EXPANDS.filter((e) => wanted.has(e)));
}

/** `action`: browse/view (default) or the permission the caller needs on the project. */
function passesAction(call: RestCall, project: Project, action: string): boolean {
  if (action === 'edit')
    return can(call, 'ADMINISTER_PROJECTS', project.id) || can(call, 'ADMINISTER');
  if (action === 'create') return can(call, 'CREATE_ISSUES', project.id);
  return true;
}

function searchProjects(call: RestCall, queries: Record<string, string[]>): Project[] {
  const one = (name: string) => queries[name]?.[0];
  const action = one('action') ?? 'view';
  if (!['view', 'browse', 'edit', 'create'].includes(action))
    failWith(jiraError(400, [`Invalid action '${action}'.`]));
  const orderBy = one('orderBy') ?? 'key';
  const field = orderBy.replace(/^[-+]/, '');
  const order = ORDERS.find((candidate) => candidate === field);
  // Jira also sorts by category, owner, issueCount … (not simulated).
  if (!order) failWith(jiraError(400, [`Invalid orderBy value '${orderBy}'.`]));
  const keys = new Set(
    (queries.keys ?? []).flatMap((k) => k.split(',')).map((k) => k.toUpperCase()),
  );
  const ids = new Set((queries.id ?? []).flatMap((k) => k.split(',')));
  const query = one('query')?.toLowerCase();
  const typeKey = one('typeKey');
  const status = new Set((one('status') ?? 'live').split(','));
  return visibleProjects(call)
    .filter((p) => keys.size === 0 || keys.has(p.key))
    .filter((p) => ids.size === 0 || ids.has(p.id))
    .filter(
      (p) => !query || p.key.toLowerCase().includes(query) || p.name.toLowerCase().includes(query),
    )
    .filter((p) => !typeKey || p.projectTypeKey === typeKey)
    .filter((p) => status.has(p.archived ? 'archived' : 'live'))
    .filter((p) => passesAction(call, p, action))
    .sort((a, b) => {
      const x = order === 'id' ? Number(a.id) : a[order].toLowerCase();
      const y = order === 'id' ? Number(b.id) : b[order].toLowerCase();
      return (x < y ? -1 : x > y ? 1 : 0) * (orderBy.startsWith('-') ? -1 : 1);
    });
}

export function createCloudProjectRoutes(deps: SimDeps): Hono<CloudEnv> {
  const router = new Hono<CloudEnv>();
  router.get(
    '/rest/api/:version{[23]}/project/search',
    requireOperationScopes('GET', '/rest/api/3/project/search'),
    (c) => {
      const call = cloudCall(c);
      const projects = searchProjects(call, c.req.queries());
      // Atlassian: maxResults default 50, at most 100.
      const paging = readPaging(c, 50, 100);
      const expand = readExpand(c.req.query('expand'));
      const page = pageOf(projects, paging, selfUrlOf(call, c.req.url));
      return c.json({
        ...page,
        values: page.values.map((p) => projectSummaryView(call, p, expand)),
      });
    },
  );
  router.get(
    '/rest/api/:version{[23]}/project/:projectIdOrKey',
    requireOperationScopes('GET', '/rest/api/3/project/{projectIdOrKey}'),
    (c) => {
      const call = cloudCall(c);
      const project = requireVisibleProject(call, c.req.param('projectIdOrKey'));
      return c.json(projectView(call, project, deps.clock.now()));
    },
  );
  router.get(
    '/rest/api/:version{[23]}/issuetype',
    requireOperationScopes('GET', '/rest/api/3/issuetype'),
    (c) => c.json(allIssueTypes(cloudCall(c))),
  );
  router.get(
    '/rest/api/:version{[23]}/issuetype/project',
    requireOperationScopes('GET', '/rest/api/3/issuetype/project'),
    (c) => {
      const call = cloudCall(c);
      const projectId = c.req.query('projectId');
      // Atlassian: 400 if the request is not valid (message UNCONFIRMED); 404 if no project/permission.
      if (!projectId || !/^\d+$/.test(projectId))
        failWith(
          jiraError(400, ["The 'projectId' query parameter is required and must be a number."]),
        );
      const project = findProject(call.instance, projectId);
      if (!project || !canSeeProject(call, project.id))
        failWith(jiraError(404, [`No project could be found with id '${projectId}'.`]));
      return c.json(projectTypes(call, project));
    },
  );
  return router;
}

function projectTypes(call: RestCall, project: Project) {
  return project.issueTypeIds.flatMap((id) => {
    const type = call.instance.issueTypes.get(id);
    return type ? [issueTypeView(call, type)] : [];
  });
}

/** Issue types used by projects the caller can see (Jira Cloud hides the others). */
function allIssueTypes(call: RestCall) {
  const ids = new Set(visibleProjects(call).flatMap((p) => p.issueTypeIds));
  return [...call.instance.issueTypes.values()]
    .filter((type) => ids.has(type.id))
    .map((type) => issueTypeView(call, type));
}

export function createDcProjectRoutes(deps: SimDeps): Hono<DcEnv> {
  const router = new Hono<DcEnv>();
  router.get('/rest/api/2/project', requireDcScope('READ'), (c) => {
    const call = dcCall(c);
    const expand = readExpand(c.req.query('expand'));
    return c.json(visibleProjects(call).map((p) => projectSummaryView(call, p, expand)));
  });
  router.get('/rest/api/2/project/:projectIdOrKey', requireDcScope('READ'), (c) => {
    const call = dcCall(c);
    const project = requireVisibleProject(call, c.req.param('projectIdOrKey'));
    return c.json(projectView(call, project, deps.clock.now()));
  });
  router.get('/rest/api/2/issuetype', requireDcScope('READ'), (c) =>
    c.json([...c.var.instance.issueTypes.values()].map((t) => issueTypeView(dcCall(c), t))),
  );
  return router;
}
