import type { ApiKeyRole } from '@testbridge/shared/api/api-keys';

/** Who is calling: resolved from the bearer API key. */
export interface Caller {
  keyId: string;
  name: string;
  role: ApiKeyRole;
}

/** Hono context variables set by the platform middleware. */
export interface Env {
  Variables: {
    requestId: string;
    caller: Caller;
  };
}
