import { createRoute } from '@hono/zod-openapi';
import {
  AcceptedDevopsEvents,
  CiBuildsRequest,
  CiDeploymentsRequest,
  DevopsEvent,
  DevopsEventIdParam,
  DevopsEventList,
  DevopsEventQuery,
} from '@testbridge/shared/api/devops';
import type { Deps } from '../deps.ts';
import type { AuthenticateKey } from '../http/auth.ts';
import { createRouter } from '../http/openapi.ts';
import { jsonBody, jsonContent, problemResponse, problemResponses } from '../http/responses.ts';
import { authenticateEventViewer, ciPrincipalOf, requireCi } from './ci-auth.ts';
import { getDevopsEvent, listDevopsEvents } from './event-service.ts';
import { acceptBuilds, acceptDeployments } from './ingest-service.ts';
import { completeCiBuild, completeCiDeployment } from './payloads.ts';

const ciSecurity: Record<string, string[]>[] = [{ ciToken: [] }, { ciClient: [] }];
const readSecurity: Record<string, string[]>[] = [
  { apiKey: [] },
  { ciToken: [] },
  { ciClient: [] },
];

/**
 * `/api/v1/devops`: CI posts builds and deployments (one or many, friendlier defaults) and
 * anyone allowed follows what became of each event.
 */
export function devopsApiRoutes(deps: Deps, authenticateKey: AuthenticateKey) {
  const router = createRouter();
  router.use('/builds', requireCi(deps));
  router.use('/deployments', requireCi(deps));

  router.openapi(
    createRoute({
      method: 'post',
      path: '/builds',
      operationId: 'postBuilds',
      tags: ['DevOps'],
      summary: 'Post one build or many for delivery to Jira',
      description:
        "Jira's BuildData with defaults: displayName, lastUpdated and updateSequenceNumber (now). " +
        'Committed before the 202; follow each event at its statusUrl.',
      security: ciSecurity,
      request: { body: jsonBody(CiBuildsRequest) },
      responses: {
        202: jsonContent(AcceptedDevopsEvents, 'One event per build'),
        ...problemResponses,
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const now = deps.clock.now();
      const { builds, ...envelope } = 'builds' in body ? body : { builds: [body] };
      const events = await acceptBuilds(
        deps,
        ciPrincipalOf(c),
        envelope,
        builds.map((build) => completeCiBuild(build, now)),
      );
      return c.json({ events }, 202);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/deployments',
      operationId: 'postDeployments',
      tags: ['DevOps'],
      summary: 'Post one deployment or many for delivery to Jira',
      description:
        'Display names default to ids, the pipeline URL to the deployment URL, the environment ' +
        "type to the site's environment rules; lastUpdated and updateSequenceNumber to now.",
      security: ciSecurity,
      request: { body: jsonBody(CiDeploymentsRequest) },
      responses: {
        202: jsonContent(AcceptedDevopsEvents, 'One event per deployment'),
        ...problemResponses,
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const now = deps.clock.now();
      const { deployments, ...envelope } = 'deployments' in body ? body : { deployments: [body] };
      const events = await acceptDeployments(
        deps,
        ciPrincipalOf(c),
        envelope,
        deployments.map((deployment) => completeCiDeployment(deployment, now)),
      );
      return c.json({ events }, 202);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/events/{id}',
      operationId: 'getDevopsEvent',
      tags: ['DevOps'],
      summary: 'What became of a posted build or deployment',
      description: "Pending, delivered, rejected (with Jira's own messages) or dead, and why.",
      security: readSecurity,
      request: { params: DevopsEventIdParam },
      responses: {
        200: jsonContent(DevopsEvent, 'The event'),
        404: problemResponse('No such event (or not one these credentials may see)'),
        ...problemResponses,
      },
    }),
    async (c) => {
      const viewer = await authenticateEventViewer(
        deps,
        authenticateKey,
        c.req.header('authorization'),
      );
      return c.json(await getDevopsEvent(deps, c.req.valid('param').id, viewer), 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'get',
      path: '/events',
      operationId: 'listDevopsEvents',
      tags: ['DevOps'],
      summary: 'Events of a site or pipeline, newest first',
      security: readSecurity,
      request: { query: DevopsEventQuery },
      responses: { 200: jsonContent(DevopsEventList, 'One page of events'), ...problemResponses },
    }),
    async (c) => {
      const viewer = await authenticateEventViewer(
        deps,
        authenticateKey,
        c.req.header('authorization'),
      );
      return c.json(await listDevopsEvents(deps, c.req.valid('query'), viewer), 200);
    },
  );

  return router;
}
