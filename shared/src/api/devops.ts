/**
 * The DevOps API: sites holding Jira Cloud "OAuth credentials" (2LO), the CI credentials Testbridge
 * issues for them, and builds/deployments posted by CI, with the story of each one (events).
 */
import { z } from 'zod';
import {
  BuildReference,
  BuildState,
  DevopsProperties,
  IssueAssociation,
  IssueKey,
  JIRA_DEVOPS_LIMITS,
  ProviderMetadata,
  TestInfo,
  UnknownAssociation,
} from '../jira/builds.ts';
import { DeploymentAssociation, DeploymentState, EnvironmentType } from '../jira/deployments.ts';

const httpUrl = z.url({ protocol: /^https?$/ }).max(2000);

/** What an admin copies from Jira's Settings → Apps → OAuth credentials page. */
export const CreateDevopsSiteRequest = z.strictObject({
  /** The app name shown in Jira. */
  name: z.string().trim().min(1).max(255),
  /** The Jira Cloud site, e.g. `https://acme.atlassian.net`. */
  siteUrl: httpUrl,
  clientId: z.string().trim().min(1).max(255),
  clientSecret: z.string().min(1).max(1000),
  serverBaseUrl: httpUrl.optional(),
  logoUrl: httpUrl.optional(),
});
export type CreateDevopsSiteRequest = z.infer<typeof CreateDevopsSiteRequest>;

/** Change any field; new credentials are checked with Atlassian before they are saved. */
export const UpdateDevopsSiteRequest = CreateDevopsSiteRequest.partial().strict();
export type UpdateDevopsSiteRequest = z.infer<typeof UpdateDevopsSiteRequest>;

export const DevopsSiteStatus = z.enum(['active', 'needs_attention']);

/** A DevOps site as listed: never its client secret. */
export const DevopsSite = z.object({
  id: z.string(),
  name: z.string(),
  siteUrl: z.string(),
  cloudId: z.string(),
  clientId: z.string(),
  serverBaseUrl: z.string().nullable(),
  logoUrl: z.string().nullable(),
  status: DevopsSiteStatus,
  /** Why deliveries stopped, when status is needs_attention. */
  attentionReason: z.string().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  verifiedAt: z.iso.datetime().nullable(),
});
export type DevopsSite = z.infer<typeof DevopsSite>;

export const DevopsSiteList = z.object({ items: z.array(DevopsSite) });
export const DevopsSiteIdParam = z.object({ siteId: z.string().min(1) });

/**
 * `pattern` is matched against the CI environment's id and display name, case-insensitively;
 * `*` matches any run of characters. The first matching rule wins.
 */
export const EnvironmentRule = z.strictObject({
  pattern: z.string().trim().min(1).max(255),
  environmentType: EnvironmentType,
});
export type EnvironmentRule = z.infer<typeof EnvironmentRule>;

export const EnvironmentRules = z.strictObject({ rules: z.array(EnvironmentRule).max(100) });
export type EnvironmentRules = z.infer<typeof EnvironmentRules>;

export const CreateCiCredentialRequest = z.strictObject({
  name: z.string().trim().min(1).max(100),
});

/** Client credentials a CI tool uses for one DevOps site; never the secret after creation. */
export const CiCredential = z.object({
  id: z.string(),
  siteId: z.string(),
  name: z.string(),
  clientId: z.string(),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
});
export type CiCredential = z.infer<typeof CiCredential>;

/** The answer to issuing credentials: the only time the secret is shown. */
export const CreatedCiCredential = CiCredential.extend({
  clientSecret: z.string(),
  /** Where CI gets a token with them (`POST`, client_credentials). */
  tokenUrl: z.string(),
});
export type CreatedCiCredential = z.infer<typeof CreatedCiCredential>;

export const CiCredentialList = z.object({ items: z.array(CiCredential) });
export const CiCredentialIdParam = DevopsSiteIdParam.extend({ credentialId: z.string().min(1) });

/** RFC 6749 §5.1 access token response of `POST /oauth/token`. */
export const CiTokenResponse = z.object({
  access_token: z.string(),
  token_type: z.literal('Bearer'),
  expires_in: z.number().int(),
});
export type CiTokenResponse = z.infer<typeof CiTokenResponse>;

const issueLinks = {
  issueKeys: z.array(IssueKey).min(1).max(JIRA_DEVOPS_LIMITS.issueKeysPerItem).optional(),
};

/**
 * A build for `/api/v1/devops/builds`: Jira's BuildData with defaults — `displayName`
 * (`{pipelineId} #{buildNumber}`), `lastUpdated` and `updateSequenceNumber` (now, epoch ms).
 */
