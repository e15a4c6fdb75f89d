import type { PlainSecret } from '../crypto/secret.ts';
import type { Deps } from '../deps.ts';
import {
  type SoftwareApiFailure,
  type SoftwareApiResult,
  submitBuilds,
  submitDeployments,
} from '../jira/software-api.ts';
import type { ItemVerdict, OutboxItem, OutboxSender, SendOutcome } from '../outbox/sender.ts';
import { getSiteAccessToken } from './atlassian-token.ts';
import {
  buildKeyOf,
  DEVOPS_KINDS,
  type DevopsKind,
  deploymentKeyOf,
  keyText,
  StoredBuild,
  StoredDeployment,
} from './payloads.ts';
import { createDevopsSiteRepo, type DevopsSiteRow } from './repo.ts';
import { markSiteNeedsAttention } from './site-service.ts';
import { type JiraAnswer, judgeItems, type SentItem } from './verdicts.ts';

type SenderDeps = Pick<Deps, 'store' | 'sealer' | 'clock' | 'fetch' | 'config' | 'logger'>;

/** The outcome of a failed request; `settled`: the items judged by the batch's earlier requests. */
function outcomeOf(
  failure: SoftwareApiFailure,
  settled: ReadonlyMap<string, ItemVerdict>,
): SendOutcome {
  switch (failure.kind) {
    case 'rate_limited':
      return {
        type: 'rate_limited',
        retryAfterMs: failure.retryAfterMs ?? 10_000,
        message: failure.message,
        settled,
      };
    case 'unreachable':
    case 'unavailable':
      return {
        type: 'unavailable',
        message: failure.message,
        retryAfterMs: 'retryAfterMs' in failure ? failure.retryAfterMs : undefined,
        settled,
      };
    case 'malformed':
      return {
        type: 'malformed',
        message: failure.message,
        detail: { errors: failure.messages },
        settled,
      };
    case 'unauthorized':
      return { type: 'unauthorized', message: failure.message, settled };
    case 'refused':
      return { type: 'unavailable', message: failure.message, settled };
  }
}

/**
 * Parses stored items; unreadable ones are rejected (`verdicts`), a later update of the same key
 * supersedes (`superseded`, by key: settled once the newest update was judged).
 */
function prepare(kind: DevopsKind, items: readonly OutboxItem[]) {
  const verdicts = new Map<string, ItemVerdict>();
  const superseded = new Map<string, [string, ItemVerdict][]>();
  const latest = new Map<string, SentItem>();
  for (const item of items) {
    const parsed = (kind === 'build' ? StoredBuild : StoredDeployment).safeParse(
      JSON.parse(item.payload),
    );
    if (!parsed.success) {
      verdicts.set(item.id, {
        status: 'rejected',
        verdict: 'malformed',
        explanation: 'Testbridge could not read this item back from its outbox.',
      });
      continue;
    }
    const data = parsed.data;
    const key = 'buildNumber' in data.item ? buildKeyOf(data.item) : deploymentKeyOf(data.item);
    const text = keyText(key);
    const sent: SentItem = { id: item.id, key, stored: data };
    const earlier = latest.get(text);
    const newer =
      !earlier || data.item.updateSequenceNumber >= earlier.stored.item.updateSequenceNumber;
    const [kept, dropped] = newer ? [sent, earlier] : [earlier, sent];
    latest.set(text, kept);
    if (dropped) {
      superseded.set(text, [
        ...(superseded.get(text) ?? []),
        [
          dropped.id,
          {
            status: 'delivered',
            verdict: 'superseded',
            explanation: `A newer update of it (updateSequenceNumber ${kept.stored.item.updateSequenceNumber}) was sent to Jira in its place.`,
          },
        ],
      ]);
    }
  }
  // One request per distinct envelope (Jira applies properties to the whole request).
  const requests = new Map<string, SentItem[]>();
  for (const sent of latest.values()) {
    const envelope = JSON.stringify([
      sent.stored.properties ?? null,
      sent.stored.providerMetadata ?? null,
    ]);
    requests.set(envelope, [...(requests.get(envelope) ?? []), sent]);
  }
  return { verdicts, superseded, requests: [...requests.values()] };
}

