/**
 * Project versions: `project/{key}/versions` (all), `project/{key}/version` (paged, orderBy,
 * status, query), `version/{id}` get/create/update/delete and `version/{id}/move`. Changes go through
 * `world/version-changes.ts`, so `jira:version_*` webhooks fire.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-project-versions/
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import { failWith, jiraError } from '../auth/jira-errors.ts';
import type { CloudEnv, DcEnv } from '../auth/principal.ts';
import { requireDcScope, requireOperationScopes } from '../auth/scopes.ts';
import type { SimDeps } from '../deps.ts';
import { findProject, listProjectVersions } from '../world/read.ts';
import type { Version } from '../world/types.ts';
import {
  createVersion,
  deleteVersion,
  moveVersion,
  releaseVersion,
  updateVersion,
} from '../world/version-changes.ts';
import type { RestCall, RestRequest } from './call.ts';
import {
  can,
  canSeeProject,
  cloudRequest,
  dcRequest,
  requireUser,
  requireVisibleProject,
  selfUrlOf,
} from './call.ts';
import { pageOf, readPaging } from './paging.ts';
import { readCheckedBody } from './request-body.ts';
import { versionView } from './views/common-views.ts';

const versionBody = z.looseObject({
  name: z.string().optional(),
  description: z.string().optional(),
  projectId: z.number().int().optional(),
  project: z.string().optional(),
  released: z.boolean().optional(),
  archived: z.boolean().optional(),
  releaseDate: z.string().optional(),
  startDate: z.string().optional(),
});
const moveBody = z.object({
  position: z.enum(['Earlier', 'Later', 'First', 'Last']).optional(),
  after: z.string().optional(),
});
const ORDER_FIELDS = ['description', 'name', 'releaseDate', 'sequence', 'startDate'] as const;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function requireVersion(call: RestCall, id: string): Version {
  const version = call.instance.versions.get(id);
  if (!version || !canSeeProject(call, version.projectId))
    failWith(jiraError(404, [`Could not find version for id '${id}'`]));
  return version;
}

/** Atlassian: *Administer Jira* or *Administer Projects* (403; message UNCONFIRMED). */
function requireManage(call: RestCall, projectId: string): void {
  if (!can(call, 'ADMINISTER_PROJECTS', projectId) && !can(call, 'ADMINISTER'))
    failWith(jiraError(403, ['You do not have permission to manage versions in this project.']));
}

function dateErrors(body: z.infer<typeof versionBody>): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const field of ['releaseDate', 'startDate'] as const) {
    const value = body[field];
    if (value !== undefined && !DATE.test(value))
      errors[field] = `Invalid date format. Please enter the date in the format "yyyy-MM-dd".`;
  }
  return errors;
}

function paged(req: RestRequest, c: Context, now: number): Response {
  const { call, url } = req;
  const project = requireVisibleProject(call, req.param('projectIdOrKey'));
  const orderBy = url.searchParams.get('orderBy') ?? 'sequence';
  const field = ORDER_FIELDS.find((f) => f === orderBy.replace(/^[-+]/, ''));
  if (!field) failWith(jiraError(400, [`Invalid orderBy value '${orderBy}'.`]));
  const statuses = new Set((url.searchParams.get('status') ?? '').split(',').filter(Boolean));
  const query = url.searchParams.get('query')?.toLowerCase();
  const sign = orderBy.startsWith('-') ? -1 : 1;
  const versions = listProjectVersions(call.instance, project.id)
    .filter(
      (v) =>
        statuses.size === 0 ||
        statuses.has(v.archived ? 'archived' : v.released ? 'released' : 'unreleased'),
    )
    .filter(
      (v) =>
        !query ||
        v.name.toLowerCase().includes(query) ||
        v.description.toLowerCase().includes(query),
    )
    .sort((a, b) => {
      const x = a[field] ?? '';
      const y = b[field] ?? '';
      return (x < y ? -1 : x > y ? 1 : 0) * sign;
    });
  // Atlassian: maxResults default 50; the cap is UNCONFIRMED (the simulator keeps 50).
  const page = pageOf(versions, readPaging(c, 50, 50), selfUrlOf(call, url.toString()));
  return Response.json({ ...page, values: page.values.map((v) => versionView(call, v, now)) });
}

async function create(deps: SimDeps, req: RestRequest): Promise<Response> {
  const { call } = req;
  const body = await readCheckedBody(req.request, 'POST /rest/api/3/version', versionBody);
  const user = requireUser(call);
  const projectRef = body.projectId === undefined ? body.project : String(body.projectId);
  const project = projectRef === undefined ? undefined : findProject(call.instance, projectRef);
  const errors = dateErrors(body);
  if (!body.name?.trim()) errors.name = 'You must specify a valid version name';
  if (!project || !canSeeProject(call, project.id)) errors.project = 'Project must be specified.';
  else if (
    body.name &&
    listProjectVersions(call.instance, project.id).some((v) => v.name === body.name)
  )
    errors.name = 'A version with this name already exists in this project.';
  if (Object.keys(errors).length > 0 || !project || !body.name)
    return failWith(jiraError(400, [], errors));
  requireManage(call, project.id);
  const version = createVersion(
    deps.world,
    call.instance,
    {
      projectId: project.id,
      name: body.name,
      ...(body.description === undefined ? {} : { description: body.description }),
      ...(body.releaseDate === undefined ? {} : { releaseDate: body.releaseDate }),
      ...(body.startDate === undefined ? {} : { startDate: body.startDate }),
      ...(body.released === undefined ? {} : { released: body.released }),
    },
    user,
  );
  return Response.json(versionView(call, version, deps.clock.now()), { status: 201 });
}

