/**
 * Jira's verdict on each posted item, told as it is: from the 202 when the backend's verdict
 * wait saw Jira answer, else by polling `GET /api/v1/devops/events/{id}` for at most `--wait`.
 * Still pending then is not a failure: the backend delivers it later.
 */
import {
  type AcceptedDevopsEvents,
  DevopsEvent,
  type DevopsItemKey,
} from '@testbridge/shared/api/devops';

type AcceptedDevopsEvent = AcceptedDevopsEvents['events'][number];

import { CliError, EXIT } from './errors.ts';
import { type Client, describeError } from './http.ts';
import type { Output } from './output.ts';

export type ItemStatus = 'accepted' | 'rejected' | 'pending';

export interface ItemOutcome {
  label: string;
  status: ItemStatus;
  unknownIssueKeys: string[];
  /** Why, in the backend's (and Jira's) words. */
  reason: string;
}

export interface PollOptions {
  waitMs: number;
  pollIntervalMs: number;
  sleep: (ms: number) => Promise<void>;
  now: () => number;
}

export function labelOf(kind: 'build' | 'deployment', key: DevopsItemKey): string {
  if ('environmentId' in key) {
    return `deployment ${key.pipelineId} → ${key.environmentId} #${key.deploymentSequenceNumber}`;
  }
  return `${kind} ${key.pipelineId} #${key.buildNumber}`;
}

const isSettled = (status: string) =>
  status === 'delivered' || status === 'rejected' || status === 'dead';

async function readEvent(client: Client, id: string): Promise<DevopsEvent> {
  const response = await client.request('GET', `/api/v1/devops/events/${encodeURIComponent(id)}`);
  const parsed = DevopsEvent.safeParse(response.body);
  if (response.status !== 200 || !parsed.success) {
    throw new CliError(EXIT.refused, `Could not read event ${id}: ${describeError(response)}`);
  }
  return parsed.data;
}

/** Jira names unknown keys in `unknownIssueKeys`, or in `unknownAssociations` when sent as such. */
function unknownKeysOf(event: DevopsEvent): string[] {
  const fromAssociations = (event.jira?.unknownAssociations ?? [])
    .filter((a) => a.associationType === 'issueKeys' || a.associationType === 'issueIdOrKeys')
    .flatMap((a) => a.values.map(String));
  return [...new Set([...(event.jira?.unknownIssueKeys ?? []), ...fromAssociations])];
}

function outcomeOf(label: string, event: DevopsEvent): ItemOutcome {
  const unknownIssueKeys = unknownKeysOf(event);
  if (!isSettled(event.status)) {
    return { label, status: 'pending', unknownIssueKeys, reason: event.explanation };
  }
  const rejected = event.status === 'rejected' || event.status === 'dead';
  // The explanation quotes Jira's own messages already.
  return {
    label,
    status: rejected ? 'rejected' : 'accepted',
    unknownIssueKeys,
    reason: event.explanation,
  };
}

/** Follows each accepted event until Jira's verdict is known or the wait is over. */
export async function settleEvents(
  client: Client,
  kind: 'build' | 'deployment',
  events: AcceptedDevopsEvent[],
  options: PollOptions,
  output: Output,
): Promise<ItemOutcome[]> {
  const deadline = options.now() + options.waitMs;
  const outcomes: ItemOutcome[] = [];
  for (const accepted of events) {
    const label = labelOf(kind, accepted.key);
    if (isSettled(accepted.status) && accepted.verdict === 'accepted') {
      outcomes.push({
        label,
        status: 'accepted',
        unknownIssueKeys: [],
        reason: accepted.explanation ?? 'Jira accepted it.',
      });
      continue;
    }
    // Settled with something to explain (unknown keys, Jira's errors): read the whole story.
    let event = await readEvent(client, accepted.id);
    while (!isSettled(event.status) && options.now() < deadline) {
      output.debug(`${label}: ${event.status}; asking again in ${options.pollIntervalMs} ms`);
      await options.sleep(Math.min(options.pollIntervalMs, Math.max(0, deadline - options.now())));
      event = await readEvent(client, accepted.id);
    }
    const outcome = outcomeOf(label, event);
    if (outcome.status === 'pending') {
      outcome.reason = `${outcome.reason} Testbridge delivers it later; follow it at ${accepted.statusUrl}`;
    }
    outcomes.push(outcome);
  }
  return outcomes;
}

/** One line per item. */
export function printOutcomes(outcomes: ItemOutcome[], output: Output): void {
  for (const outcome of outcomes) {
    const unknown = outcome.unknownIssueKeys.length
      ? `, unknown issue keys: ${outcome.unknownIssueKeys.join(', ')}`
      : '';
    const word = outcome.status === 'rejected' ? 'REJECTED' : outcome.status;
    output.info(`${outcome.label}: ${word}${unknown} — ${outcome.reason}`);
  }
}

export type FailOn = 'rejected' | 'unknown-keys';

/** `--fail-on`: exit 1 when asked and it happened; never for pending items. */
export function failOnExit(outcomes: ItemOutcome[], failOn: FailOn[], output: Output): number {
  const rejected = outcomes.filter((o) => o.status === 'rejected').length;
  const unknown = outcomes.filter((o) => o.unknownIssueKeys.length > 0).length;
  if (failOn.includes('rejected') && rejected > 0) {
    output.warn(`--fail-on rejected: ${rejected} item(s) rejected`);
    return EXIT.failOn;
  }
  if (failOn.includes('unknown-keys') && unknown > 0) {
    output.warn(`--fail-on unknown-keys: ${unknown} item(s) name issue keys Jira does not know`);
    return EXIT.failOn;
  }
  return EXIT.ok;
}
