/**
 * What the simulated Jira stores from the Builds and Deployments APIs, per site: the latest data
 * of each build/deployment by its key, kept only when its updateSequenceNumber is newer.
 */
import type { SimDeps } from '../deps.ts';

/** A stored build or deployment as submitted (Jira returns it from the GET by key). */
export interface StoredDevopsItem {
  data: Record<string, unknown>;
  updateSequenceNumber: number;
  /** Simulator time of the submission that stored it. */
  storedAt: number;
  /** Issue keys it is linked to (the known ones). */
  issueKeys: string[];
  /**
   * The `properties` of the request that stored it (Jira keeps them hashed, never returns them and
   * deletes by them with `bulkByProperties`); `{}` when the request had none.
   */
  properties: Record<string, string>;
  /** The request's `providerMetadata`, if any (Jira keeps it for auditing; never returned). */
  providerMetadata: Record<string, unknown> | undefined;
}

export interface DevopsSiteState {
  builds: Map<string, StoredDevopsItem>;
  deployments: Map<string, StoredDevopsItem>;
}

export interface DevopsState {
  /** By cloudId. */
  sites: Map<string, DevopsSiteState>;
}

const states = new WeakMap<SimDeps, DevopsState>();

/** The DevOps data of one simulator (tests read it to see what Jira holds). */
export function devopsStateOf(deps: SimDeps): DevopsState {
  let state = states.get(deps);
  if (!state) {
    state = { sites: new Map() };
    states.set(deps, state);
  }
  return state;
}

export function siteStateOf(deps: SimDeps, cloudId: string): DevopsSiteState {
  const state = devopsStateOf(deps);
  let site = state.sites.get(cloudId);
  if (!site) {
    site = { builds: new Map(), deployments: new Map() };
    state.sites.set(cloudId, site);
  }
  return site;
}

export const buildKey = (pipelineId: string, buildNumber: number | string) =>
  `${pipelineId}\u0000${buildNumber}`;

export const deploymentKey = (
  pipelineId: string,
  environmentId: string,
  deploymentSequenceNumber: number | string,
) => `${pipelineId}\u0000${environmentId}\u0000${deploymentSequenceNumber}`;

/** What the simulated Jira holds for one site, as a test reads it (`sim.devops`). */
export interface SimDevops {
  builds(cloudId: string): StoredDevopsItem[];
  deployments(cloudId: string): StoredDevopsItem[];
}

export function createSimDevops(deps: SimDeps): SimDevops {
  return {
    builds: (cloudId) => [...siteStateOf(deps, cloudId).builds.values()],
    deployments: (cloudId) => [...siteStateOf(deps, cloudId).deployments.values()],
  };
}
