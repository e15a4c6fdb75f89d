/**
 * Jira Software Cloud Deployments API payloads (`submitDeployments`), strict, with Jira's limits.
 * `DeploymentInput` is what we accept from CI: the same, except `environment.type` may be left out
 * (the DevOps site's environment rules fill it in).
 * @see https://developer.atlassian.com/cloud/jira/software/rest/api-group-deployments/#api-rest-deployments-0-1-bulk-post
 */
import { z } from 'zod';
import {
  checkIssueLinks,
  DevopsProperties,
  IssueAssociation,
  IssueKey,
  JIRA_DEVOPS_LIMITS,
  JiraErrorMessage,
  ProviderMetadata,
  UnknownAssociation,
} from './builds.ts';

const text = (max: number) => z.string().min(1).max(max);

export const DeploymentState = z.enum([
  'unknown',
  'pending',
  'in_progress',
  'cancelled',
  'failed',
  'rolled_back',
  'successful',
]);
export type DeploymentState = z.infer<typeof DeploymentState>;

export const EnvironmentType = z.enum([
  'unmapped',
  'development',
  'testing',
  'staging',
  'production',
]);
export type EnvironmentType = z.infer<typeof EnvironmentType>;

export const ServiceAssociation = z.strictObject({
  associationType: z.literal('serviceIdOrKeys'),
  values: z.array(text(255)).min(1).max(JIRA_DEVOPS_LIMITS.associationValues),
});

export const DeploymentAssociation = z.union([IssueAssociation, ServiceAssociation]);
export type DeploymentAssociation = z.infer<typeof DeploymentAssociation>;

export const DeploymentPipeline = z.strictObject({
  id: text(255),
  displayName: text(255),
  url: z.url().max(2000),
});

const environmentFields = { id: text(255), displayName: text(255) };
export const DeploymentEnvironment = z.strictObject({
  ...environmentFields,
  type: EnvironmentType,
});

const deploymentFields = {
  schemaVersion: z.literal('1.0').optional(),
  deploymentSequenceNumber: z.int(),
  updateSequenceNumber: z.int(),
  /** Deprecated by Jira in favour of `associations`; still accepted. */
  issueKeys: z.array(IssueKey).min(1).max(JIRA_DEVOPS_LIMITS.issueKeysPerItem).optional(),
  associations: z.array(DeploymentAssociation).min(1).max(3).optional(),
  displayName: text(255),
  url: z.url().max(2000),
  description: z.string().max(255),
  lastUpdated: z.iso.datetime({ offset: true }),
  label: z.string().max(255).optional(),
  /** Seconds. */
  duration: z.int().min(0).optional(),
  state: DeploymentState,
  pipeline: DeploymentPipeline,
  environment: DeploymentEnvironment,
  commands: z.array(z.strictObject({ command: text(255) })).optional(),
};

const checkDeploymentLinks = checkIssueLinks('issues or services');

/** One deployment, as Jira's `DeploymentData`. */
export const DeploymentData = z.strictObject(deploymentFields).superRefine(checkDeploymentLinks);
export type DeploymentData = z.infer<typeof DeploymentData>;

/** A deployment from CI: `environment.type` may be missing (the site's rules decide it). */
export const DeploymentInput = z
  .strictObject({
    ...deploymentFields,
    environment: z.strictObject({ ...environmentFields, type: EnvironmentType.optional() }),
  })
  .superRefine(checkDeploymentLinks);
export type DeploymentInput = z.infer<typeof DeploymentInput>;

const envelope = {
  properties: DevopsProperties.optional(),
  providerMetadata: ProviderMetadata.optional(),
};

/** The body of `POST /rest/deployments/0.1/bulk` as Jira takes it. */
export const SubmitDeploymentsRequest = z.strictObject({
  ...envelope,
  deployments: z.array(DeploymentData).min(1).max(JIRA_DEVOPS_LIMITS.itemsPerRequest),
});
export type SubmitDeploymentsRequest = z.infer<typeof SubmitDeploymentsRequest>;

/** The same envelope as CI may send it to Testbridge (environment types optional). */
export const SubmitDeploymentsInput = z.strictObject({
  ...envelope,
  deployments: z.array(DeploymentInput).min(1).max(JIRA_DEVOPS_LIMITS.itemsPerRequest),
});
export type SubmitDeploymentsInput = z.infer<typeof SubmitDeploymentsInput>;

/** A `submitDeployments` body with the deployments left unchecked (refused as a whole: 400). */
export const SubmitDeploymentsEnvelope = z.strictObject({
  ...envelope,
  deployments: z.array(z.unknown()).min(1),
});

export const DeploymentKey = z.object({
  pipelineId: z.string(),
  environmentId: z.string(),
  deploymentSequenceNumber: z.number(),
});
export type DeploymentKey = z.infer<typeof DeploymentKey>;

/** Jira's `202` answer; every list may be missing. */
export const SubmitDeploymentsResponse = z.object({
  acceptedDeployments: z.array(DeploymentKey).default([]),
  rejectedDeployments: z
    .array(z.object({ key: DeploymentKey, errors: z.array(JiraErrorMessage).default([]) }))
    .default([]),
  unknownIssueKeys: z.array(z.string()).default([]),
  unknownAssociations: z.array(UnknownAssociation).default([]),
});
export type SubmitDeploymentsResponse = z.infer<typeof SubmitDeploymentsResponse>;
