import type { CiBuild, CiDeployment, DevopsItemKey } from '@testbridge/shared/api/devops';
import {
  BuildData,
  DevopsProperties,
  type IssueAssociation,
  ProviderMetadata,
} from '@testbridge/shared/jira/builds';
import {
  type DeploymentAssociation,
  DeploymentData,
  type DeploymentInput,
} from '@testbridge/shared/jira/deployments';
import { z } from 'zod';

/** Outbox kinds of the DevOps feature. */
export const DEVOPS_KINDS = { build: 'jira.builds', deployment: 'jira.deployments' } as const;
export type DevopsKind = keyof typeof DEVOPS_KINDS;

/** The envelope fields Jira applies to every item of one request. */
export interface DevopsEnvelope {
  properties?: Record<string, string> | undefined;
  providerMetadata?: { product?: string | undefined } | undefined;
}

const envelope = {
  properties: DevopsProperties.optional(),
  providerMetadata: ProviderMetadata.optional(),
};
/** What an outbox item of kind `jira.builds` carries: one build and its request's envelope. */
export const StoredBuild = z.object({ ...envelope, item: BuildData });
export type StoredBuild = z.infer<typeof StoredBuild>;
export const StoredDeployment = z.object({ ...envelope, item: DeploymentData });
export type StoredDeployment = z.infer<typeof StoredDeployment>;

export function buildKeyOf(build: Pick<BuildData, 'pipelineId' | 'buildNumber'>): DevopsItemKey {
  return { pipelineId: build.pipelineId, buildNumber: build.buildNumber };
}

export function deploymentKeyOf(
  deployment: Pick<DeploymentData, 'pipeline' | 'environment' | 'deploymentSequenceNumber'>,
): DevopsItemKey {
  return {
    pipelineId: deployment.pipeline.id,
    environmentId: deployment.environment.id,
    deploymentSequenceNumber: deployment.deploymentSequenceNumber,
  };
}

/** A string naming one build or deployment (Jira's key), for grouping. */
export function keyText(key: DevopsItemKey): string {
  return 'buildNumber' in key
    ? `${key.pipelineId}\u001f${key.buildNumber}`
    : `${key.pipelineId}\u001f${key.environmentId}\u001f${key.deploymentSequenceNumber}`;
}

/**
 * Same site, kind, item and update sequence number ⇒ the same event (CI retries are free). Kept
 * readable rather than hashed: keys of one pipeline sort together, which keeps the unique index
 * cheap to insert into.
 */
export function dedupeKeyOf(
  kind: DevopsKind,
  siteId: string,
  key: DevopsItemKey,
  updateSequenceNumber: number,
): string {
  return `${kind}\u001f${siteId}\u001f${keyText(key)}\u001f${updateSequenceNumber}`;
}

/** Issue keys and ids an item names, upper-cased (Jira's keys are case-insensitive). */
export function issueRefsOf(item: {
  issueKeys?: string[] | undefined;
  associations?: (IssueAssociation | DeploymentAssociation)[] | undefined;
}): string[] {
  const refs = [...(item.issueKeys ?? [])];
  for (const association of item.associations ?? []) {
    if (association.associationType !== 'serviceIdOrKeys') refs.push(...association.values);
  }
  return [...new Set(refs.map((ref) => ref.toUpperCase()))];
}

/** Our friendlier build → Jira's BuildData, filling in what CI left out. */
export function completeCiBuild(build: CiBuild, now: Date): BuildData {
  const { displayName, updateSequenceNumber, lastUpdated, ...rest } = build;
  return {
    ...rest,
    displayName: displayName ?? `${build.pipelineId} #${build.buildNumber}`,
    updateSequenceNumber: updateSequenceNumber ?? now.getTime(),
    lastUpdated: lastUpdated ?? now.toISOString(),
  };
}

/** Our friendlier deployment → Jira's shape (environment type still to be resolved). */
export function completeCiDeployment(deployment: CiDeployment, now: Date): DeploymentInput {
  const {
    pipeline,
    environment,
    displayName,
    description,
    updateSequenceNumber,
    lastUpdated,
    ...rest
  } = deployment;
  const completed = {
    pipeline: {
      id: pipeline.id,
      displayName: pipeline.displayName ?? pipeline.id,
      url: pipeline.url ?? deployment.url,
    },
    environment: {
      id: environment.id,
      displayName: environment.displayName ?? environment.id,
      ...(environment.type ? { type: environment.type } : {}),
    },
  };
  const name =
    displayName ??
    `${completed.pipeline.displayName} #${deployment.deploymentSequenceNumber} to ${completed.environment.displayName}`;
  return {
    ...rest,
    ...completed,
    displayName: name.slice(0, 255),
    description: description ?? name.slice(0, 255),
    updateSequenceNumber: updateSequenceNumber ?? now.getTime(),
    lastUpdated: lastUpdated ?? now.toISOString(),
  };
}
