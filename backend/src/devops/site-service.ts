import type {
  CreateDevopsSiteRequest,
  DevopsSite,
  EnvironmentRule,
  UpdateDevopsSiteRequest,
} from '@testbridge/shared/api/devops';
import { PlainSecret } from '../crypto/secret.ts';
import { newSortableId } from '../db/ids.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../http/errors.ts';
import { createJiraDispatcher } from '../jira/dispatcher.ts';
import {
  fetchTenantCloudId,
  requestTwoLeggedToken,
  type SoftwareApiFailure,
  type TwoLeggedToken,
} from '../jira/software-api.ts';
import { assertJiraUrlAllowed } from '../jira/url-guard.ts';
import { releaseOutboxHold } from '../outbox/service.ts';
import { bindSite, forgetSiteAccessToken } from './atlassian-token.ts';
import { ciTokenCacheFor } from './ci-token-cache.ts';
import { createDevopsSiteRepo, type DevopsSiteRow } from './repo.ts';

export type SiteDeps = Pick<
  Deps,
  'store' | 'sealer' | 'clock' | 'fetch' | 'config' | 'logger' | 'lookupHost'
>;

export function toDevopsSite(row: DevopsSiteRow): DevopsSite {
  return {
    id: row.id,
    name: row.name,
    siteUrl: row.siteUrl,
    cloudId: row.cloudId,
    clientId: row.clientId,
    serverBaseUrl: row.serverBaseUrl,
    logoUrl: row.logoUrl,
    status: row.status,
    attentionReason: row.attentionReason,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    verifiedAt: row.verifiedAt?.toISOString() ?? null,
  };
}

function unreachable(what: string, failure: SoftwareApiFailure): AppError {
  return new AppError('jira_unreachable', `${what}: ${failure.message}`);
}

/**
 * What Jira knows of a site and its credentials: the cloudId from `/_edge/tenant_info` and a
 * client-credentials token. Refusals name the fields to fix.
 */
async function checkWithAtlassian(
  deps: SiteDeps,
  input: { siteUrl: string; clientId: string; clientSecret: PlainSecret },
): Promise<{ siteUrl: string; cloudId: string; token: TwoLeggedToken }> {
  const guard = { allowPrivate: deps.config.allowPrivateJiraUrls, lookupHost: deps.lookupHost };
  const url = await assertJiraUrlAllowed(input.siteUrl, 'body.siteUrl', guard);
  const siteUrl = url.href.replace(/\/+$/, '');
  const dispatcher = createJiraDispatcher({ allowPrivate: deps.config.allowPrivateJiraUrls });
  const tenant = await fetchTenantCloudId(deps, siteUrl, dispatcher);
  if (!tenant.ok) {
    if (tenant.failure.kind === 'unreachable' || tenant.failure.kind === 'unavailable') {
      throw unreachable(`${siteUrl} could not be reached`, tenant.failure);
    }
    const message = `is not a Jira Cloud site (${siteUrl}/_edge/tenant_info: ${tenant.failure.message})`;
    throw new AppError('validation_failed', `body.siteUrl ${message}`, {
      invalidFields: [{ field: 'body.siteUrl', message }],
    });
  }
  const token = await requestTwoLeggedToken(deps, {
    apiUrl: deps.config.atlassian.apiUrl,
    clientId: input.clientId,
    clientSecret: input.clientSecret,
  });
  if (!token.ok) {
    if (token.failure.kind === 'unreachable' || token.failure.kind === 'unavailable') {
      throw unreachable("Atlassian's token endpoint could not be reached", token.failure);
    }
    const message = `Atlassian refused these OAuth credentials (${token.failure.message})`;
    throw new AppError('validation_failed', message, {
      invalidFields: [
        { field: 'body.clientId', message },
        { field: 'body.clientSecret', message },
      ],
    });
  }
  return { siteUrl, cloudId: tenant.value, token: token.value };
}

async function requireSite(deps: Pick<Deps, 'store'>, id: string): Promise<DevopsSiteRow> {
  const row = await createDevopsSiteRepo(deps.store.tables).findById(deps.store.db, id);
  if (!row) throw new AppError('not_found', `No DevOps site ${id}`);
  return row;
}

/** Registers a site after Atlassian confirmed its cloudId and credentials; secrets sealed. */
export async function createDevopsSite(
  deps: SiteDeps,
  input: CreateDevopsSiteRequest,
): Promise<DevopsSite> {
  const secret = new PlainSecret(input.clientSecret);
  const checked = await checkWithAtlassian(deps, { ...input, clientSecret: secret });
  const repo = createDevopsSiteRepo(deps.store.tables);
  const now = deps.clock.now();
  const id = `dvs_${newSortableId(now)}`;
  const row: DevopsSiteRow = {
    id,
    name: input.name,
    siteUrl: checked.siteUrl,
    cloudId: checked.cloudId,
    clientId: input.clientId,
    clientSecret: deps.sealer.seal(secret, bindSite(id, 'client_secret')),
    serverBaseUrl: input.serverBaseUrl ?? null,
    logoUrl: input.logoUrl ?? null,
    status: 'active',
    attentionReason: null,
    accessToken: deps.sealer.seal(checked.token.accessToken, bindSite(id, 'access_token')),
    accessTokenExpiresAt: checked.token.expiresAt,
    createdAt: now,
    updatedAt: now,
    verifiedAt: now,
  };
  await deps.store.transaction(async (tx) => {
    if (await repo.findByCloudId(tx, checked.cloudId)) {
      throw new AppError('conflict', `Jira site ${checked.cloudId} is already a DevOps site`);
    }
    await repo.insert(tx, row);
  });
  deps.logger.info({ siteId: id, cloudId: row.cloudId }, 'devops site created');
  return toDevopsSite(row);
}