async function update(deps: SimDeps, req: RestRequest): Promise<Response> {
  const { call } = req;
  const version = requireVersion(call, req.param('id'));
  const body = await readCheckedBody(req.request, 'PUT /rest/api/3/version/{id}', versionBody);
  const user = requireUser(call);
  requireManage(call, version.projectId);
  const errors = dateErrors(body);
  if (
    body.name !== undefined &&
    listProjectVersions(call.instance, version.projectId).some(
      (v) => v.name === body.name && v.id !== version.id,
    )
  )
    errors.name = 'A version with this name already exists in this project.';
  if (Object.keys(errors).length > 0) failWith(jiraError(400, [], errors));
  const patch: Parameters<typeof updateVersion>[3] = {};
  for (const key of ['name', 'description', 'releaseDate', 'startDate', 'archived'] as const)
    if (body[key] !== undefined) Object.assign(patch, { [key]: body[key] });
  if (Object.keys(patch).length > 0)
    updateVersion(deps.world, call.instance, version.id, patch, user);
  if (body.released !== undefined)
    releaseVersion(deps.world, call.instance, version.id, body.released, user);
  return Response.json(versionView(call, version, deps.clock.now()));
}

async function move(deps: SimDeps, req: RestRequest): Promise<Response> {
  const { call } = req;
  const version = requireVersion(call, req.param('id'));
  const body = await readCheckedBody(req.request, 'POST /rest/api/3/version/{id}/move', moveBody);
  const user = requireUser(call);
  requireManage(call, version.projectId);
  const siblings = listProjectVersions(call.instance, version.projectId);
  const index = siblings.findIndex((v) => v.id === version.id);
  const afterId = body.after?.split('/').at(-1);
  const after = afterId === undefined ? -1 : siblings.findIndex((v) => v.id === afterId);
  const positions = {
    First: 1,
    Last: siblings.length,
    Earlier: Math.max(1, index),
    Later: index + 2,
  };
  const position = body.position
    ? positions[body.position]
    : after >= 0
      ? after + (after < index ? 2 : 1)
      : null;
  if (position === null)
    failWith(jiraError(400, ['Either position or a valid after must be given.']));
  moveVersion(deps.world, call.instance, version.id, position, user);
  return Response.json(versionView(call, version, deps.clock.now()));
}

function remove(deps: SimDeps, req: RestRequest): Response {
  const version = requireVersion(req.call, req.param('id'));
  const user = requireUser(req.call);
  requireManage(req.call, version.projectId);
  deleteVersion(deps.world, req.call.instance, version.id, user);
  return new Response(null, { status: 204 });
}

function all(req: RestRequest, now: number): Response {
  const project = requireVisibleProject(req.call, req.param('projectIdOrKey'));
  return Response.json(
    listProjectVersions(req.call.instance, project.id).map((v) => versionView(req.call, v, now)),
  );
}

export function createCloudVersionRoutes(deps: SimDeps): Hono<CloudEnv> {
  const router = new Hono<CloudEnv>();
  const v = '/rest/api/:version{[23]}';
  const P = '/rest/api/3/project/{projectIdOrKey}';
  const ONE = '/rest/api/3/version/{id}';
  router.get(
    `${v}/project/:projectIdOrKey/versions`,
    requireOperationScopes('GET', `${P}/versions`),
    (c) => all(cloudRequest(c), deps.clock.now()),
  );
  router.get(
    `${v}/project/:projectIdOrKey/version`,
    requireOperationScopes('GET', `${P}/version`),
    (c) => paged(cloudRequest(c), c, deps.clock.now()),
  );
  router.post(`${v}/version`, requireOperationScopes('POST', '/rest/api/3/version'), (c) =>
    create(deps, cloudRequest(c)),
  );
  router.get(`${v}/version/:id`, requireOperationScopes('GET', ONE), (c) => {
    const req = cloudRequest(c);
    return c.json(
      versionView(req.call, requireVersion(req.call, req.param('id')), deps.clock.now()),
    );
  });
  router.put(`${v}/version/:id`, requireOperationScopes('PUT', ONE), (c) =>
    update(deps, cloudRequest(c)),
  );
  router.delete(`${v}/version/:id`, requireOperationScopes('DELETE', ONE), (c) =>
    remove(deps, cloudRequest(c)),
  );
  router.post(`${v}/version/:id/move`, requireOperationScopes('POST', `${ONE}/move`), (c) =>
    move(deps, cloudRequest(c)),
  );
  return router;
}

export function createDcVersionRoutes(deps: SimDeps): Hono<DcEnv> {
  const router = new Hono<DcEnv>();
  const v = '/rest/api/2';
  router.get(`${v}/project/:projectIdOrKey/versions`, requireDcScope('READ'), (c) =>
    all(dcRequest(c), deps.clock.now()),
  );
  router.get(`${v}/project/:projectIdOrKey/version`, requireDcScope('READ'), (c) =>
    paged(dcRequest(c), c, deps.clock.now()),
  );
  router.post(`${v}/version`, requireDcScope('WRITE'), (c) => create(deps, dcRequest(c)));
  router.get(`${v}/version/:id`, requireDcScope('READ'), (c) => {
    const req = dcRequest(c);
    return c.json(
      versionView(req.call, requireVersion(req.call, req.param('id')), deps.clock.now()),
    );
  });
  router.put(`${v}/version/:id`, requireDcScope('WRITE'), (c) => update(deps, dcRequest(c)));
  router.delete(`${v}/version/:id`, requireDcScope('WRITE'), (c) => remove(deps, dcRequest(c)));
  router.post(`${v}/version/:id/move`, requireDcScope('WRITE'), (c) => move(deps, dcRequest(c)));
  return router;
}
