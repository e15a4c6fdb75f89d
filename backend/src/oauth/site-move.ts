import type { JiraSite } from '@testbridge/shared/api/oauth';
import type { z } from 'zod';
import { actorOf, recordConnectionEvent } from '../connections/service.ts';
import type { Db } from '../db/store.ts';
import type { Caller } from '../http/env.ts';
import { createOAuthRepo, type OAuthConnectionRow } from './repo.ts';
import type { OAuthDeps } from './start.ts';

/**
 * The admin chose another site than the one the connection names: the connection moves to it
 * (Jira URL, and the link base when one is set, from accessible-resources), so browse links
 * point where the grant works. Users' grants were given for the old site and are dropped. The
 * history records both (`site_changed`).
 */
export async function moveToSite(
  deps: OAuthDeps,
  tx: Db,
  connection: OAuthConnectionRow,
  site: z.infer<typeof JiraSite>,
  caller: Caller,
): Promise<void> {
  const repo = createOAuthRepo(deps.store);
  await repo.updateConnection(tx, connection.id, {
    jiraUrl: site.url,
    ...(connection.linkBaseUrl ? { linkBaseUrl: site.url } : {}),
    updatedAt: deps.clock.now(),
  });
  const dropped = await repo.deleteUserGrants(tx, connection.id);
  await recordConnectionEvent(deps, tx, connection.id, 'site_changed', actorOf(caller), {
    fromUrl: connection.jiraUrl,
    toUrl: site.url,
    fromCloudId: connection.cloudId,
    toCloudId: site.cloudId,
    siteName: site.name,
    linkBaseUrl: connection.linkBaseUrl ? site.url : null,
    userGrantsDropped: dropped,
  });
  deps.logger.info(
    { connectionId: connection.id, from: connection.jiraUrl, to: site.url, dropped },
    'connection moved to the chosen site',
  );
}
