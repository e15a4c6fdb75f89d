import type {
  OAuthConnectionCreated,
  UpdateOAuthConfigRequest,
} from '@testbridge/shared/api/oauth';
import type { z } from 'zod';
import { actorOf, getConnection, recordConnectionEvent } from '../connections/service.ts';
import { PlainSecret } from '../crypto/secret.ts';
import type { Caller } from '../http/env.ts';
import { AppError } from '../http/errors.ts';
import { applicationLinkOf, keyPairOf } from './create.ts';
import { createOAuthRepo, type OAuthConnectionRow } from './repo.ts';
import { bindConnectionSecret } from './seal.ts';
import { findOAuthConnection, type OAuthDeps } from './start.ts';

const refuse = (field: string, message: string) =>
  new AppError('validation_failed', `${field} ${message}`, {
    invalidFields: [{ field, message }],
  });

/**
 * Replaces the OAuth configuration (client id/secret, or consumer key and key pair). The grants
 * made under the old configuration are dropped and the connection needs a new consent; its id,
 * and so everything mapped to it, stays.
 * @throws AppError validation_failed | not_found
 */
export async function updateOAuthConfig(
  deps: OAuthDeps,
  connectionId: string,
  input: UpdateOAuthConfigRequest,
  caller: Caller,
): Promise<z.infer<typeof OAuthConnectionCreated>> {
  const row = await findOAuthConnection(deps, connectionId);
  const seal = (value: string, column: string) =>
    deps.sealer.seal(new PlainSecret(value), bindConnectionSecret(row.id, column));
  const changes: Partial<OAuthConnectionRow> = {};
  const changed: string[] = [];
  let warnings: string[] = [];
  if (row.authType === 'oauth1') {
    if (input.clientId || input.clientSecret)
      throw refuse('body.clientId', 'does not apply to OAuth 1.0a');
    if (input.consumerKey) {
      changes.consumerKey = input.consumerKey;
      changed.push('consumerKey');
    }
    if (input.privateKey || input.generateKeyPair) {
      const keys = keyPairOf(input.privateKey, 'body.privateKey');
      changes.privateKey = deps.sealer.seal(
        keys.privateKey,
        bindConnectionSecret(row.id, 'private_key'),
      );
      changes.publicKey = keys.publicKeyPem;
      warnings = keys.warnings;
      changed.push('keyPair');
    }
  } else {
    if (input.consumerKey || input.privateKey || input.generateKeyPair)
      throw refuse('body.privateKey', 'applies to OAuth 1.0a only');
    if (Boolean(input.clientId) !== Boolean(input.clientSecret))
      throw refuse('body.clientSecret', 'is given together with clientId');
    if (input.clientId && input.clientSecret) {
      changes.clientId = input.clientId;
      changes.clientSecret = seal(input.clientSecret, 'client_secret');
      if (row.authType === 'cloud_oauth2') changes.oauthApp = 'own';
      changed.push('clientId', 'clientSecret');
    }
  }
  if (changed.length === 0) throw refuse('body', 'changes nothing');
  const repo = createOAuthRepo(deps.store);
  await deps.store.transaction(async (tx) => {
    await repo.deleteGrants(tx, row.id);
    await repo.updateConnection(tx, row.id, {
      ...changes,
      status: 'needs_reauthorization',
      statusReason: 'The OAuth configuration changed; authorize again in Jira',
      updatedAt: deps.clock.now(),
    });
    await recordConnectionEvent(deps, tx, row.id, 'configuration_updated', actorOf(caller), {
      changed: changed.join(' '),
    });
  });
  const updated = { ...row, ...changes };
  return {
    connection: await getConnection(deps, row.id),
    applicationLink: applicationLinkOf(deps, updated, warnings),
  };
}

/**
 * Revokes one grant in Testbridge (subject '' = the shared one, which leaves the connection
 * needing a new consent). Jira keeps its side until the user removes it there.
 * @throws AppError not_found
 */
export async function revokeGrant(
  deps: OAuthDeps,
  connectionId: string,
  subject: string,
  caller: Caller,
): Promise<void> {
  const row = await findOAuthConnection(deps, connectionId);
  const repo = createOAuthRepo(deps.store);
  await deps.store.transaction(async (tx) => {
    if (!(await repo.deleteGrant(tx, row.id, subject)))
      throw new AppError('not_found', `No grant for "${subject}" on connection ${row.id}`);
    if (subject === '') {
      await repo.updateConnection(tx, row.id, {
        status: 'needs_reauthorization',
        statusReason: 'The authorization was revoked; authorize again in Jira',
        updatedAt: deps.clock.now(),
      });
    }
    await recordConnectionEvent(deps, tx, row.id, 'revoked', actorOf(caller), {
      subject: subject || null,
    });
  });
}
