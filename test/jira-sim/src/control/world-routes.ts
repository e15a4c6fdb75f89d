/**
 * World changes through the control API: `/_sim/world/{instance}/…` where instance is a site name
 * (`acme`, `globex`) or `dc`. Each goes through `world/issue-changes.ts` and `world/version-changes.ts`, so change events fire.
 */
import type { Context } from 'hono';
import { Hono } from 'hono';
import { z } from 'zod';
import { parseJsonBody } from '../core/body.ts';
import type { SimDeps } from '../deps.ts';
import { createIssue, deleteIssue, moveIssue } from '../world/issue-changes.ts';
import { findInstance, findIssue, findProject, listInstances } from '../world/read.ts';
import type { JiraInstance } from '../world/types.ts';
import { releaseVersion } from '../world/version-changes.ts';

const newIssue = z.object({
  projectKey: z.string().min(1),
  summary: z.string().min(1),
  issueTypeId: z.string().optional(),
  /** Reporter / actor: accountId (Cloud) or user key (DC); default the project lead. */
  actorId: z.string().optional(),
});
const move = z.object({ projectKey: z.string().min(1), actorId: z.string().optional() });
const release = z.object({ released: z.boolean().default(true), actorId: z.string().optional() });

function notFound(what: string) {
  return Response.json({ error: 'not_found', message: `${what} not found` }, { status: 404 });
}

export function createWorldControlRoutes(deps: SimDeps): Hono {
  const app = new Hono();
  const instanceOf = (c: Context) => findInstance(deps.world, c.req.param('instance') ?? '');
  const actorOf = (instance: JiraInstance, actorId: string | undefined) =>
    actorId === undefined ? null : (instance.users.get(actorId) ?? null);

  app.get('/world', (c) =>
    c.json({
      instances: listInstances(deps.world).map((instance) => ({
        id: instance.id,
        kind: instance.kind,
        baseUrl: instance.baseUrl,
        cloudId: instance.kind === 'cloud' ? instance.cloudId : null,
        projects: [...instance.projects.values()].map((p) => ({
          id: p.id,
          key: p.key,
          name: p.name,
        })),
        users: instance.users.size,
        issues: instance.issues.size,
      })),
    }),
  );

  app.post('/world/:instance/issues', async (c) => {
    const instance = instanceOf(c);
    const body = await parseJsonBody(c, newIssue);
    const project = instance ? findProject(instance, body.projectKey) : undefined;
    if (!instance || !project) return notFound('instance or project');
    const actor = actorOf(instance, body.actorId);
    const issue = createIssue(
      deps.world,
      instance,
      {
        projectId: project.id,
        issueTypeId:
          body.issueTypeId ??
          project.issueTypeIds.find((id) => id === '10002') ??
          project.issueTypeIds[0] ??
          '10002',
        summary: body.summary,
        reporterId: actor?.id ?? project.leadId,
      },
      actor,
    );
    return c.json({ id: issue.id, key: issue.key }, 201);
  });

  app.post('/world/:instance/issues/:key/move', async (c) => {
    const instance = instanceOf(c);
    const body = await parseJsonBody(c, move);
    const issue = instance ? findIssue(instance, c.req.param('key')) : undefined;
    const project = instance ? findProject(instance, body.projectKey) : undefined;
    if (!instance || !issue || !project) return notFound('instance, issue or project');
    const moved = moveIssue(
      deps.world,
      instance,
      issue.id,
      project.id,
      actorOf(instance, body.actorId),
    );
    return c.json({ id: moved.id, key: moved.key });
  });

  app.delete('/world/:instance/issues/:key', (c) => {
    const instance = instanceOf(c);
    const issue = instance ? findIssue(instance, c.req.param('key')) : undefined;
    if (!instance || !issue) return notFound('instance or issue');
    deleteIssue(deps.world, instance, issue.id, null);
    return c.body(null, 204);
  });

  app.post('/world/:instance/versions/:id/release', async (c) => {
    const instance = instanceOf(c);
    const body = await parseJsonBody(c, release);
    const version = instance?.versions.get(c.req.param('id'));
    if (!instance || !version) return notFound('instance or version');
    const changed = releaseVersion(
      deps.world,
      instance,
      version.id,
      body.released,
      actorOf(instance, body.actorId),
    );
    return c.json(changed);
  });
  return app;
}
