import { randomUUID } from 'node:crypto';
import type {
  Connection,
  ConnectionEvent,
  CreateConnectionRequest,
} from '@testbridge/shared/api/connections';
import { PlainSecret } from '../crypto/secret.ts';
import { newSortableId } from '../db/ids.ts';
import type { Db } from '../db/store.ts';
import type { Deps } from '../deps.ts';
import type { Caller } from '../http/env.ts';
import { AppError } from '../http/errors.ts';
import { anonymousAuth } from '../jira/auth.ts';
import { JiraCallError } from '../jira/errors.ts';
import { deploymentOf, getMyself, getServerInfo } from '../jira/platform-api.ts';
import { assertJiraUrlAllowed } from '../jira/url-guard.ts';
import { apiVersionOf, bindConnection, bindGrant, tokenEndpointFor } from './endpoint.ts';
import {
  type ConnectionEventRow,
  type ConnectionRow,
  createConnectionRepo,
  type GrantRow,
} from './repo.ts';
import { toConnection, toConnectionEvent } from './view.ts';

type ServiceDeps = Pick<
  Deps,
  'store' | 'clock' | 'logger' | 'sealer' | 'config' | 'fetch' | 'sleep' | 'lookupHost'
>;

const AUTH_DEPLOYMENT = {
  cloud_api_token: 'cloud',
  dc_pat: 'data_center',
  dc_basic: 'data_center',
} as const;

/** Records one history entry (in the caller's transaction). Never pass a secret in `detail`. */
export async function recordConnectionEvent(
  deps: Pick<Deps, 'store' | 'clock'>,
  tx: Db,
  connectionId: string,
  type: ConnectionEvent['type'],
  actor: string,
  detail: ConnectionEventRow['detail'] = null,
): Promise<void> {
  const at = deps.clock.now();
  await createConnectionRepo(deps.store.tables).appendEvent(tx, {
    id: newSortableId(at),
    connectionId,
    at,
    type,
    actor,
    detail,
  });
}

export const actorOf = (caller: Caller) => `api-key:${caller.name} (${caller.keyId})`;

/**
 * Creates a connection with a token credential (Cloud email + API token, DC PAT, DC basic),
 * after checking Jira's serverInfo (deployment) and `myself` with it. Nothing is stored when
 * Jira refuses.
 */
export async function createConnection(
  deps: ServiceDeps,
  input: CreateConnectionRequest,
  caller: Caller,
): Promise<Connection> {
  const repo = createConnectionRepo(deps.store.tables);
  const guard = { allowPrivate: deps.config.allowPrivateJiraUrls, lookupHost: deps.lookupHost };
  const jiraUrl = (await assertJiraUrlAllowed(input.jiraUrl, 'body.jiraUrl', guard)).href.replace(
    /\/+$/,
    '',
  );
  if (input.proxy)
    await assertJiraUrlAllowed(input.proxy.url, 'body.proxy.url', { ...guard, allowPrivate: true });
  if (await repo.findByName(deps.store.db, input.name)) {
    throw new AppError('conflict', `A connection named "${input.name}" exists already`, {
      invalidFields: [{ field: 'body.name', message: 'is taken' }],
    });
  }
  const now = deps.clock.now();
  const id = randomUUID();
  const grantId = randomUUID();
  const auth = input.auth;
  const secret = new PlainSecret(
    auth.type === 'cloud_api_token'
      ? auth.apiToken
      : auth.type === 'dc_pat'
        ? auth.token
        : auth.password,
  );
  const row: ConnectionRow = {
    id,
    name: input.name,
    jiraUrl,
    linkBaseUrl: input.linkBaseUrl?.replace(/\/+$/, '') ?? null,
    deployment: AUTH_DEPLOYMENT[auth.type],
    serverVersion: null,
    cloudId: null,
    authType: auth.type,
    oauthApp: null,
    clientId: null,
    clientSecret: null,
    consumerKey: null,
    privateKey: null,
    publicKey: null,
    username:
      auth.type === 'cloud_api_token'
        ? auth.email
        : auth.type === 'dc_basic'
          ? auth.username
          : null,
    status: 'active',
    statusReason: null,
    requireUserGrantForWrites: input.requireUserGrantForWrites ?? false,
    proxyUrl: input.proxy?.url ?? null,
    proxyUsername: input.proxy?.username ?? null,
    proxyPassword: input.proxy?.password
      ? deps.sealer.seal(
          new PlainSecret(input.proxy.password),
          bindConnection(id, 'proxy_password'),
        )
      : null,
    diagnostics: null,
    createdAt: now,
    updatedAt: now,
  };
  const grant: GrantRow = {
    id: grantId,
    connectionId: id,
    subject: '',
    accessToken: deps.sealer.seal(secret, bindGrant(grantId, 'access_token')),
    tokenSecret: null,
    refreshToken: null,
    expiresAt: null,
    scopes: null,
    accountId: null,
    createdAt: now,
    updatedAt: now,
  };

  const endpoint = tokenEndpointFor(deps, row, grant);
  // Anonymous, so a wrong credential is reported as such by `myself`, not as an unknown Jira.
  const info = await getServerInfo(deps, { ...endpoint, auth: anonymousAuth }).catch(
    (error: unknown) => {
      throw explainJiraFailure(error, 'body.jiraUrl', 'Jira did not answer serverInfo');
    },
  );
  const detected = deploymentOf(info);
  if (input.deployment && input.deployment !== detected) {
    throw new AppError(
      'validation_failed',
      `Jira reports a ${detected} deployment, not ${input.deployment}`,
      {
        invalidFields: [{ field: 'body.deployment', message: `Jira reports ${detected}` }],
      },
    );
  }
  if (detected !== row.deployment) {
    throw new AppError(
      'validation_failed',
      `${auth.type} needs a ${row.deployment} Jira; this one is ${detected}`,
      {
        invalidFields: [{ field: 'body.auth.type', message: `not available on ${detected}` }],
      },
    );
  }
  const me = await getMyself(deps, endpoint, apiVersionOf(row)).catch((error: unknown) => {
    throw explainJiraFailure(error, 'body.auth', 'Jira refused these credentials');
  });
  row.serverVersion = info.version;
  grant.accountId = me.accountId ?? me.key ?? me.name ?? null;

  await deps.store.transaction(async (tx) => {
    await repo.insert(tx, row);
    await repo.upsertGrant(tx, grant);
    await recordConnectionEvent(deps, tx, id, 'created', actorOf(caller), { authType: auth.type });
    await recordConnectionEvent(deps, tx, id, 'authorized', actorOf(caller), {
      jiraUser: me.displayName,
    });
  });
  deps.logger.info({ connectionId: id, authType: auth.type }, 'connection created');
  return toConnection(row, grant);
}

