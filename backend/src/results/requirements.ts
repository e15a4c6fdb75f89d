import type { Db } from '../db/store.ts';
import { resolveIssueKeys } from '../jira/issue-lookup.ts';
import { jiraTargetFor, type ToolApiDeps } from '../tool-api/endpoint.ts';
import { createLinksRepo } from './links-repo.ts';

/** Requirement keys resolved to issue ids: what the store knew, plus what Jira answered. */
export interface ResolvedRequirements {
  ids: Map<string, string>;
  /** Keys Jira answered now (to remember). */
  learned: { key: string; id: string }[];
  unknown: string[];
}

/**
 * Resolves the requirement keys of one upload on the mapping's connection: keys already resolved
 * are read from the store (Jira keeps old keys working, so a stored key stays right), the rest
 * with one batched JQL search per KEYS_PER_SEARCH keys (`resolveIssueKeys`).
 * @throws what the connection's Jira target or the search throws (nothing is written)
 */
export async function resolveRequirements(
  deps: ToolApiDeps,
  db: Db,
  connectionId: string,
  keys: ReadonlySet<string>,
): Promise<ResolvedRequirements> {
  const ids = await createLinksRepo(deps.store.tables).findIssueIds(db, connectionId, [...keys]);
  const missing = [...keys].filter((key) => !ids.has(key));
  if (missing.length === 0) return { ids, learned: [], unknown: [] };
  const target = await jiraTargetFor(deps, connectionId, undefined, 'read');
  const { found, unknown } = await resolveIssueKeys(deps, target, missing);
  const learned = new Map<string, string>();
  for (const [key, issue] of found) {
    ids.set(key, issue.id);
    learned.set(key, issue.id);
    learned.set(issue.key.toUpperCase(), issue.id);
  }
  return { ids, learned: [...learned].map(([key, id]) => ({ key, id })), unknown };
}
