import { JiraVerdictDetail } from '@testbridge/shared/api/devops';
import type { UnknownAssociation } from '@testbridge/shared/jira/builds';
import type { Deps } from '../deps.ts';
import { outboxDeliverNowFor } from '../outbox/deliver-now.ts';
import { createOutboxHoldRepo } from '../outbox/hold-repo.ts';
import type { OutboxRow } from '../outbox/repo.ts';
import { UNTIL_RELEASED } from '../outbox/service.ts';
import type { AcceptedEvent } from './ingest-service.ts';
import { createDevopsSenders } from './sender.ts';

/** What the 202 can say about the accepted items once the verdict wait is over. */
export interface WaitedVerdicts {
  events: AcceptedEvent[];
  /** Items Jira rejected (or that can never reach it), with Jira's messages. */
  rejected: { key: AcceptedEvent['key']; errors: { message: string }[] }[];
  unknownIssueKeys: string[];
  unknownAssociations: { associationType: string; values: unknown[] }[];
}

const nothingYet = (events: AcceptedEvent[]): WaitedVerdicts => ({
  events,
  rejected: [],
  unknownIssueKeys: [],
  unknownAssociations: [],
});

/** The rows once delivered now, or undefined when the budget ran out first (or it failed). */
async function deliveredWithin(
  deps: Deps,
  ids: string[],
  waitMs: number,
): Promise<Map<string, OutboxRow> | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const budget = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), waitMs);
    timer.unref();
  });
  const delivery = outboxDeliverNowFor(deps, createDevopsSenders(deps))
    .deliver(ids)
    .catch(() => undefined);
  try {
    return await Promise.race([delivery, budget]);
  } finally {
    clearTimeout(timer);
  }
}

function detailOf(row: OutboxRow): JiraVerdictDetail | undefined {
  if (!row.detail) return undefined;
  const parsed = JiraVerdictDetail.safeParse(JSON.parse(row.detail));
  return parsed.success ? parsed.data : undefined;
}

/**
 * The bounded verdict wait (`DEVOPS_VERDICT_WAIT_MS`). The items are committed already; when the
 * wait is on, they are sent to Jira at once through the outbox (deliver-now.ts) and, if Jira
 * answers within the budget, the events carry its verdicts, and Jira's rejections and unknown
 * issue keys are returned for the 202. Otherwise (budget over, site on hold or backing off, Jira
 * failing) the events stay `pending` and the forwarder goes on as usual.
 */
export async function awaitDevopsVerdicts(
  deps: Deps,
  siteId: string,
  events: AcceptedEvent[],
): Promise<WaitedVerdicts> {
  const waitMs = deps.config.devops.verdictWaitMs;
  if (waitMs === 0 || events.length === 0) return nothingYet(events);
  // A site on hold (Jira away, rate limited, credentials refused) sends nothing now: asking
  // costs one indexed read, while handing the items to deliver-now costs a write transaction
  // and a read of every item (about half of a 100-item request's time while Jira was away).
  const held = await createOutboxHoldRepo(deps.store).holdsInForce(
    deps.store.db,
    [siteId],
    deps.clock.now(),
    UNTIL_RELEASED,
  );
  if (held.size > 0) return nothingYet(events);
  const rows = await deliveredWithin(deps, [...new Set(events.map((e) => e.id))], waitMs);
  if (!rows) return nothingYet(events);
  const answer = nothingYet([]);
  const unknownKeys = new Set<string>();
  const unknownByType = new Map<string, Set<unknown>>();
  const reported = new Set<string>();
  for (const event of events) {
    const row = rows.get(event.id);
    if (!row) {
      answer.events.push(event);
      continue;
    }
    const settled =
      row.status === 'delivered' || row.status === 'rejected' || row.status === 'dead';
    answer.events.push({
      ...event,
      status: row.status,
      ...(settled ? { verdict: row.verdict, explanation: row.explanation ?? '' } : {}),
    });
    if (reported.has(row.id)) continue;
    reported.add(row.id);
    const detail = detailOf(row);
    for (const key of detail?.unknownIssueKeys ?? []) unknownKeys.add(key);
    for (const association of detail?.unknownAssociations ?? []) {
      const values = unknownByType.get(association.associationType) ?? new Set();
      for (const value of association.values) values.add(value);
      unknownByType.set(association.associationType, values);
    }
    if (row.status === 'rejected' || row.status === 'dead') {
      const messages = detail?.errors.length ? detail.errors : [row.explanation ?? row.status];
      answer.rejected.push({ key: event.key, errors: messages.map((message) => ({ message })) });
    }
  }
  answer.unknownIssueKeys = [...unknownKeys];
  answer.unknownAssociations = [...unknownByType].map(
    ([associationType, values]): UnknownAssociation => ({ associationType, values: [...values] }),
  );
  return answer;
}

/** Items the 202 lists as accepted: everything but what Jira rejected (pending ones included). */
export function isListedAccepted(event: AcceptedEvent): boolean {
  return event.status !== 'rejected' && event.status !== 'dead';
}
