import { z } from 'zod';

/** Who may call the API: `admin` manages Testbridge; `tool` is the test-management tool. */
export const ApiKeyRole = z.enum(['admin', 'tool']);
export type ApiKeyRole = z.infer<typeof ApiKeyRole>;

export const CreateApiKeyRequest = z
  .object({
    name: z.string().trim().min(1).max(100),
    role: ApiKeyRole,
  })
  .strict();
export type CreateApiKeyRequest = z.infer<typeof CreateApiKeyRequest>;

/** An API key as listed: never the key itself, only its first characters to recognise it. */
export const ApiKey = z.object({
  id: z.string(),
  name: z.string(),
  role: ApiKeyRole,
  prefix: z.string(),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
});
export type ApiKey = z.infer<typeof ApiKey>;

/** The answer to a creation: the only time the key is shown. */
export const CreatedApiKey = ApiKey.extend({ key: z.string().startsWith('tb_') });
export type CreatedApiKey = z.infer<typeof CreatedApiKey>;

export const ApiKeyList = z.object({ items: z.array(ApiKey) });
export type ApiKeyList = z.infer<typeof ApiKeyList>;

export const ApiKeyIdParam = z.object({ id: z.string().min(1) });

/** The caller behind an API key. */
export const WhoAmI = z.object({ keyId: z.string(), name: z.string(), role: ApiKeyRole });
export type WhoAmI = z.infer<typeof WhoAmI>;
