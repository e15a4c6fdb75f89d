import type { ConnectionDiagnostics } from '@testbridge/shared/api/connections';
import type { Caller } from '../http/env.ts';
import { AppError } from '../http/errors.ts';
import { oauthEndpointFor } from '../oauth/endpoint.ts';
import { diagnoseConnection } from './diagnostics.ts';
import { isTokenAuth, tokenEndpointFor } from './endpoint.ts';
import { createConnectionRepo } from './repo.ts';
import { actorOf, recordConnectionEvent, type ServiceDeps } from './service.ts';

/**
 * Runs the diagnostics against Jira with the shared grant, stores them on the connection and
 * records a history entry; returns them. Permissions are checked per project in `projectKeys`
 * when given, else in the projects `deps.projectKeysOf` knows for the connection (if any).
 */
export async function runDiagnostics(
  deps: ServiceDeps,
  id: string,
  caller: Caller,
  projectKeys?: readonly string[],
): Promise<ConnectionDiagnostics> {
  const repo = createConnectionRepo(deps.store.tables);
  const row = await repo.findById(deps.store.db, id);
  if (!row) throw new AppError('not_found', `No connection ${id}`);
  const grant = await repo.findGrant(deps.store.db, id, '');
  // OAuth grants come from the oauth feature, which owns their refresh; a connection that is not
  // (or no longer) authorized is reported by the 'authenticated' check.
  const endpoint = !grant
    ? undefined
    : isTokenAuth(row.authType)
      ? tokenEndpointFor(deps, row, grant)
      : await oauthEndpointFor(deps, row, '').catch(() => undefined);
  const projects = projectKeys ?? (deps.projectKeysOf ? await deps.projectKeysOf(id) : []);
  const diagnostics = await diagnoseConnection(deps, row, grant, endpoint, projects);
  const count = (result: string) => diagnostics.checks.filter((c) => c.result === result).length;
  await deps.store.transaction(async (tx) => {
    await repo.update(tx, id, { diagnostics, updatedAt: deps.clock.now() });
    await recordConnectionEvent(deps, tx, id, 'diagnostics_run', actorOf(caller), {
      pass: count('pass'),
      warn: count('warn'),
      fail: count('fail'),
      ...(projects.length > 0 ? { projects: [...new Set(projects)].join(',') } : {}),
    });
  });
  return diagnostics;
}
