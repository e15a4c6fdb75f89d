import type { Connection, ConnectionEvent } from '@testbridge/shared/api/connections';
import type { ConnectionEventRow, ConnectionRow, GrantRow } from './repo.ts';

/** The API view of a connection: secrets only as "is set". */
export function toConnection(row: ConnectionRow, grant: GrantRow | undefined): Connection {
  return {
    id: row.id,
    name: row.name,
    jiraUrl: row.jiraUrl,
    linkBaseUrl: row.linkBaseUrl,
    deployment: row.deployment,
    serverVersion: row.serverVersion,
    cloudId: row.cloudId,
    auth: {
      type: row.authType,
      username: row.username,
      clientId: row.clientId,
      consumerKey: row.consumerKey,
      publicKey: row.publicKey,
    },
    status: row.status,
    statusReason: row.statusReason,
    grantedScopes: grant?.scopes ? grant.scopes.split(' ').filter(Boolean) : [],
    proxy: row.proxyUrl
      ? { url: row.proxyUrl, username: row.proxyUsername, hasPassword: row.proxyPassword !== null }
      : null,
    requireUserGrantForWrites: row.requireUserGrantForWrites,
    diagnostics: row.diagnostics,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toConnectionEvent(row: ConnectionEventRow): ConnectionEvent {
  return {
    id: row.id,
    at: row.at.toISOString(),
    type: row.type,
    actor: row.actor,
    detail: row.detail,
  };
}
