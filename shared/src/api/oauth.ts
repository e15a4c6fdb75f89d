import { z } from 'zod';
import {
  Connection,
  ConnectionAuthInput,
  CreateConnectionRequest,
  ProxyInput,
} from './connections.ts';

/** Where a consent flow stands. */
export const OAUTH_FLOW_STATUSES = [
  'pending',
  'awaiting_verification',
  'site_choice_required',
  'completed',
  'failed',
] as const;

const secret = z.string().min(1).max(10_000);
const httpUrl = z.url({ protocol: /^https?$/ });

/** The OAuth credentials a connection is created with, by auth type. */
export const OAuthAuthInput = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('cloud_oauth2'),
      /** Testbridge's own Atlassian app (from config) or the customer's, with its client id/secret. */
      app: z.enum(['testbridge', 'own']),
      clientId: z.string().min(1).max(200).optional(),
      clientSecret: secret.optional(),
    })
    .strict()
    .superRefine((auth, ctx) => {
      for (const field of ['clientId', 'clientSecret'] as const) {
        if (auth.app === 'own' && !auth[field])
          ctx.addIssue({ code: 'custom', path: [field], message: 'is required with app "own"' });
        if (auth.app === 'testbridge' && auth[field])
          ctx.addIssue({ code: 'custom', path: [field], message: 'applies to app "own" only' });
      }
    }),
  z
    .object({
      type: z.literal('dc_oauth2'),
      clientId: z.string().min(1).max(200),
      clientSecret: secret,
    })
    .strict(),
  z
    .object({
      type: z.literal('oauth1'),
      consumerKey: z.string().min(1).max(200),
      /** PEM (PKCS#1 or PKCS#8, armour optional); generated (2048-bit) when absent. */
      privateKey: secret.optional(),
    })
    .strict(),
]);
export type OAuthAuthInput = z.infer<typeof OAuthAuthInput>;

export const CreateOAuthConnectionRequest = z
  .object({
    name: z.string().trim().min(1).max(100),
    jiraUrl: httpUrl,
    linkBaseUrl: httpUrl.optional(),
    proxy: ProxyInput.optional(),
    requireUserGrantForWrites: z.boolean().optional(),
    auth: OAuthAuthInput,
  })
  .strict();
export type CreateOAuthConnectionRequest = z.infer<typeof CreateOAuthConnectionRequest>;

/** What to enter in Jira's application link (OAuth 1.0a incoming authentication). */
export const ApplicationLinkFields = z.object({
  consumerKey: z.string(),
  consumerName: z.string(),
  publicKey: z.string(),
  callbackUrl: z.string(),
  warnings: z.array(z.string()),
});

/** `POST /api/v1/connections/oauth` and `PATCH …/oauth`: the connection and, for OAuth 1.0a, Jira's link fields. */
export const OAuthConnectionCreated = z.object({
  connection: Connection,
  applicationLink: ApplicationLinkFields.nullable(),
});

/** `POST /api/v1/connections`: token credentials (checked at once) or an OAuth type (consent next). */
export const CreateAnyConnectionRequest = CreateConnectionRequest.omit({ auth: true })
  .extend({ auth: z.discriminatedUnion('type', [ConnectionAuthInput, OAuthAuthInput]) })
  .strict();
export type CreateAnyConnectionRequest = z.infer<typeof CreateAnyConnectionRequest>;

/** The answer to a create: the connection, and the application-link fields for OAuth 1.0a. */
export const ConnectionCreated = Connection.extend({
  applicationLink: ApplicationLinkFields.nullable().optional(),
});

/**
 * Change the OAuth configuration. A new client secret alone keeps the client id and the grants
 * (tokens do not depend on the secret); a new client id or consumer key drops the grants and the
 * connection needs a new consent; a new key pair keeps OAuth 1.0a grants (they belong to the
 * consumer key) once Jira's application link has the new public key.
 */
