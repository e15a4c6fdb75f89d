import { z } from 'zod';

/** Branded ids: a connection id cannot be passed where an API key id is expected. */
export const ApiKeyId = z.string().min(1).brand<'ApiKeyId'>();
export type ApiKeyId = z.infer<typeof ApiKeyId>;

/** Jira Cloud site id, as `accessible-resources` and `/_edge/tenant_info` report it. */
export const CloudId = z.uuid().brand<'CloudId'>();
export type CloudId = z.infer<typeof CloudId>;
