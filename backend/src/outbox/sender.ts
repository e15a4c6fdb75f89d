/**
 * The contract between the outbox (platform) and a feature that delivers one kind of item: the
 * feature registers a sender per kind; the outbox never imports a feature.
 */

/** A leased item as a sender sees it. `payload` is the JSON text the feature enqueued. */
export interface OutboxItem {
  id: string;
  kind: string;
  target: string;
  subject: string | null;
  payload: string;
  attempts: number;
  createdAt: Date;
}

/** How the receiver judged one item. `detail` is JSON-serialisable and safe to show. */
export interface ItemVerdict {
  status: 'delivered' | 'rejected';
  /** Stable, snake_case: `accepted`, `rejected`, `unknown_issue_keys`, `superseded` … */
  verdict: string;
  /** One or two plain-English sentences for the person reading the CI log. */
  explanation: string;
  detail?: unknown;
}

/**
 * Verdicts for the items the receiver judged before a failure (e.g. the earlier requests of a
 * batch the sender sends as several): they are settled as they are, and the failure concerns only
 * the other items, so they are neither sent again nor counted as failed.
 */
interface Judged {
  settled?: ReadonlyMap<string, ItemVerdict> | undefined;
}

/** The result of sending one batch. Anything but `delivered` says nothing about single items. */
export type SendOutcome =
  /** The receiver answered for the batch; items missing from `verdicts` count as delivered. */
  | { type: 'delivered'; verdicts: ReadonlyMap<string, ItemVerdict> }
  /** 429: try this target again after `retryAfterMs`. */
  | ({ type: 'rate_limited'; retryAfterMs: number; message: string } & Judged)
  /** 5xx, timeout or network error: back off (at least `retryAfterMs` when the receiver said so). */
  | ({ type: 'unavailable'; message: string; retryAfterMs?: number | undefined } & Judged)
  /** The batch as a whole was refused as malformed (400) or too large (413): split it. */
  | ({ type: 'malformed'; message: string; detail?: unknown } & Judged)
  /** Credentials refused even after one refresh: hold the target until someone fixes it. */
  | ({ type: 'unauthorized'; message: string } & Judged)
  /** The target no longer exists (e.g. deleted): the items can never be delivered. */
  | { type: 'target_gone'; message: string };

/** Delivers batches of one kind of item. */
export interface OutboxSender {
  readonly kind: string;
  /** Largest batch the receiver accepts (at most 100). */
  readonly maxBatch: number;
  send(target: string, items: readonly OutboxItem[]): Promise<SendOutcome>;
}
