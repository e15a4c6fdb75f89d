import { randomUUID } from 'node:crypto';
import type {
  CreateOAuthConnectionRequest,
  OAuthConnectionCreated,
} from '@testbridge/shared/api/oauth';
import type { z } from 'zod';
import { dispatcherFor } from '../connections/endpoint.ts';
import { actorOf, getConnection, recordConnectionEvent } from '../connections/service.ts';
import { generateRsaKeyPair, type RsaKeyPair, readRsaPrivateKey } from '../crypto/rsa-keys.ts';
import { PlainSecret } from '../crypto/secret.ts';
import type { Caller } from '../http/env.ts';
import { AppError } from '../http/errors.ts';
import { anonymousAuth } from '../jira/auth.ts';
import { deploymentOf, getServerInfo } from '../jira/platform-api.ts';
import { assertJiraUrlAllowed, assertProxyUrlAllowed } from '../jira/url-guard.ts';
import { redirectUriOf } from './oauth2-client.ts';
import { createOAuthRepo, type OAuthConnectionRow } from './repo.ts';
import { bindConnectionSecret } from './seal.ts';
import type { OAuthDeps } from './start.ts';

const DEPLOYMENT = {
  cloud_oauth2: 'cloud',
  dc_oauth2: 'data_center',
  oauth1: 'data_center',
} as const;

/** The fields of Jira's application link (incoming authentication) for an OAuth 1.0a connection. */
export function applicationLinkOf(
  deps: Pick<OAuthDeps, 'config'>,
  row: OAuthConnectionRow,
  warnings: string[],
): z.infer<typeof OAuthConnectionCreated>['applicationLink'] {
  if (row.authType !== 'oauth1' || !row.consumerKey || !row.publicKey) return null;
  return {
    consumerKey: row.consumerKey,
    consumerName: `Testbridge (${row.name})`,
    publicKey: row.publicKey,
    callbackUrl: redirectUriOf(deps),
    warnings,
  };
}

/** Reads a pasted key (any armour, PKCS#1 or #8) or generates a 2048-bit pair. */
export function keyPairOf(pasted: string | undefined, field: string): RsaKeyPair {
  return pasted ? readRsaPrivateKey(new PlainSecret(pasted), field) : generateRsaKeyPair(2048);
}

/**
 * Creates a Cloud 3LO, Data Center OAuth 2.0 or OAuth 1.0a connection: checked against Jira's
 * serverInfo (anonymous), secrets sealed, status pending_authorization until a consent completes.
 * @see https://developer.atlassian.com/server/jira/platform/oauth/
 * @throws AppError validation_failed | conflict | jira_unreachable
 */
export async function createOAuthConnection(
  deps: OAuthDeps,
  input: CreateOAuthConnectionRequest,
  caller: Caller,
): Promise<z.infer<typeof OAuthConnectionCreated>> {
  const repo = createOAuthRepo(deps.store);
  const guard = { allowPrivate: deps.config.allowPrivateJiraUrls, lookupHost: deps.lookupHost };
  const jiraUrl = (await assertJiraUrlAllowed(input.jiraUrl, 'body.jiraUrl', guard)).href.replace(
    /\/+$/,
    '',
  );
  if (input.proxy)
    await assertProxyUrlAllowed(input.proxy.url, 'body.proxy.url', {
      allowPrivate: deps.config.allowPrivateProxyUrls,
      lookupHost: deps.lookupHost,
    });
  if (await repo.findConnectionByName(deps.store.db, input.name)) {
    throw new AppError('conflict', `A connection named "${input.name}" exists already`, {
      invalidFields: [{ field: 'body.name', message: 'is taken' }],
    });
  }
  const auth = input.auth;
  const id = randomUUID();
  const now = deps.clock.now();
  const seal = (value: string, column: string) =>
    deps.sealer.seal(new PlainSecret(value), bindConnectionSecret(id, column));
  const keys = auth.type === 'oauth1' ? keyPairOf(auth.privateKey, 'body.auth.privateKey') : null;
  const row: OAuthConnectionRow = {
    id,
    name: input.name,
    jiraUrl,
    linkBaseUrl: input.linkBaseUrl?.replace(/\/+$/, '') ?? null,
    deployment: DEPLOYMENT[auth.type],
    serverVersion: null,
    cloudId: null,
    authType: auth.type,
    oauthApp: auth.type === 'cloud_oauth2' ? auth.app : null,
    clientId: auth.type !== 'oauth1' ? (auth.clientId ?? null) : null,
    clientSecret:
      auth.type !== 'oauth1' && auth.clientSecret ? seal(auth.clientSecret, 'client_secret') : null,
    consumerKey: auth.type === 'oauth1' ? auth.consumerKey : null,
    privateKey: keys
      ? deps.sealer.seal(keys.privateKey, bindConnectionSecret(id, 'private_key'))
      : null,
    publicKey: keys?.publicKeyPem ?? null,
    username: null,
    status: 'pending_authorization',
    statusReason: 'Waiting for the consent in Jira',
    requireUserGrantForWrites: input.requireUserGrantForWrites ?? false,
    proxyUrl: input.proxy?.url ?? null,
    proxyUsername: input.proxy?.username ?? null,
    proxyPassword: input.proxy?.password ? seal(input.proxy.password, 'proxy_password') : null,
    diagnostics: null,
    createdAt: now,
    updatedAt: now,
  };
  if (auth.type === 'cloud_oauth2' && auth.app === 'testbridge' && !deps.config.atlassian.clientId)
    throw new AppError('validation_failed', "Testbridge's own Atlassian app is not configured", {
      invalidFields: [
        { field: 'body.auth.app', message: 'set ATLASSIAN_CLIENT_ID/SECRET or use own' },
      ],
    });
  const info = await getServerInfo(deps, {
    baseUrl: jiraUrl,
    auth: anonymousAuth,
    dispatcher: dispatcherFor(deps, row),
  }).catch((error: unknown) => {
    throw new AppError('jira_unreachable', 'Jira did not answer serverInfo', {
      cause: error,
      invalidFields: [{ field: 'body.jiraUrl', message: 'Jira did not answer serverInfo' }],
    });
  });
  const detected = deploymentOf(info);
  if (detected !== row.deployment)
    throw new AppError(
      'validation_failed',
      `${auth.type} needs a ${row.deployment} Jira; this one is ${detected}`,
      {
        invalidFields: [{ field: 'body.auth.type', message: `not available on ${detected}` }],
      },
    );
  row.serverVersion = info.version;
  await deps.store.transaction(async (tx) => {
    await repo.insertConnection(tx, row);
    await recordConnectionEvent(deps, tx, id, 'created', actorOf(caller), {
      authType: auth.type,
      ...(keys
        ? { keyBits: keys.bits, keyGenerated: !(auth.type === 'oauth1' && auth.privateKey) }
        : {}),
    });
  });
  deps.logger.info({ connectionId: id, authType: auth.type }, 'oauth connection created');
  return {
    connection: await getConnection(deps, id),
    applicationLink: applicationLinkOf(deps, row, keys?.warnings ?? []),
  };
}
