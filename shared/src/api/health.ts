import { z } from 'zod';

export const Health = z.object({ status: z.literal('ok') });
export type Health = z.infer<typeof Health>;

/** Readiness: every check must pass for `ready`. */
export const Readiness = z.object({
  status: z.enum(['ready', 'not_ready']),
  checks: z.object({
    store: z.enum(['ok', 'unreachable']),
    migrations: z.enum(['applied', 'pending']),
  }),
});
export type Readiness = z.infer<typeof Readiness>;