export const CiBuild = z.strictObject({
  pipelineId: z.string().min(1).max(255),
  buildNumber: z.int(),
  state: BuildState,
  url: z.url().max(2000),
  displayName: z.string().min(1).max(255).optional(),
  updateSequenceNumber: z.int().optional(),
  lastUpdated: z.iso.datetime({ offset: true }).optional(),
  description: z.string().max(255).optional(),
  label: z.string().max(255).optional(),
  ...issueLinks,
  associations: z.array(IssueAssociation).min(1).optional(),
  testInfo: TestInfo.optional(),
  references: z.array(BuildReference).min(1).max(5).optional(),
  schemaVersion: z.literal('1.0').optional(),
});
export type CiBuild = z.infer<typeof CiBuild>;

/**
 * A deployment for `/api/v1/devops/deployments`: Jira's DeploymentData with defaults — pipeline and
 * environment display names (their ids), pipeline URL (the deployment's), environment type (the
 * site's rules), `displayName`, `description`, `lastUpdated`, `updateSequenceNumber`.
 */
export const CiDeployment = z.strictObject({
  deploymentSequenceNumber: z.int(),
  state: DeploymentState,
  url: z.url().max(2000),
  pipeline: z.strictObject({
    id: z.string().min(1).max(255),
    displayName: z.string().min(1).max(255).optional(),
    url: z.url().max(2000).optional(),
  }),
  environment: z.strictObject({
    id: z.string().min(1).max(255),
    displayName: z.string().min(1).max(255).optional(),
    type: EnvironmentType.optional(),
  }),
  displayName: z.string().min(1).max(255).optional(),
  description: z.string().max(255).optional(),
  updateSequenceNumber: z.int().optional(),
  lastUpdated: z.iso.datetime({ offset: true }).optional(),
  label: z.string().max(255).optional(),
  duration: z.int().min(0).optional(),
  ...issueLinks,
  associations: z.array(DeploymentAssociation).min(1).max(3).optional(),
  commands: z.array(z.strictObject({ command: z.string().min(1).max(255) })).optional(),
  schemaVersion: z.literal('1.0').optional(),
});
export type CiDeployment = z.infer<typeof CiDeployment>;

const envelope = {
  properties: DevopsProperties.optional(),
  providerMetadata: ProviderMetadata.optional(),
};
const many = <T extends z.ZodType>(item: T) =>
  z.array(item).min(1).max(JIRA_DEVOPS_LIMITS.itemsPerRequest);

/** One build, or `{ builds: [...] }` (with Jira's optional `properties`, `providerMetadata`). */
export const CiBuildsRequest = z.union([
  z.strictObject({ ...envelope, builds: many(CiBuild) }),
  CiBuild,
]);
export type CiBuildsRequest = z.infer<typeof CiBuildsRequest>;

/** One deployment, or `{ deployments: [...] }`. */
export const CiDeploymentsRequest = z.union([
  z.strictObject({ ...envelope, deployments: many(CiDeployment) }),
  CiDeployment,
]);
export type CiDeploymentsRequest = z.infer<typeof CiDeploymentsRequest>;

/** `{ builds: [...] }` with the builds left unchecked: each is judged on its own. */
export const CiBuildsEnvelope = z.strictObject({
  ...envelope,
  builds: z.array(z.unknown()).min(1).max(JIRA_DEVOPS_LIMITS.itemsPerRequest),
});

/** `{ deployments: [...] }` with the deployments left unchecked. */
export const CiDeploymentsEnvelope = z.strictObject({
  ...envelope,
  deployments: z.array(z.unknown()).min(1).max(JIRA_DEVOPS_LIMITS.itemsPerRequest),
});

export const DevopsEventKind = z.enum(['build', 'deployment']);
export const DevopsEventStatus = z.enum(['pending', 'delivering', 'delivered', 'rejected', 'dead']);
export type DevopsEventStatus = z.infer<typeof DevopsEventStatus>;

/** Which build or deployment an event is about. */
export const DevopsItemKey = z.union([
  z.object({ pipelineId: z.string(), buildNumber: z.number() }),
  z.object({
    pipelineId: z.string(),
    environmentId: z.string(),
    deploymentSequenceNumber: z.number(),
  }),
]);
export type DevopsItemKey = z.infer<typeof DevopsItemKey>;

/** One accepted item: its event id, to ask about later. */
export const AcceptedDevopsEvent = z.object({
  id: z.string(),
  key: DevopsItemKey,
  /** `pending` unless the verdict wait saw it settled (or a forwarder already sending it). */
  status: DevopsEventStatus,
  statusUrl: z.string(),
  /** With the verdict wait, when Jira answered in time: as `GET /events/{id}` reports it. */
  verdict: z.string().nullable().optional(),
  explanation: z.string().optional(),
});

