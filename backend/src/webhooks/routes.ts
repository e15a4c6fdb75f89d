import { createRoute } from '@hono/zod-openapi';
import { DeliveryReceipt } from '@testbridge/shared/api/webhooks';
import type { Context } from 'hono';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import type { Env } from '../http/env.ts';
import { createRouter } from '../http/openapi.ts';
import { jsonContent, problemResponse } from '../http/responses.ts';
import {
  type DeliveryHeaders,
  receiveDynamicDelivery,
  receiveSignedDelivery,
  receiveTokenDelivery,
} from './receive.ts';

const tags = ['Jira webhooks'];
const id = z.string().min(1).max(100);
const deliveryProblems = {
  400: problemResponse('Verified, but the body is not a Jira event (`invalidFields`)'),
  401: problemResponse('The delivery could not be verified; nothing was stored'),
} as const;
const stored = jsonContent(DeliveryReceipt, 'Stored; processed shortly, in order per issue');
const storedBefore = jsonContent(DeliveryReceipt, 'Stored before (a retry or replay): `duplicate`');
const description =
  'The body is the raw Jira webhook JSON. It is stored, deduplicated by `X-Atlassian-Webhook-Identifier`, before the answer.';

const headersOf = (c: Context<Env>): DeliveryHeaders => ({
  authorization: c.req.header('authorization'),
  hubSignature: c.req.header('x-hub-signature'),
  identifier: c.req.header('x-atlassian-webhook-identifier'),
});

/** `/webhooks/jira/…`: Jira's deliveries, each verified before anything is read or stored. */
export function webhookRoutes(deps: Deps) {
  const router = createRouter();
  router.openAPIRegistry.registerComponent('securitySchemes', 'jiraWebhookJwt', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: "A dynamic webhook's JWT (HS256, signed with the OAuth app's client secret)",
  });
  router.openAPIRegistry.registerComponent('securitySchemes', 'hubSignature', {
    type: 'apiKey',
    in: 'header',
    name: 'X-Hub-Signature',
    description: "`sha256=<hex HMAC of the raw body>` with the mapping's webhook secret",
  });

  router.openapi(
    createRoute({
      method: 'post',
      path: '/webhooks/jira/connections/{connectionId}',
      operationId: 'receiveDynamicWebhook',
      tags,
      summary: "A Cloud OAuth 2.0 connection's dynamic webhook delivery",
      description,
      security: [{ jiraWebhookJwt: [] }],
      request: { params: z.object({ connectionId: id }) },
      responses: { 200: storedBefore, 202: stored, ...deliveryProblems },
    }),
    async (c) => {
      const raw = new Uint8Array(await c.req.arrayBuffer());
      const receipt = await receiveDynamicDelivery(
        deps,
        c.req.valid('param').connectionId,
        headersOf(c),
        raw,
      );
      return c.json(receipt, receipt.duplicate ? 200 : 202);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/webhooks/jira/endpoints/{endpointId}',
      operationId: 'receiveSignedWebhook',
      tags,
      summary: "A mapping's admin webhook delivery, signed with its secret",
      description,
      security: [{ hubSignature: [] }],
      request: { params: z.object({ endpointId: id }) },
      responses: { 200: storedBefore, 202: stored, ...deliveryProblems },
    }),
    async (c) => {
      const raw = new Uint8Array(await c.req.arrayBuffer());
      const receipt = await receiveSignedDelivery(
        deps,
        c.req.valid('param').endpointId,
        headersOf(c),
        raw,
      );
      return c.json(receipt, receipt.duplicate ? 200 : 202);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/webhooks/jira/endpoints/{endpointId}/{token}',
      operationId: 'receiveTokenWebhook',
      tags,
      summary: "A mapping's Data Center webhook delivery, unsigned: the URL token proves it",
      description: `${description} The token is long and random; only its hash is stored.`,
      security: [{}],
      request: { params: z.object({ endpointId: id, token: z.string().min(1).max(200) }) },
      responses: { 200: storedBefore, 202: stored, ...deliveryProblems },
    }),
    async (c) => {
      const { endpointId, token } = c.req.valid('param');
      const raw = new Uint8Array(await c.req.arrayBuffer());
      const receipt = await receiveTokenDelivery(deps, endpointId, token, headersOf(c), raw);
      return c.json(receipt, receipt.duplicate ? 200 : 202);
    },
  );

  return router;
}
