/**
 * `submitBuilds` / `submitDeployments` as Jira answers them: the whole request refused (400, 413)
 * when the envelope is wrong, else 202 with each item accepted or rejected (Jira's messages), plus
 * the unknown issue keys and associations. Older updateSequenceNumbers are accepted and ignored.
 * The envelope's `properties` and `providerMetadata` are stored with every item the request stored.
 * @see https://developer.atlassian.com/cloud/jira/software/rest/api-group-builds/#api-rest-builds-0-1-bulk-post
 */
import { z } from 'zod';
import type { SimDeps } from '../deps.ts';
import { findIssue } from '../world/read.ts';
import type { CloudSite } from '../world/types.ts';
import { type DevopsApi, describeSchemaErrors, devopsValidators } from './schemas.ts';
import { buildKey, deploymentKey, siteStateOf } from './state.ts';

/** Jira's limits (jira-protocols.md §2.3, §2.4). */
export const DEVOPS_LIMITS = { items: 100, associationValues: 500, properties: 5 } as const;

const errorArray = (status: number, messages: string[]) =>
  Response.json(
    messages.map((message) => ({ message })),
    { status },
  );

const association = z.object({ associationType: z.string(), values: z.array(z.unknown()) });
const itemShape = z
  .object({
    updateSequenceNumber: z.number(),
    issueKeys: z.array(z.string()).optional(),
    associations: z.array(association).optional(),
  })
  .loose();
const buildKeyShape = z.object({ pipelineId: z.unknown(), buildNumber: z.unknown() }).loose();
const deploymentKeyShape = z
  .object({
    deploymentSequenceNumber: z.unknown(),
    pipeline: z.object({ id: z.unknown() }).loose().optional(),
    environment: z.object({ id: z.unknown() }).loose().optional(),
  })
  .loose();

/** The item's key as Jira reports it (`BuildKey` / `DeploymentKey`), from whatever was sent. */
function keyOf(api: DevopsApi, item: unknown): Record<string, unknown> {
  if (api === 'builds') {
    const parsed = buildKeyShape.safeParse(item);
    return parsed.success
      ? { pipelineId: parsed.data.pipelineId, buildNumber: parsed.data.buildNumber }
      : {};
  }
  const parsed = deploymentKeyShape.safeParse(item);
  return parsed.success
    ? {
        pipelineId: parsed.data.pipeline?.id,
        environmentId: parsed.data.environment?.id,
        deploymentSequenceNumber: parsed.data.deploymentSequenceNumber,
      }
    : {};
}

function storageKey(api: DevopsApi, key: Record<string, unknown>): string {
  return api === 'builds'
    ? buildKey(String(key.pipelineId), String(key.buildNumber))
    : deploymentKey(
        String(key.pipelineId),
        String(key.environmentId),
        String(key.deploymentSequenceNumber),
      );
}

export function submitDevopsItems(
  deps: SimDeps,
  site: CloudSite,
  api: DevopsApi,
  body: unknown,
): Response {
  const validators = devopsValidators(api);
  if (!validators.envelope(body)) {
    return errorArray(400, describeSchemaErrors(validators.envelope.errors));
  }
  const envelope = z
    .object({
      properties: z.record(z.string(), z.string()).optional(),
      providerMetadata: z.record(z.string(), z.unknown()).optional(),
    })
    .loose()
    .parse(body);
  const items = z.array(z.unknown()).parse(envelope[api]);
  const noun = api === 'builds' ? 'builds' : 'deployments';
  if (items.length > DEVOPS_LIMITS.items) {
    return errorArray(413, [`Data is too large. Submit fewer ${noun} in each payload.`]);
  }
  const badKeys = Object.keys(envelope.properties ?? {}).filter(
    (key) => key.includes(':') || key.startsWith('_'),
  );
  if (badKeys.length > 0) {
    return errorArray(400, [
      `Property keys must not contain ':' or start with '_': ${badKeys.join(', ')}`,
    ]);
  }
  for (const item of items) {
    const shape = itemShape.safeParse(item);
    const total = (shape.success ? (shape.data.associations ?? []) : []).reduce(
      (sum, a) => sum + a.values.length,
      0,
    );
    if (total > DEVOPS_LIMITS.associationValues) {
      return errorArray(400, [
        'Sum of Association values across all association types can have a maximum of 500 elements',
      ]);
    }
  }

  const state = siteStateOf(deps, site.cloudId)[api === 'builds' ? 'builds' : 'deployments'];
  const accepted: Record<string, unknown>[] = [];
  const rejected: { key: Record<string, unknown>; errors: { message: string }[] }[] = [];
  const unknownIssueKeys = new Set<string>();
  const unknownAssociations = new Map<string, Set<string>>();
  const single = api === 'builds' ? 'build' : 'deployment';

  for (const item of items) {
    const key = keyOf(api, item);
    if (!validators.item(item)) {
      const errors = describeSchemaErrors(validators.item.errors).map((message) => ({ message }));
      rejected.push({ key, errors });
      continue;
    }
    const data = itemShape.parse(item);
    const known: string[] = [];
    for (const issueKey of data.issueKeys ?? []) {
      if (findIssue(site, issueKey)) known.push(issueKey.toUpperCase());
      else unknownIssueKeys.add(issueKey);
    }
    for (const { associationType, values } of data.associations ?? []) {
      for (const value of values.map(String)) {
        const issue =
          associationType === 'issueKeys' || associationType === 'issueIdOrKeys'
            ? findIssue(site, value)
            : undefined;
        if (issue) known.push(issue.key);
        else
          unknownAssociations.set(
            associationType,
            (unknownAssociations.get(associationType) ?? new Set()).add(value),
          );
      }
    }
    if (known.length === 0) {
      rejected.push({ key, errors: [{ message: `No valid issues found for ${single}` }] });
      continue;
    }
    accepted.push(key);
    const id = storageKey(api, key);
    const stored = state.get(id);
    if (!stored || stored.updateSequenceNumber < data.updateSequenceNumber) {
      state.set(id, {
        data: jsonObjectOf(item),
        updateSequenceNumber: data.updateSequenceNumber,
        storedAt: deps.clock.now(),
        issueKeys: [...new Set(known)],
        properties: envelope.properties ?? {},
        providerMetadata: envelope.providerMetadata,
      });
    }
  }
  const acceptedName = api === 'builds' ? 'acceptedBuilds' : 'acceptedDeployments';
  const rejectedName = api === 'builds' ? 'rejectedBuilds' : 'rejectedDeployments';
  return Response.json(
    {
      [acceptedName]: accepted,
      [rejectedName]: rejected,
      unknownIssueKeys: [...unknownIssueKeys],
      ...(unknownAssociations.size > 0
        ? {
            unknownAssociations: [...unknownAssociations].map(([associationType, values]) => ({
              associationType,
              values: [...values],
            })),
          }
        : {}),
    },
    { status: 202 },
  );
}

function jsonObjectOf(item: unknown): Record<string, unknown> {
  return z.record(z.string(), z.unknown()).parse(item);
}
