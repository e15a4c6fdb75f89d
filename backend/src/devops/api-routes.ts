import { createRoute } from '@hono/zod-openapi';
import {
  AcceptedDevopsEvents,
  CiBuild,
  CiBuildsEnvelope,
  CiBuildsRequest,
  CiDeployment,
  CiDeploymentsEnvelope,
  CiDeploymentsRequest,
  DevopsEvent,
  DevopsEventIdParam,
  DevopsEventList,
  DevopsEventQuery,
} from '@testbridge/shared/api/devops';
import type { z } from 'zod';
import type { Deps } from '../deps.ts';
import type { AuthenticateKey } from '../http/auth.ts';
import { AppError } from '../http/errors.ts';
import { createRouter } from '../http/openapi.ts';
import { invalidFieldsOf, validationError } from '../http/problem.ts';
import { jsonBody, jsonContent, problemResponse, problemResponses } from '../http/responses.ts';
import { authenticateEventViewer, ciPrincipalOf, requireCi } from './ci-auth.ts';
import { getDevopsEvent, listDevopsEvents } from './event-service.ts';
import { type AcceptedEvent, acceptBuilds, acceptDeployments } from './ingest-service.ts';
import { type CheckedItems, checkItems } from './item-checks.ts';
import { readJsonBody } from './json-body.ts';
import { completeCiBuild, completeCiDeployment, type DevopsEnvelope } from './payloads.ts';
import { awaitDevopsVerdicts } from './verdict-wait.ts';

const ciSecurity: Record<string, string[]>[] = [{ ciToken: [] }, { ciClient: [] }];
const readSecurity: Record<string, string[]>[] = [
  { apiKey: [] },
  { ciToken: [] },
  { ciClient: [] },
];

const partlyAccepted =
  'The request is not valid; `invalidFields` names each bad field. When only some items were ' +
  'invalid, the others were accepted: `events` (with their `index`) and `rejectedIndexes`.';

/** `{ builds: [...] }` (or deployments) rather than one item. */
function hasItems(body: unknown, field: 'builds' | 'deployments'): boolean {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && field in body;
}

function parseOne<T>(body: unknown, schema: z.ZodType<T>): T {
  const result = schema.safeParse(body);
  if (!result.success) throw validationError('body', result.error);
  return result.data;
}

function parseEnvelope<T>(body: unknown, schema: z.ZodType<T>): T {
  return parseOne(body, schema);
}

/**
 * Some items were invalid: the valid ones are committed already; a 400 problem names each bad
 * field by index and lists what was accepted.
 */
function throwIfRejected(
  field: 'builds' | 'deployments',
  checked: CheckedItems<unknown>,
  events: AcceptedEvent[],
): void {
  if (checked.rejected.length === 0) return;
  const invalidFields = checked.rejected.flatMap((rejected) =>
    invalidFieldsOf(`body.${field}[${rejected.index}]`, rejected.error),
  );
  const names = invalidFields.map((f) => f.field).join(', ');
  const total = checked.valid.length + checked.rejected.length;
  throw new AppError(
    'validation_failed',
    `Invalid ${names}; ${checked.valid.length} of ${total} ${field} were accepted (see events)`,
    {
      invalidFields,
      extensions: {
        events: events.map((event, i) => ({ ...event, index: checked.indexes[i] ?? i })),
        rejectedIndexes: checked.rejected.map((rejected) => rejected.index),
      },
    },
  );
}

/**
 * `/api/v1/devops`: CI posts builds and deployments (one or many, friendlier defaults) and
 * anyone allowed follows what became of each event.
 */
export function devopsApiRoutes(deps: Deps, authenticateKey: AuthenticateKey) {
  const router = createRouter();
  router.use('/builds', requireCi(deps));
  router.use('/deployments', requireCi(deps));

  // Documented with the body schemas, validated by the handlers: the envelope, then each item.
  router.openAPIRegistry.registerPath({
    method: 'post',
    path: '/builds',
    operationId: 'postBuilds',
    tags: ['DevOps'],
    summary: 'Post one build or many for delivery to Jira',
    description:
      "Jira's BuildData with defaults: displayName, lastUpdated and updateSequenceNumber (now). " +
      'Committed before the 202; follow each event at its statusUrl. When some builds are ' +
      'invalid the others are accepted all the same and the answer is a 400 problem naming each ' +
      'bad field by index, with the accepted builds in `events`.',
    security: ciSecurity,
    request: { body: jsonBody(CiBuildsRequest) },
    responses: {
      202: jsonContent(AcceptedDevopsEvents, 'One event per build'),
      ...problemResponses,
      400: problemResponse(partlyAccepted),
      415: problemResponse('The body is not declared as JSON'),
    },
  });
  router.post('/builds', async (c) => {
    const body = await readJsonBody(c);
    const now = deps.clock.now();
    const principal = ciPrincipalOf(c);
    const accept = async (builds: CiBuild[], envelope: DevopsEnvelope) => {
      const committed = await acceptBuilds(
        deps,
        principal,
        envelope,
        builds.map((build) => completeCiBuild(build, now)),
      );
      return (await awaitDevopsVerdicts(deps, principal.siteId, committed)).events;
    };
    if (!hasItems(body, 'builds'))
      return c.json({ events: await accept([parseOne(body, CiBuild)], {}) }, 202);
    const { builds, ...envelope } = parseEnvelope(body, CiBuildsEnvelope);
    const checked = checkItems(builds, CiBuild);
    const events = checked.valid.length > 0 ? await accept(checked.valid, envelope) : [];
    throwIfRejected('builds', checked, events);
    return c.json({ events }, 202);
  });

  router.openAPIRegistry.registerPath({
    method: 'post',
    path: '/deployments',
    operationId: 'postDeployments',
    tags: ['DevOps'],
    summary: 'Post one deployment or many for delivery to Jira',
    description:
      'Display names default to ids, the pipeline URL to the deployment URL, the environment ' +
      "type to the site's environment rules; lastUpdated and updateSequenceNumber to now. " +
      'Invalid deployments are named by index while the others are accepted, as for builds.',
    security: ciSecurity,
    request: { body: jsonBody(CiDeploymentsRequest) },
    responses: {
      202: jsonContent(AcceptedDevopsEvents, 'One event per deployment'),
      ...problemResponses,
      400: problemResponse(partlyAccepted),
      415: problemResponse('The body is not declared as JSON'),
    },
  });
  router.post('/deployments', async (c) => {
    const body = await readJsonBody(c);
    const now = deps.clock.now();
    const principal = ciPrincipalOf(c);
    const accept = async (deployments: CiDeployment[], envelope: DevopsEnvelope) => {
      const committed = await acceptDeployments(
        deps,
        principal,
        envelope,
        deployments.map((deployment) => completeCiDeployment(deployment, now)),
      );
      return (await awaitDevopsVerdicts(deps, principal.siteId, committed)).events;
    };
    if (!hasItems(body, 'deployments')) {
      return c.json({ events: await accept([parseOne(body, CiDeployment)], {}) }, 202);
    }
    const { deployments, ...envelope } = parseEnvelope(body, CiDeploymentsEnvelope);
    const checked = checkItems(deployments, CiDeployment);
    const events = checked.valid.length > 0 ? await accept(checked.valid, envelope) : [];
    throwIfRejected('deployments', checked, events);
    return c.json({ events }, 202);
  });

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
