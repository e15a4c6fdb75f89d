import { z } from 'zod';

export const Deployment = z.enum(['cloud', 'data_center']);
export type Deployment = z.infer<typeof Deployment>;

export const AuthType = z.enum([
  'cloud_oauth2',
  'dc_oauth2',
  'oauth1',
  'cloud_api_token',
  'dc_pat',
  'dc_basic',
]);
export type AuthType = z.infer<typeof AuthType>;

export const ConnectionStatus = z.enum([
  'pending_authorization',
  'active',
  'needs_reauthorization',
]);
export type ConnectionStatus = z.infer<typeof ConnectionStatus>;

const secret = z.string().min(1).max(10_000);
const httpUrl = z.url({ protocol: /^https?$/ });

/** The credentials a connection is created with, by auth type. */
export const ConnectionAuthInput = z.discriminatedUnion('type', [
  z.object({ type: z.literal('cloud_api_token'), email: z.email(), apiToken: secret }).strict(),
  z.object({ type: z.literal('dc_pat'), token: secret }).strict(),
  z.object({ type: z.literal('dc_basic'), username: z.string().min(1), password: secret }).strict(),
]);
export type ConnectionAuthInput = z.infer<typeof ConnectionAuthInput>;

export const ProxyInput = z
  .object({ url: httpUrl, username: z.string().min(1).optional(), password: secret.optional() })
  .strict();

export const CreateConnectionRequest = z
  .object({
    name: z.string().trim().min(1).max(100),
    jiraUrl: httpUrl,
    /** The URL people open issues at, when Jira sits behind a proxy and `jiraUrl` is internal. */
    linkBaseUrl: httpUrl.optional(),
    /** Detected from serverInfo; when given, it must match what Jira reports. */
    deployment: Deployment.optional(),
    proxy: ProxyInput.optional(),
    requireUserGrantForWrites: z.boolean().optional(),
    auth: ConnectionAuthInput,
  })
  .strict();
export type CreateConnectionRequest = z.infer<typeof CreateConnectionRequest>;

/**
 * One check. Permission checks name the `permission` (Jira's key); per-project checks
 * (`project:TB:permission:CREATE_ISSUES`, `project:TB` when the project cannot be read) also
 * the `projectKey`.
 */
export const DiagnosticCheck = z.object({
  name: z.string(),
  result: z.enum(['pass', 'warn', 'fail']),
  detail: z.string(),
  hint: z.string().optional(),
  projectKey: z.string().optional(),
  permission: z.string().optional(),
});
export type DiagnosticCheck = z.infer<typeof DiagnosticCheck>;

/**
 * `POST …/{id}/diagnostics` body (optional): the Jira projects to check permissions in. Without
 * it, the projects mapped to the connection (none until mappings exist) are checked.
 */
export const RunDiagnosticsRequest = z.strictObject({
  projectKeys: z
    .array(z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,254}$/, 'is not a Jira project key'))
    .min(1)
    .max(50)
    .optional(),
});
export type RunDiagnosticsRequest = z.infer<typeof RunDiagnosticsRequest>;

export const ConnectionDiagnostics = z.object({
  ranAt: z.iso.datetime(),
  checks: z.array(DiagnosticCheck),
});
export type ConnectionDiagnostics = z.infer<typeof ConnectionDiagnostics>;

/** A connection as the API shows it: never a secret, only whether one is set. */
export const Connection = z.object({
  id: z.string(),
  name: z.string(),
  jiraUrl: z.string(),
  linkBaseUrl: z.string().nullable(),
  deployment: Deployment,
  serverVersion: z.string().nullable(),
  cloudId: z.string().nullable(),
  auth: z.object({
    type: AuthType,
    username: z.string().nullable(),
    clientId: z.string().nullable(),
    consumerKey: z.string().nullable(),
    publicKey: z.string().nullable(),
  }),
  status: ConnectionStatus,
  statusReason: z.string().nullable(),
  grantedScopes: z.array(z.string()),
  proxy: z
    .object({ url: z.string(), username: z.string().nullable(), hasPassword: z.boolean() })
    .nullable(),
  requireUserGrantForWrites: z.boolean(),
  diagnostics: ConnectionDiagnostics.nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
export type Connection = z.infer<typeof Connection>;

export const ConnectionList = z.object({ items: z.array(Connection) });

/** `PATCH /api/v1/connections/{id}`: settings that can change after creation. */
export const UpdateConnectionRequest = z
  .object({
    /** Writes on behalf of a test-tool user need that user's own OAuth grant. */
    requireUserGrantForWrites: z.boolean().optional(),
  })
  .strict();
export type UpdateConnectionRequest = z.infer<typeof UpdateConnectionRequest>;

export const ConnectionIdParam = z.object({ id: z.string().min(1) });

/** What the OAuth history of a connection records. */
export const CONNECTION_EVENT_TYPES = [
  'created',
  'authorized',
  'refreshed',
  'refresh_failed',
  'needs_reauthorization',
  're_authorized',
  'configuration_updated',
  'site_changed',
  'settings_updated',
  'revoked',
  'diagnostics_run',
] as const;

export const ConnectionEvent = z.object({
  id: z.string(),
  at: z.iso.datetime(),
  type: z.enum(CONNECTION_EVENT_TYPES),
  actor: z.string(),
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).nullable(),
});
export type ConnectionEvent = z.infer<typeof ConnectionEvent>;

export const ConnectionEventPage = z.object({
  items: z.array(ConnectionEvent),
  nextCursor: z.string().nullable(),
});

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().optional(),
});