/** `202` of `/api/v1/devops/builds` and `/deployments`: one event per item, in order. */
export const AcceptedDevopsEvents = z.object({ events: z.array(AcceptedDevopsEvent) });
export type AcceptedDevopsEvents = z.infer<typeof AcceptedDevopsEvents>;

/**
 * Extensions of the `400 validation_failed` problem of `/api/v1/devops/builds|deployments` when
 * some items were invalid: `invalidFields` names each bad field by index
 * (`body.builds[3].url`), the valid items were accepted all the same (`events`, with their
 * `index` in the request) and `rejectedIndexes` lists the others.
 */
export const PartlyAcceptedDevopsItems = z.object({
  events: z.array(AcceptedDevopsEvent.extend({ index: z.number().int() })),
  rejectedIndexes: z.array(z.number().int()),
});

/** What Jira said about an item (its own words), once delivered. */
export const JiraVerdictDetail = z.object({
  errors: z.array(z.string()),
  unknownIssueKeys: z.array(z.string()),
  unknownAssociations: z.array(
    z.object({ associationType: z.string(), values: z.array(z.unknown()) }),
  ),
});
export type JiraVerdictDetail = z.infer<typeof JiraVerdictDetail>;

/** The story of one posted build or deployment, in plain English. */
export const DevopsEvent = z.object({
  id: z.string(),
  kind: DevopsEventKind,
  siteId: z.string(),
  key: DevopsItemKey,
  status: DevopsEventStatus,
  /** `accepted`, `accepted_with_unknown_issue_keys`, `rejected`, `unknown_issue_keys`, `superseded`, `gave_up` … */
  verdict: z.string().nullable(),
  explanation: z.string(),
  jira: JiraVerdictDetail.nullable(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  nextAttemptAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  settledAt: z.iso.datetime().nullable(),
});
export type DevopsEvent = z.infer<typeof DevopsEvent>;

export const DevopsEventList = z.object({
  items: z.array(DevopsEvent),
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextBefore: z.string().nullable(),
});

export const DevopsEventIdParam = z.object({ id: z.string().min(1) });

export const DevopsEventQuery = z.strictObject({
  siteId: z.string().min(1).optional(),
  pipelineId: z.string().min(1).optional(),
  kind: DevopsEventKind.optional(),
  status: DevopsEventStatus.optional(),
  before: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export type DevopsEventQuery = z.infer<typeof DevopsEventQuery>;

/** An item Jira (or Testbridge, by Jira's rules) refused: its key as sent and Jira's messages. */
const rejectedItem = <T extends z.ZodType>(key: T) =>
  z.object({
    key,
    errors: z.array(z.object({ message: z.string(), errorTraceId: z.string().optional() })),
  });

const jiraLists = {
  unknownIssueKeys: z.array(z.string()),
  unknownAssociations: z.array(UnknownAssociation),
  events: z.array(AcceptedDevopsEvent),
};

/**
 * `202` of the Jira-compatible `POST /jira/builds/0.1/cloud/{cloudId}/bulk`: Jira's own answer
 * shape plus one event per accepted build. A build that breaks Jira's rules is in
 * `rejectedBuilds`; with the verdict wait, so is one Jira itself rejected, and `unknownIssueKeys`
 * are Jira's. Builds still pending are listed as accepted (their events say `pending`).
 */
export const JiraCompatibleBuildsAccepted = z.object({
  acceptedBuilds: z.array(z.object({ pipelineId: z.string(), buildNumber: z.number() })),
  rejectedBuilds: z.array(
    rejectedItem(z.object({ pipelineId: z.unknown(), buildNumber: z.unknown() }).partial()),
  ),
  ...jiraLists,
});

/** `202` of the Jira-compatible deployments endpoint, likewise. */
export const JiraCompatibleDeploymentsAccepted = z.object({
  acceptedDeployments: z.array(
    z.object({
      pipelineId: z.string(),
      environmentId: z.string(),
      deploymentSequenceNumber: z.number(),
    }),
  ),
  rejectedDeployments: z.array(
    rejectedItem(
      z
        .object({
          pipelineId: z.unknown(),
          environmentId: z.unknown(),
          deploymentSequenceNumber: z.unknown(),
        })
        .partial(),
    ),
  ),
  ...jiraLists,
});

export const CloudIdParam = z.object({ cloudId: z.string().min(1).max(255) });