export const UpdateOAuthConfigRequest = z
  .object({
    clientId: z.string().min(1).max(200).optional(),
    clientSecret: secret.optional(),
    consumerKey: z.string().min(1).max(200).optional(),
    privateKey: secret.optional(),
    generateKeyPair: z.boolean().optional(),
  })
  .strict();
export type UpdateOAuthConfigRequest = z.infer<typeof UpdateOAuthConfigRequest>;

/** What a configuration change did to the connection's grants (shared and users'). */
export const GrantsOutcome = z.object({
  action: z.enum(['kept', 'dropped']),
  /** How many grants were dropped (0 when kept). */
  dropped: z.number().int(),
  reason: z.string(),
});

/** `PATCH …/{id}/oauth`: the connection, Jira's link fields (OAuth 1.0a) and the grants' fate. */
export const OAuthConfigUpdated = OAuthConnectionCreated.extend({ grants: GrantsOutcome });

export const StartAuthorizationRequest = z
  .object({
    /** OAuth 1.0a only: `oob` makes Jira show the verifier for pasting instead of redirecting. */
    callback: z.enum(['redirect', 'oob']).default('redirect'),
  })
  .strict();

export const JiraSite = z.object({ cloudId: z.string(), url: z.string(), name: z.string() });

export const AuthorizationFlow = z.object({
  flowId: z.string(),
  connectionId: z.string(),
  /** '' for the connection's shared grant, else the test-tool user it belongs to. */
  subject: z.string(),
  status: z.enum(OAUTH_FLOW_STATUSES),
  authorizationUrl: z.string().nullable(),
  expiresAt: z.iso.datetime(),
  failure: z.string().nullable(),
  sites: z.array(JiraSite),
  missingScopes: z.array(z.string()),
  /**
   * The consent came back in the browser that started the flow (its HttpOnly cookie matched at
   * the callback): the flow completes there without the verification code, or, when a site must
   * still be chosen, completes with `cloudId` alone.
   */
  browserVerified: z.boolean(),
});
export type AuthorizationFlow = z.infer<typeof AuthorizationFlow>;

/**
 * `POST …/{id}/authorization-links`: a single-use, short-lived link to Testbridge's own page
 * where the user named by `X-Testbridge-User` authorizes themselves (hand it to the user instead
 * of Jira's consent URL).
 */
export const AuthorizationLink = z.object({
  url: z.string(),
  expiresAt: z.iso.datetime(),
  /** The test-tool user the link authorizes. */
  user: z.string(),
});
export type AuthorizationLink = z.infer<typeof AuthorizationLink>;

export const CompleteAuthorizationRequest = z
  .object({
    /**
     * The verification code the callback page showed, or the OAuth 1.0a `oob` verifier; not
     * needed when the flow is `browserVerified`.
     */
    code: z.string().min(1).max(500).optional(),
    /** Cloud: the site chosen when consent covered several. */
    cloudId: z.string().min(1).optional(),
  })
  .strict();

export const FlowParams = z.object({ id: z.string().min(1), flowId: z.string().min(1) });
export const UserGrantParams = z.object({
  id: z.string().min(1),
  user: z.string().min(1).max(200),
});

/** The Jira account a grant acts as, from `myself` when it was granted (DC: the username). */
export const JiraAccount = z.object({ accountId: z.string(), displayName: z.string().nullable() });

/** One test-tool user's own grant on a connection (never a token). */
export const UserGrant = z.object({
  /** The test-tool user (`X-Testbridge-User`) the grant belongs to. */
  user: z.string(),
  jiraAccount: JiraAccount.nullable(),
  scopes: z.array(z.string()),
  grantedAt: z.iso.datetime(),
  /** When a call last used it (to the minute); null when never. */
  lastUsedAt: z.iso.datetime().nullable(),
});
export type UserGrant = z.infer<typeof UserGrant>;
export const UserGrantList = z.object({ items: z.array(UserGrant) });
export const GrantParams = z.object({ id: z.string().min(1), subject: z.string() });