async function post(
  deps: SenderDeps,
  kind: DevopsKind,
  site: DevopsSiteRow,
  token: PlainSecret,
  items: SentItem[],
): Promise<SoftwareApiResult<JiraAnswer>> {
  const first = items[0]?.stored;
  const envelope = {
    ...(first?.properties ? { properties: first.properties } : {}),
    ...(first?.providerMetadata ? { providerMetadata: first.providerMetadata } : {}),
  };
  const target = { apiUrl: deps.config.atlassian.apiUrl, cloudId: site.cloudId, token };
  if (kind === 'build') {
    const builds = items.flatMap((s) => ('buildNumber' in s.stored.item ? [s.stored.item] : []));
    const result = await submitBuilds(deps, { ...target, body: { ...envelope, builds } });
    if (!result.ok) return result;
    const { acceptedBuilds, rejectedBuilds, ...rest } = result.value;
    return { ok: true, value: { accepted: acceptedBuilds, rejected: rejectedBuilds, ...rest } };
  }
  const deployments = items.flatMap((s) => ('pipeline' in s.stored.item ? [s.stored.item] : []));
  const result = await submitDeployments(deps, { ...target, body: { ...envelope, deployments } });
  if (!result.ok) return result;
  const { acceptedDeployments, rejectedDeployments, ...rest } = result.value;
  return {
    ok: true,
    value: { accepted: acceptedDeployments, rejected: rejectedDeployments, ...rest },
  };
}

/** A token the token endpoint would not give is a credentials problem, whatever its status. */
function tokenProblem(failure: SoftwareApiFailure): SoftwareApiFailure {
  if (
    failure.kind === 'unreachable' ||
    failure.kind === 'unavailable' ||
    failure.kind === 'rate_limited'
  ) {
    return failure;
  }
  return { kind: 'unauthorized', status: 401, message: failure.message };
}

/**
 * Posts with the site's token; on 401/403 gets a fresh token once and tries again (the caller then
 * marks the site as needing attention).
 */
async function postWithToken(
  deps: SenderDeps,
  kind: DevopsKind,
  site: DevopsSiteRow,
  items: SentItem[],
): Promise<SoftwareApiResult<JiraAnswer>> {
  const token = await getSiteAccessToken(deps, site);
  if (!token.ok) return { ok: false, failure: tokenProblem(token.failure) };
  const result = await post(deps, kind, site, token.value, items);
  if (result.ok || result.failure.kind !== 'unauthorized') return result;
  const fresh = await getSiteAccessToken(deps, site, token.value);
  if (!fresh.ok) return { ok: false, failure: tokenProblem(fresh.failure) };
  return post(deps, kind, site, fresh.value, items);
}

function createSender(deps: SenderDeps, kind: DevopsKind): OutboxSender {
  const noun = kind === 'build' ? 'build' : 'deployment';
  return {
    kind: DEVOPS_KINDS[kind],
    maxBatch: 100,
    async send(siteId, items): Promise<SendOutcome> {
      const site = await createDevopsSiteRepo(deps.store.tables).findById(deps.store.db, siteId);
      if (!site) {
        return {
          type: 'target_gone',
          message: 'Its DevOps site was deleted before it could be delivered.',
        };
      }
      // Verdicts so far: when a later request fails, the items Jira already judged keep theirs.
      const { verdicts, superseded, requests } = prepare(kind, items);
      for (const batch of requests) {
        const result = await postWithToken(deps, kind, site, batch);
        if (!result.ok) {
          if (result.failure.kind === 'unauthorized') {
            await markSiteNeedsAttention(
              deps,
              siteId,
              `Jira refused the site's OAuth credentials: ${result.failure.message}`,
            );
          }
          return outcomeOf(result.failure, verdicts);
        }
        for (const [id, verdict] of judgeItems(noun, batch, result.value)) {
          verdicts.set(id, verdict);
        }
        for (const sent of batch) {
          for (const [id, verdict] of superseded.get(keyText(sent.key)) ?? []) {
            verdicts.set(id, verdict);
          }
        }
      }
      return { type: 'delivered', verdicts };
    },
  };
}

/** The outbox senders of the DevOps feature: Jira builds and deployments (main.ts registers them). */
export function createDevopsSenders(deps: SenderDeps): OutboxSender[] {
  return [createSender(deps, 'build'), createSender(deps, 'deployment')];
}
