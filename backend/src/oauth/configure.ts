import type { OAuthConfigUpdated, UpdateOAuthConfigRequest } from '@testbridge/shared/api/oauth';
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

interface ConfigChange {
  changes: Partial<OAuthConnectionRow>;
  changed: string[];
  warnings: string[];
  /** Why the grants cannot stay valid; null when they are kept. */
  dropReason: string | null;
}

function oauth1Change(deps: OAuthDeps, row: OAuthConnectionRow, input: UpdateOAuthConfigRequest) {
  const result: ConfigChange = { changes: {}, changed: [], warnings: [], dropReason: null };
  if (input.clientId || input.clientSecret)
    throw refuse(
      input.clientId ? 'body.clientId' : 'body.clientSecret',
      'does not apply to OAuth 1.0a',
    );
  if (input.consumerKey && input.consumerKey !== row.consumerKey) {
    result.changes.consumerKey = input.consumerKey;
    result.changed.push('consumerKey');
    result.dropReason = 'Access tokens belong to the consumer key, which changed';
  }
  if (input.privateKey || input.generateKeyPair) {
    const keys = keyPairOf(input.privateKey, 'body.privateKey');
    result.changes.privateKey = deps.sealer.seal(
      keys.privateKey,
      bindConnectionSecret(row.id, 'private_key'),
    );
    result.changes.publicKey = keys.publicKeyPem;
    result.warnings = keys.warnings;
    result.changed.push('keyPair');
  }
  return result;
}

function oauth2Change(deps: OAuthDeps, row: OAuthConnectionRow, input: UpdateOAuthConfigRequest) {
  const result: ConfigChange = { changes: {}, changed: [], warnings: [], dropReason: null };
  if (input.consumerKey || input.privateKey || input.generateKeyPair)
    throw refuse('body.privateKey', 'applies to OAuth 1.0a only');
  const ownApp = row.authType === 'dc_oauth2' || row.oauthApp === 'own';
  const newClient = input.clientId !== undefined && (!ownApp || input.clientId !== row.clientId);
  if (newClient && !input.clientSecret)
    throw refuse('body.clientSecret', 'is required with a new clientId');
  if (!newClient && input.clientSecret && !ownApp)
    throw refuse('body.clientId', 'is required to switch from Testbridge’s app to your own');
  if (newClient && input.clientId) {
    result.changes.clientId = input.clientId;
    if (row.authType === 'cloud_oauth2') result.changes.oauthApp = 'own';
    result.changed.push('clientId');
    result.dropReason = 'Tokens were issued to the old client id, which changed';
  }
  if (input.clientSecret) {
    result.changes.clientSecret = deps.sealer.seal(
      new PlainSecret(input.clientSecret),
      bindConnectionSecret(row.id, 'client_secret'),
    );
    result.changed.push('clientSecret');
  }
  return result;
}

/**
 * Changes the OAuth configuration (client id/secret, or consumer key and key pair). The grants
 * are dropped only when they cannot stay valid (a new client id or consumer key); the connection
 * then needs a new consent. A rotated secret or key pair keeps them. Its id, and so everything
 * mapped to it, stays; the answer and the history say what happened to the grants.
 * @throws AppError validation_failed | not_found
 */
export async function updateOAuthConfig(
  deps: OAuthDeps,
  connectionId: string,
  input: UpdateOAuthConfigRequest,
  caller: Caller,
): Promise<z.infer<typeof OAuthConfigUpdated>> {
  const row = await findOAuthConnection(deps, connectionId);
  const { changes, changed, warnings, dropReason } =
    row.authType === 'oauth1' ? oauth1Change(deps, row, input) : oauth2Change(deps, row, input);
  if (changed.length === 0) throw refuse('body', 'changes nothing');
  const repo = createOAuthRepo(deps.store);
  const dropped = await deps.store.transaction(async (tx) => {
    const count = dropReason ? await repo.deleteGrants(tx, row.id) : 0;
    await repo.updateConnection(tx, row.id, {
      ...changes,
      ...(dropReason && row.status !== 'pending_authorization'
        ? {
            status: 'needs_reauthorization' as const,
            statusReason: `The OAuth configuration changed (${dropReason.toLowerCase()}); authorize again in Jira`,
          }
        : {}),
      updatedAt: deps.clock.now(),
    });
    await recordConnectionEvent(deps, tx, row.id, 'configuration_updated', actorOf(caller), {
      changed: changed.join(' '),
      grants: dropReason ? 'dropped' : 'kept',
      grantsDropped: count,
    });
    return count;
  });
  const grants = dropReason
    ? { action: 'dropped' as const, dropped, reason: `${dropReason}; authorize again in Jira` }
    : {
        action: 'kept' as const,
        dropped: 0,
        reason:
          row.authType === 'oauth1'
            ? 'Access tokens belong to the consumer key, which is unchanged; update the public key in Jira’s application link'
            : 'Tokens do not depend on the client secret; refreshes use the new one',
      };
  return {
    connection: await getConnection(deps, row.id),
    applicationLink: applicationLinkOf(deps, { ...row, ...changes }, warnings),
    grants,
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