export async function listDevopsSites(deps: Pick<Deps, 'store'>): Promise<DevopsSite[]> {
  return (await createDevopsSiteRepo(deps.store.tables).list(deps.store.db)).map(toDevopsSite);
}

export async function getDevopsSite(deps: Pick<Deps, 'store'>, id: string): Promise<DevopsSite> {
  return toDevopsSite(await requireSite(deps, id));
}

/**
 * Changes a site. New URL or credentials are checked with Atlassian first; a site that needed
 * attention is active again and its held deliveries resume.
 */
export async function updateDevopsSite(
  deps: SiteDeps,
  id: string,
  input: UpdateDevopsSiteRequest,
): Promise<DevopsSite> {
  const current = await requireSite(deps, id);
  const now = deps.clock.now();
  const changes: Partial<DevopsSiteRow> = { updatedAt: now };
  if (input.name !== undefined) changes.name = input.name;
  if (input.serverBaseUrl !== undefined) changes.serverBaseUrl = input.serverBaseUrl;
  if (input.logoUrl !== undefined) changes.logoUrl = input.logoUrl;
  const recheck = input.siteUrl ?? input.clientId ?? input.clientSecret;
  if (recheck !== undefined) {
    const secret = input.clientSecret
      ? new PlainSecret(input.clientSecret)
      : deps.sealer.open(current.clientSecret, bindSite(id, 'client_secret'));
    const checked = await checkWithAtlassian(deps, {
      siteUrl: input.siteUrl ?? current.siteUrl,
      clientId: input.clientId ?? current.clientId,
      clientSecret: secret,
    });
    Object.assign(changes, {
      siteUrl: checked.siteUrl,
      cloudId: checked.cloudId,
      clientId: input.clientId ?? current.clientId,
      clientSecret: deps.sealer.seal(secret, bindSite(id, 'client_secret')),
      accessToken: deps.sealer.seal(checked.token.accessToken, bindSite(id, 'access_token')),
      accessTokenExpiresAt: checked.token.expiresAt,
      status: 'active',
      attentionReason: null,
      verifiedAt: now,
    } satisfies Partial<DevopsSiteRow>);
  }
  const repo = createDevopsSiteRepo(deps.store.tables);
  await deps.store.transaction(async (tx) => {
    if (changes.cloudId && changes.cloudId !== current.cloudId) {
      const other = await repo.findByCloudId(tx, changes.cloudId);
      if (other && other.id !== id) {
        throw new AppError('conflict', `Jira site ${changes.cloudId} is already a DevOps site`);
      }
    }
    await repo.update(tx, id, changes);
    if (recheck !== undefined) await releaseOutboxHold(deps, id, tx);
  });
  forgetSiteAccessToken(deps, id);
  // Cached CI tokens carry the site's cloudId.
  ciTokenCacheFor(deps.store).clear();
  deps.logger.info({ siteId: id, rechecked: recheck !== undefined }, 'devops site updated');
  return getDevopsSite(deps, id);
}

/** Checks the stored credentials again; on success deliveries that were held resume. */
export async function verifyDevopsSite(deps: SiteDeps, id: string): Promise<DevopsSite> {
  const current = await requireSite(deps, id);
  return updateDevopsSite(deps, id, { siteUrl: current.siteUrl });
}

/** Deletes a site with its CI credentials and rules; its undelivered items become dead letters. */
export async function deleteDevopsSite(deps: SiteDeps, id: string): Promise<void> {
  const deleted = await deps.store.transaction((tx) =>
    createDevopsSiteRepo(deps.store.tables).delete(tx, id),
  );
  if (!deleted) throw new AppError('not_found', `No DevOps site ${id}`);
  forgetSiteAccessToken(deps, id);
  ciTokenCacheFor(deps.store).clear();
  deps.logger.info({ siteId: id }, 'devops site deleted');
}

/** Stops deliveries to a site until an admin fixes it (called when Jira refuses its token). */
export async function markSiteNeedsAttention(
  deps: Pick<Deps, 'store' | 'clock' | 'logger'>,
  id: string,
  reason: string,
): Promise<void> {
  const now = deps.clock.now();
  await deps.store.transaction((tx) =>
    createDevopsSiteRepo(deps.store.tables).update(tx, id, {
      status: 'needs_attention',
      attentionReason: reason,
      updatedAt: now,
    }),
  );
  deps.logger.warn({ siteId: id, reason }, 'devops site needs attention');
}

export async function getEnvironmentRules(
  deps: Pick<Deps, 'store'>,
  siteId: string,
): Promise<EnvironmentRule[]> {
  await requireSite(deps, siteId);
  const rows = await createDevopsSiteRepo(deps.store.tables).listRules(deps.store.db, siteId);
  return rows.map((row) => ({ pattern: row.pattern, environmentType: row.environmentType }));
}

/** Replaces a site's environment rules (first match wins). */
export async function replaceEnvironmentRules(
  deps: Pick<Deps, 'store' | 'clock'>,
  siteId: string,
  rules: EnvironmentRule[],
): Promise<EnvironmentRule[]> {
  await requireSite(deps, siteId);
  const now = deps.clock.now();
  await deps.store.transaction((tx) =>
    createDevopsSiteRepo(deps.store.tables).replaceRules(
      tx,
      siteId,
      rules.map((rule, position) => ({
        id: `der_${newSortableId(now)}`,
        siteId,
        position,
        pattern: rule.pattern,
        environmentType: rule.environmentType,
      })),
    ),
  );
  return rules;
}
