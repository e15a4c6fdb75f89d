import { randomUUID } from 'node:crypto';
import type { Connection, CreateConnectionRequest } from '@testbridge/shared/api/connections';
import { PlainSecret } from '../crypto/secret.ts';
import type { Caller } from '../http/env.ts';
import { AppError } from '../http/errors.ts';
import { anonymousAuth } from '../jira/auth.ts';
import { JiraCallError } from '../jira/errors.ts';
import type { JiraEndpoint } from '../jira/http.ts';
import { deploymentOf, getMyself, getServerInfo } from '../jira/platform-api.ts';
import { fetchTenantCloudId } from '../jira/software-api.ts';
import { assertJiraUrlAllowed, assertProxyUrlAllowed } from '../jira/url-guard.ts';
import { apiVersionOf, bindConnection, bindGrant, tokenEndpointFor } from './endpoint.ts';
import { type ConnectionRow, createConnectionRepo, type GrantRow } from './repo.ts';
import { runDiagnostics } from './run-diagnostics.ts';
import { actorOf, recordConnectionEvent, type ServiceDeps } from './service.ts';
import { toConnection } from './view.ts';

const AUTH_DEPLOYMENT = {
  cloud_api_token: 'cloud',
  dc_pat: 'data_center',
  dc_basic: 'data_center',
} as const;

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
    await assertProxyUrlAllowed(input.proxy.url, 'body.proxy.url', {
      allowPrivate: deps.config.allowPrivateProxyUrls,
      lookupHost: deps.lookupHost,
    });
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
    accountDisplayName: null,
    lastUsedAt: null,
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
  if (row.deployment === 'cloud') row.cloudId = await cloudIdOf(deps, jiraUrl, endpoint);
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
  const diagnostics = await runDiagnostics(deps, id, caller);
  return toConnection({ ...row, diagnostics }, grant);
}

/**
 * A Cloud site's cloudId (Forge and the DevOps APIs name sites by it), from its unauthenticated
 * `/_edge/tenant_info`. Not fatal: the connection works without it, so a failure is logged.
 */
async function cloudIdOf(
  deps: ServiceDeps,
  jiraUrl: string,
  endpoint: JiraEndpoint,
): Promise<string | null> {
  const tenant = await fetchTenantCloudId(deps, jiraUrl, endpoint.dispatcher);
  if (tenant.ok) return tenant.value;
  deps.logger.warn(
    { jiraUrl, error: tenant.failure.message },
    'cloudId unknown: tenant_info failed',
  );
  return null;
}

/**
 * What the admin typed was refused: Jira answering at all (any 4xx, 401/403 to the credentials
 * included) makes it the caller's to fix, `422 jira_rejected_request` naming `field`; only an
 * unreachable, failing (5xx) or silent Jira stays a 502 (504 when it timed out).
 */
function explainJiraFailure(error: unknown, field: string, summary: string): unknown {
  if (!(error instanceof JiraCallError)) return error;
  const message = `${summary}: ${error.message}`;
  return new AppError(
    error.code === 'jira_unreachable' || error.code === 'jira_timed_out'
      ? error.code
      : 'jira_rejected_request',
    message,
    {
      cause: error,
      invalidFields: [{ field, message: error.message }],
      ...(error.jira ? { extensions: { jira: error.jira } } : {}),
    },
  );
}
