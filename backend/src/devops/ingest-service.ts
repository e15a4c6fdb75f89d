import type { AcceptedDevopsEvents, DevopsItemKey } from '@testbridge/shared/api/devops';
import type { BuildData } from '@testbridge/shared/jira/builds';
import type { DeploymentData, DeploymentInput } from '@testbridge/shared/jira/deployments';
import type { Deps } from '../deps.ts';
import { outboxCommitterFor } from '../outbox/committer.ts';
import type { NewOutboxItem } from '../outbox/service.ts';
import type { CiPrincipal } from './credential-service.ts';
import { resolveEnvironmentType } from './environment.ts';
import {
  buildKeyOf,
  DEVOPS_KINDS,
  type DevopsEnvelope,
  type DevopsKind,
  dedupeKeyOf,
  deploymentKeyOf,
} from './payloads.ts';
import { createDevopsSiteRepo } from './repo.ts';

type IngestDeps = Pick<Deps, 'store' | 'clock' | 'config'>;

export type AcceptedEvent = AcceptedDevopsEvents['events'][number];

/**
 * `JSON.stringify({ properties, providerMetadata, item })` for every item of one request, with
 * the envelope serialised once (spreading it into an object per item cost more than the item).
 */
function storedPayloadWriter(
  envelope: DevopsEnvelope,
): (item: BuildData | DeploymentData) => string {
  const shared = JSON.stringify({
    ...(envelope.properties ? { properties: envelope.properties } : {}),
    ...(envelope.providerMetadata ? { providerMetadata: envelope.providerMetadata } : {}),
  });
  const prefix = shared === '{}' ? '{"item":' : `${shared.slice(0, -1)},"item":`;
  return (item) => `${prefix}${JSON.stringify(item)}}`;
}

function toOutboxItem(
  kind: DevopsKind,
  siteId: string,
  payloadOf: (item: BuildData | DeploymentData) => string,
  item: BuildData | DeploymentData,
  key: DevopsItemKey,
): NewOutboxItem {
  return {
    kind: DEVOPS_KINDS[kind],
    target: siteId,
    subject: key.pipelineId,
    dedupeKey: dedupeKeyOf(kind, siteId, key, item.updateSequenceNumber),
    payload: payloadOf(item),
  };
}

/**
 * Commits every item to the outbox in one transaction (shared with concurrent requests: group
 * commit); only then are they accepted.
 */
async function commit(
  deps: IngestDeps,
  items: NewOutboxItem[],
  keys: DevopsItemKey[],
): Promise<AcceptedEvent[]> {
  const ids = await outboxCommitterFor(deps).commit(items);
  return ids.map((id, index) => ({
    id,
    key: keys[index] ?? { pipelineId: '', buildNumber: 0 },
    status: 'pending' as const,
    statusUrl: `${deps.config.publicUrl}/api/v1/devops/events/${id}`,
  }));
}

/** Accepts builds for the principal's site (already validated with Jira's rules). */
export async function acceptBuilds(
  deps: IngestDeps,
  principal: CiPrincipal,
  envelope: DevopsEnvelope,
  builds: BuildData[],
): Promise<AcceptedEvent[]> {
  const keys = builds.map(buildKeyOf);
  const payloadOf = storedPayloadWriter(envelope);
  const items = builds.map((build, i) =>
    toOutboxItem('build', principal.siteId, payloadOf, build, keys[i] ?? buildKeyOf(build)),
  );
  return commit(deps, items, keys);
}

/**
 * Accepts deployments for the principal's site; an environment without a type gets one from the
 * site's environment rules (then the defaults, then `unmapped`).
 */
export async function acceptDeployments(
  deps: IngestDeps,
  principal: CiPrincipal,
  envelope: DevopsEnvelope,
  inputs: DeploymentInput[],
): Promise<AcceptedEvent[]> {
  const untyped = inputs.some((input) => input.environment.type === undefined);
  const rules = untyped
    ? await createDevopsSiteRepo(deps.store.tables).listRules(deps.store.db, principal.siteId)
    : [];
  const deployments: DeploymentData[] = inputs.map((input) => ({
    ...input,
    environment: {
      ...input.environment,
      type: input.environment.type ?? resolveEnvironmentType(rules, input.environment),
    },
  }));
  const keys = deployments.map(deploymentKeyOf);
  const payloadOf = storedPayloadWriter(envelope);
  const items = deployments.map((deployment, i) =>
    toOutboxItem(
      'deployment',
      principal.siteId,
      payloadOf,
      deployment,
      keys[i] ?? deploymentKeyOf(deployment),
    ),
  );
  return commit(deps, items, keys);
}
