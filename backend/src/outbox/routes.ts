import { createRoute } from '@hono/zod-openapi';
import {
  OutboxItemList,
  OutboxItemQuery,
  type OutboxItemView,
  RetriedDeadLetters,
  RetryDeadLettersRequest,
} from '@testbridge/shared/api/outbox';
import type { Deps } from '../deps.ts';
import type { AuthenticateKey } from '../http/auth.ts';
import { requireRole } from '../http/auth.ts';
import { createRouter } from '../http/openapi.ts';
import { jsonBody, jsonContent, problemResponses } from '../http/responses.ts';
import { outboxMetrics } from './metrics.ts';
import type { OutboxRow } from './repo.ts';
import { listOutboxItems, retryDeadLetters } from './service.ts';

const security = [{ apiKey: [] }];

export function toOutboxItemView(row: OutboxRow): OutboxItemView {
  return {
    id: row.id,
    kind: row.kind,
    target: row.target,
    subject: row.subject,
    status: row.status,
    attempts: row.attempts,
    verdict: row.verdict,
    explanation: row.explanation,
    lastError: row.lastError,
    nextAttemptAt: row.nextAttemptAt.toISOString(),
    createdAt: row.createdAt.toISOString(),
    settledAt: row.settledAt?.toISOString() ?? null,
  };
}

/** `/api/v1/outbox`: admins list items (dead letters by default) and retry dead letters. */
export function outboxRoutes(deps: Deps, authenticate: AuthenticateKey) {
  outboxMetrics(deps);
  const router = createRouter();
  router.use('*', requireRole(authenticate, 'admin'));

  router.openapi(
    createRoute({
      method: 'get',
      path: '/items',
      operationId: 'listOutboxItems',
      tags: ['Outbox'],
      summary: 'List outbox items (dead letters unless `status` says otherwise), newest first',
      security,
      request: { query: OutboxItemQuery },
      responses: { 200: jsonContent(OutboxItemList, 'One page of items'), ...problemResponses },
    }),
    async (c) => {
      const query = c.req.valid('query');
      const rows = await listOutboxItems(deps, {
        status: query.status,
        kind: query.kind,
        target: query.target,
        beforeId: query.before,
        limit: query.limit,
      });
      const nextBefore = rows.length === query.limit ? (rows.at(-1)?.id ?? null) : null;
      return c.json({ items: rows.map(toOutboxItemView), nextBefore }, 200);
    },
  );

  router.openapi(
    createRoute({
      method: 'post',
      path: '/dead-letters/retry',
      operationId: 'retryDeadLetters',
      tags: ['Outbox'],
      summary: 'Send dead letters again (the listed ids, or all of one target, or all)',
      security,
      request: { body: jsonBody(RetryDeadLettersRequest) },
      responses: {
        200: jsonContent(RetriedDeadLetters, 'The ids that were dead and are pending again'),
        ...problemResponses,
      },
    }),
    async (c) => {
      const body = c.req.valid('json');
      const retried = await retryDeadLetters(deps, {
        ...(body.ids ? { ids: body.ids } : {}),
        ...(body.target ? { target: body.target } : {}),
      });
      return c.json({ retried }, 200);
    },
  );

  return router;
}
