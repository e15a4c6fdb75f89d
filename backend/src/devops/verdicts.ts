import type { DevopsItemKey, JiraVerdictDetail } from '@testbridge/shared/api/devops';
import type { ItemVerdict } from '../outbox/sender.ts';
import { issueRefsOf, keyText, type StoredBuild, type StoredDeployment } from './payloads.ts';

/** One item of a request to Jira. */
export interface SentItem {
  id: string;
  key: DevopsItemKey;
  stored: StoredBuild | StoredDeployment;
}

/** Jira's 202 answer, the same for builds and deployments. */
export interface JiraAnswer {
  accepted: DevopsItemKey[];
  rejected: { key: DevopsItemKey; errors: { message: string }[] }[];
  unknownIssueKeys: string[];
  unknownAssociations: { associationType: string; values: unknown[] }[];
}

const list = (values: string[]) => values.join(', ');

/**
 * Each item's verdict from Jira's answer, in words for the CI user: accepted, accepted but some
 * issue keys unknown, rejected (with Jira's messages), rejected because no issue exists, or not
 * reported by Jira (it ignores updates that are not newer).
 */
export function judgeItems(
  noun: 'build' | 'deployment',
  items: readonly SentItem[],
  answer: JiraAnswer,
): Map<string, ItemVerdict> {
  const accepted = new Set(answer.accepted.map(keyText));
  const rejected = new Map(
    answer.rejected.map((r) => [keyText(r.key), r.errors.map((e) => e.message)]),
  );
  const unknownKeys = new Set(answer.unknownIssueKeys.map((key) => key.toUpperCase()));
  const unknownValues = new Set(
    answer.unknownAssociations.flatMap((a) =>
      a.values.map((value) =>
        (typeof value === 'string' ? value : JSON.stringify(value)).toUpperCase(),
      ),
    ),
  );
  const verdicts = new Map<string, ItemVerdict>();
  for (const item of items) {
    const refs = issueRefsOf(item.stored.item);
    const unknownIssueKeys = refs.filter((ref) => unknownKeys.has(ref));
    const unknownRefs = refs.filter((ref) => unknownValues.has(ref) && !unknownKeys.has(ref));
    const unknownAssociations = (item.stored.item.associations ?? []).flatMap((association) => {
      const values = association.values.filter((value) => unknownValues.has(value.toUpperCase()));
      return values.length > 0 ? [{ associationType: association.associationType, values }] : [];
    });
    const unknown = [...unknownIssueKeys, ...unknownRefs];
    const errors = rejected.get(keyText(item.key));
    const detail: JiraVerdictDetail = {
      errors: errors ?? [],
      unknownIssueKeys,
      unknownAssociations,
    };
    if (errors) {
      const allUnknown = refs.length > 0 && unknown.length === refs.length;
      const said =
        errors.length > 0 ? ` Jira said: ${errors.map((e) => `"${e}"`).join('; ')}.` : '';
      verdicts.set(item.id, {
        status: 'rejected',
        verdict: allUnknown ? 'unknown_issue_keys' : 'rejected',
        explanation: allUnknown
          ? `Jira rejected this ${noun}: none of its issues exist in Jira (${list(unknown)}).${said}`
          : `Jira rejected this ${noun}.${said}`,
        detail,
      });
    } else if (!accepted.has(keyText(item.key))) {
      verdicts.set(item.id, {
        status: 'delivered',
        verdict: 'not_reported',
        explanation: `Jira took the request but did not list this ${noun} as accepted or rejected; it ignores an update whose updateSequenceNumber is not newer than the one it has.`,
        detail,
      });
    } else if (unknown.length > 0) {
      verdicts.set(item.id, {
        status: 'delivered',
        verdict: 'accepted_with_unknown_issue_keys',
        explanation: `Jira accepted this ${noun} but does not know ${list(unknown)}; it is linked to the other issues only.`,
        detail,
      });
    } else {
      verdicts.set(item.id, {
        status: 'delivered',
        verdict: 'accepted',
        explanation: `Jira accepted this ${noun}.`,
      });
    }
  }
  return verdicts;
}
