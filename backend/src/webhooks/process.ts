/**
 * Processing stored Jira events, asynchronously: the oldest pending event of each issue (version,
 * project) at a time, under a lease so replicas never run the same one; failures retried with
 * backoff, a poison event (or one failing every attempt) moved to the dead-letter list.
 */
import type { Deps } from '../deps.ts';
import { createEventRepo, type JiraEventRow } from './repo.ts';
import { applyJiraEvent, PoisonEventError, type SyncDeps } from './sync.ts';

/** Attempts before a failing event becomes a dead letter. */
export const MAX_EVENT_ATTEMPTS = 5;
const LEASE_MS = 60_000;
const backoffMs = (attempts: number) => Math.min(10_000 * 2 ** (attempts - 1), 600_000);

export interface ProcessOptions {
  limit?: number;
  /** What applying an event means; the real sync unless a test injects a fake. */
  apply?: (deps: SyncDeps, event: JiraEventRow) => Promise<void>;
}

export interface ProcessReport {
  done: number;
  retried: number;
  dead: number;
}

const describe = (error: unknown) =>
  (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).slice(0, 1000);

/** One pass over the due events; returns what became of them. */
export async function processJiraEvents(
  deps: SyncDeps,
  options: ProcessOptions = {},
): Promise<ProcessReport> {
  const repo = createEventRepo(deps.store.tables);
  const apply = options.apply ?? applyJiraEvent;
  const report: ProcessReport = { done: 0, retried: 0, dead: 0 };
  const now = deps.clock.now();
  const due = await repo.findDue(deps.store.db, now, options.limit ?? 100);
  // Nothing due (the idle poll, four times a second): no write transaction, so an idle processor
  // never takes the store's writer from ingestion's group commits.
  if (due.length === 0) return report;
  // One transaction leases the pass, one settles its successes (a crash in between applies
  // them again: every effect is idempotent or at least once).
  const leased = await deps.store.transaction((tx) =>
    repo.leaseMany(
      tx,
      due.map((event) => event.id),
      now,
      new Date(now.getTime() + LEASE_MS),
    ),
  );
  const done: string[] = [];
  for (const event of due) {
    if (!leased.has(event.id)) continue;
    const attempts = event.attempts + 1;
    try {
      await apply(deps, event);
      done.push(event.id);
      report.done++;
    } catch (error) {
      const dead = error instanceof PoisonEventError || attempts >= MAX_EVENT_ATTEMPTS;
      const at = deps.clock.now();
      await deps.store.transaction((tx) =>
        repo.settle(tx, event.id, {
          state: dead ? 'dead' : 'pending',
          attempts,
          nextAttemptAt: dead ? event.nextAttemptAt : new Date(at.getTime() + backoffMs(attempts)),
          lastError: describe(error),
          processedAt: dead ? at : null,
        }),
      );
      deps.logger.warn(
        { eventId: event.id, eventType: event.eventType, attempts, dead, err: error },
        dead ? 'jira event moved to the dead letters' : 'jira event failed; retried later',
      );
      if (dead) report.dead++;
      else report.retried++;
    }
  }
  if (done.length > 0) {
    await deps.store.transaction((tx) => repo.settleDone(tx, done, deps.clock.now()));
  }
  return report;
}

/** Processes until nothing is due (tests, and the loop after a wake-up). */
export async function drainJiraEvents(
  deps: SyncDeps,
  options: ProcessOptions = {},
): Promise<ProcessReport> {
  const total: ProcessReport = { done: 0, retried: 0, dead: 0 };
  for (;;) {
    const report = await processJiraEvents(deps, options);
    total.done += report.done;
    total.retried += report.retried;
    total.dead += report.dead;
    if (report.done + report.retried + report.dead === 0) return total;
  }
}

/** The background processor main.ts starts; `stop` waits for the pass in flight. */
export function startJiraEventProcessor(
  deps: Pick<Deps, 'store' | 'clock' | 'logger'>,
  options: { idleMs?: number } = {},
): { stop(): Promise<void> } {
  const idleMs = options.idleMs ?? 250;
  let stopping = false;
  let wake: (() => void) | undefined;
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => resolve(), ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  const running = (async () => {
    while (!stopping) {
      try {
        const report = await drainJiraEvents(deps);
        if (report.done + report.retried + report.dead > 0) {
          deps.logger.debug(report, 'jira events processed');
        }
      } catch (error) {
        deps.logger.error({ err: error }, 'jira event processing pass failed');
      }
      if (!stopping) await pause(idleMs);
    }
  })();
  return {
    async stop() {
      stopping = true;
      wake?.();
      await running;
    },
  };
}