function explainJiraFailure(error: unknown, field: string, summary: string): unknown {
  if (!(error instanceof JiraCallError)) return error;
  const message = `${summary}: ${error.message}`;
  return new AppError(
    error.code === 'jira_unreachable' ? 'jira_unreachable' : 'jira_rejected',
    message,
    {
      cause: error,
      invalidFields: [{ field, message: error.message }],
      ...(error.jira ? { extensions: { jira: error.jira } } : {}),
    },
  );
}

export async function listConnections(deps: ServiceDeps): Promise<Connection[]> {
  const repo = createConnectionRepo(deps.store.tables);
  const rows = await repo.list(deps.store.db);
  return Promise.all(
    rows.map(async (row) => toConnection(row, await repo.findGrant(deps.store.db, row.id, ''))),
  );
}

export async function getConnection(deps: ServiceDeps, id: string): Promise<Connection> {
  const repo = createConnectionRepo(deps.store.tables);
  const row = await repo.findById(deps.store.db, id);
  if (!row) throw new AppError('not_found', `No connection ${id}`);
  return toConnection(row, await repo.findGrant(deps.store.db, id, ''));
}

/** Deletes a connection with its grants and history. */
export async function deleteConnection(
  deps: ServiceDeps,
  id: string,
  caller: Caller,
): Promise<void> {
  const repo = createConnectionRepo(deps.store.tables);
  const deleted = await deps.store.transaction((tx) => repo.delete(tx, id));
  if (!deleted) throw new AppError('not_found', `No connection ${id}`);
  deps.logger.info({ connectionId: id, actor: actorOf(caller) }, 'connection deleted');
}

/** The OAuth history, newest first, paged by an opaque cursor. */
export async function listConnectionEvents(
  deps: ServiceDeps,
  id: string,
  page: { limit: number; cursor?: string | undefined },
): Promise<{ items: ConnectionEvent[]; nextCursor: string | null }> {
  const repo = createConnectionRepo(deps.store.tables);
  if (!(await repo.findById(deps.store.db, id)))
    throw new AppError('not_found', `No connection ${id}`);
  const before = page.cursor ? decodeCursor(page.cursor) : undefined;
  const rows = await repo.listEvents(deps.store.db, id, page.limit + 1, before);
  const items = rows.slice(0, page.limit);
  const last = items[items.length - 1];
  return {
    items: items.map(toConnectionEvent),
    nextCursor: rows.length > page.limit && last ? encodeCursor(last) : null,
  };
}

function encodeCursor(row: { at: Date; id: string }): string {
  return Buffer.from(`${row.at.getTime()}:${row.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { at: Date; id: string } {
  const match = /^(\d+):(.+)$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match?.[1] || !match[2]) {
    throw new AppError('validation_failed', 'The cursor is not valid', {
      invalidFields: [{ field: 'query.cursor', message: 'is not a cursor from this API' }],
    });
  }
  return { at: new Date(Number(match[1])), id: match[2] };
}
