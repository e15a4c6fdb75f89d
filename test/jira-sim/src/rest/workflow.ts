/**
 * The seeded workflow as the REST API sees it: which transitions a caller may perform on an issue
 * (none without *Transition issues*), and the Jira errors for a bad transition id.
 * @see https://developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issues/#api-rest-api-3-issue-issueidorkey-transitions-post
 */
import type { Issue, Transition } from '../world/types.ts';
import type { RestCall } from './call.ts';
import { can } from './call.ts';

/** Transitions available from the issue's status to this caller (Jira lists none without permission). */
export function availableTransitions(call: RestCall, issue: Issue): Transition[] {
  if (!can(call, 'TRANSITION_ISSUES', issue.projectId)) return [];
  return call.instance.transitions.filter(
    (t) => t.from.length === 0 || t.from.includes(issue.statusId),
  );
}

/**
 * The transition for `rawId`, or Jira's error message: `'transition' identifier must be an
 * integer` / `Transition id 'N' is not valid for this issue.` (also what a caller without
 * *Transition issues* gets: the transition is simply not available to them).
 */
export function resolveTransition(
  call: RestCall,
  issue: Issue,
  rawId: string | undefined,
): Transition | { error: string } {
  if (rawId === undefined) return { error: "Missing 'transition' identifier" };
  if (!/^\d+$/.test(rawId.trim())) return { error: "'transition' identifier must be an integer" };
  const id = String(Number(rawId));
  const transition = availableTransitions(call, issue).find((t) => t.id === id);
  return transition ?? { error: `Transition id '${id}' is not valid for this issue.` };
}
