/**
 * Outgoing callbacks to the test tool: one change per POST, signed `X-Testbridge-Signature:
 * sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">` with the mapping's callback secret and
 * `X-Testbridge-Timestamp` (seconds), retried through the outbox (5xx, 429, network).
 */
import { createHmac } from 'node:crypto';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import type { OutboxItem, OutboxSender, SendOutcome } from '../outbox/sender.ts';
import { EVENT_CALLBACK_KIND, toChangeEvent } from './changes.ts';
import { createChangeRepo } from './repo.ts';
import { openCallbackSecret } from './seal.ts';

const Payload = z.object({ changeId: z.string(), mappingId: z.string() });

/** `sha256=` HMAC over `${timestamp}.${body}`: what the receiver recomputes. */
export function callbackSignature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

const delivered = (item: OutboxItem, verdict: string, explanation: string): SendOutcome => ({
  type: 'delivered',
  verdicts: new Map([
    [item.id, { status: verdict === 'accepted' ? 'delivered' : 'rejected', verdict, explanation }],
  ]),
});

export function createEventCallbackSender(
  deps: Pick<Deps, 'store' | 'clock' | 'sealer' | 'fetch' | 'logger'>,
): OutboxSender {
  const repo = createChangeRepo(deps.store.tables);
  return {
    kind: EVENT_CALLBACK_KIND,
    maxBatch: 1,
    async send(_target, items): Promise<SendOutcome> {
      const item = items[0];
      if (!item) return { type: 'delivered', verdicts: new Map() };
      const { changeId, mappingId } = Payload.parse(JSON.parse(item.payload));
      const callback = await repo.findCallback(deps.store.db, mappingId);
      if (!callback) return { type: 'target_gone', message: 'The callback was removed' };
      const change = await repo.find(deps.store.db, changeId);
      if (!change) return delivered(item, 'change_gone', 'The change no longer exists');
      const body = JSON.stringify(toChangeEvent(change));
      const timestamp = Math.floor(deps.clock.now().getTime() / 1000);
      const secret = openCallbackSecret(deps, callback).reveal();
      let response: Response;
      try {
        response = await deps.fetch(callback.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-testbridge-event-id': change.id,
            'x-testbridge-timestamp': String(timestamp),
            'x-testbridge-signature': callbackSignature(secret, timestamp, body),
          },
          body,
          redirect: 'manual',
        });
        await response.arrayBuffer().catch(() => undefined);
      } catch (error) {
        return {
          type: 'unavailable',
          message: `The callback could not be reached: ${error instanceof Error ? error.message : String(error)}`,
        };
      }
      if (response.status >= 200 && response.status < 300) {
        return delivered(item, 'accepted', 'The test tool took the change');
      }
      if (response.status === 429) {
        const seconds = Number(response.headers.get('retry-after'));
        return {
          type: 'rate_limited',
          retryAfterMs: Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 60_000,
          message: 'The test tool asked to slow down (429)',
        };
      }
      if (response.status >= 500 || response.status === 408) {
        return { type: 'unavailable', message: `The test tool answered ${response.status}` };
      }
      return delivered(
        item,
        'refused',
        `The test tool refused the change with ${response.status}; it is not sent again`,
      );
    },
  };
}
