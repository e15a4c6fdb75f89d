/** The admin view of the outbox: dead letters (and any other items) and retrying them. */
import { z } from 'zod';

export const OutboxStatus = z.enum(['pending', 'delivering', 'delivered', 'rejected', 'dead']);

/** One outbox item as an admin sees it; the payload stays inside. */
export const OutboxItemView = z.object({
  id: z.string(),
  kind: z.string(),
  target: z.string(),
  subject: z.string().nullable(),
  status: OutboxStatus,
  attempts: z.number().int(),
  verdict: z.string().nullable(),
  explanation: z.string().nullable(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.iso.datetime(),
  createdAt: z.iso.datetime(),
  settledAt: z.iso.datetime().nullable(),
});
export type OutboxItemView = z.infer<typeof OutboxItemView>;

export const OutboxItemList = z.object({
  items: z.array(OutboxItemView),
  nextBefore: z.string().nullable(),
});

export const OutboxItemQuery = z.strictObject({
  status: OutboxStatus.default('dead'),
  kind: z.string().min(1).optional(),
  target: z.string().min(1).optional(),
  before: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

/** Retry the listed dead letters, or every dead letter (of one target). */
export const RetryDeadLettersRequest = z.strictObject({
  ids: z.array(z.string().min(1)).min(1).max(1000).optional(),
  target: z.string().min(1).optional(),
});

export const RetriedDeadLetters = z.object({ retried: z.array(z.string()) });
