/**
 * A fake webhook receiver for tests: an outgoing `fetch` that records each delivery and answers
 * with scripted statuses (200 once the script runs out), or throws to simulate a dropped connection.
 */
import { z } from 'zod';

export interface ReceivedDelivery {
  url: string;
  headers: Headers;
  body: string;
  /** The JSON body as an object (empty object for an empty body). */
  json: Record<string, unknown>;
}

/** `number` = answer with that status; `'drop'` = reject like a failed connection. */
export type ReceiverAnswer = number | 'drop';

export function createReceiver(script: ReceiverAnswer[] = []) {
  const received: ReceivedDelivery[] = [];
  const answers = [...script];
  const receive = async (input: string | URL | Request, init?: RequestInit) => {
    const request = new Request(input, init);
    const body = await request.text();
    received.push({
      url: request.url,
      headers: request.headers,
      body,
      json: body === '' ? {} : z.record(z.string(), z.unknown()).parse(JSON.parse(body)),
    });
    const answer = answers.shift() ?? 200;
    if (answer === 'drop') throw new TypeError('fetch failed');
    return new Response(null, { status: answer });
  };
  const fetchFn: typeof fetch = receive;
  return { received, fetch: fetchFn };
}
