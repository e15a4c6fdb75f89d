import type { ConnectionDiagnostics, DiagnosticCheck } from '@testbridge/shared/api/connections';
import type { Deps } from '../deps.ts';
import { anonymousAuth } from '../jira/auth.ts';
import type { JiraEndpoint } from '../jira/http.ts';
import {
  deploymentOf,
  getMyPermissions,
  getMyself,
  getServerInfo,
  type ServerInfo,
} from '../jira/platform-api.ts';
import { tlsFailureOf } from '../jira/tls.ts';
import { apiVersionOf } from './endpoint.ts';
import { diagnoseProjectPermissions } from './project-diagnostics.ts';
import type { ConnectionRow, GrantRow } from './repo.ts';

type DiagnosticDeps = Pick<Deps, 'fetch' | 'sleep' | 'logger' | 'clock'>;

/** The permissions the source workflows need, with what each is for. ADMINISTER only warns. */
export const REQUIRED_PERMISSIONS = [
  ['BROWSE_PROJECTS', 'Browse Projects', 'see issues to link tests to'],
  ['CREATE_ISSUES', 'Create Issues', 'create defects'],
  ['ASSIGNABLE_USER', 'Assignable User', 'be assigned defects'],
  ['ASSIGN_ISSUES', 'Assign Issues', 'assign defects'],
  ['EDIT_ISSUES', 'Edit Issues', 'update defects'],
  ['LINK_ISSUES', 'Link Issues', 'link tests and defects to requirements'],
  ['MOVE_ISSUES', 'Move Issues', 'move defects between projects'],
  ['TRANSITION_ISSUES', 'Transition Issues', 'move defects through the workflow'],
  ['ADD_COMMENTS', 'Add Comments', 'comment test results on issues'],
  ['CREATE_ATTACHMENTS', 'Create Attachments', 'attach logs and screenshots'],
  ['ADMINISTER', 'Administer Jira', 'create webhooks automatically when a project is mapped'],
] as const;

const REQUIRED_SCOPES = ['read:jira-work', 'read:jira-user', 'write:jira-work'];

/** Error text of a failed check, without the stack. */
const textOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** `8.22.0` ≥ `8.22`: compares dotted version numbers. */
export function isVersionAtLeast(version: string, minimum: string): boolean {
  const have = version.split('.').map((part) => Number.parseInt(part, 10) || 0);
  const need = minimum.split('.').map((part) => Number.parseInt(part, 10) || 0);
  for (let i = 0; i < Math.max(have.length, need.length); i++) {
    const diff = (have[i] ?? 0) - (need[i] ?? 0);
    if (diff !== 0) return diff > 0;
  }
  return true;
}

/**
 * Runs every check against Jira with the connection's shared grant: reachability, serverInfo
 * (deployment, version), authenticated `myself`, granted scopes, the permissions the workflows
 * need, and those again in each of `projectKeys`. Never throws: each failure is a named check
 * with a hint.
 */
export async function diagnoseConnection(
  deps: DiagnosticDeps,
  row: ConnectionRow,
  grant: GrantRow | undefined,
  endpoint: JiraEndpoint | undefined,
  projectKeys: readonly string[] = [],
): Promise<ConnectionDiagnostics> {
  const checks: DiagnosticCheck[] = [];
  const add = (check: DiagnosticCheck) => checks.push(check);
  const apiVersion = apiVersionOf(row);

  let info: ServerInfo | undefined;
  try {
    info = await getServerInfo(deps, {
      baseUrl: row.jiraUrl,
      auth: anonymousAuth,
      dispatcher: endpoint?.dispatcher,
    });
    add({ name: 'reachable', result: 'pass', detail: `Jira answered at ${row.jiraUrl}` });
    add(
      row.jiraUrl.startsWith('https:')
        ? { name: 'tls', result: 'pass', detail: 'The certificate is valid and trusted' }
        : {
            name: 'tls',
            result: 'warn',
            detail: 'Plain HTTP: calls to Jira are not encrypted',
            hint: 'Only for development (ALLOW_PRIVATE_JIRA_URLS); use the https URL of Jira',
          },
    );
  } catch (error) {
    const tls = tlsFailureOf(error);
    add({
      name: 'reachable',
      result: 'fail',
      detail: textOf(error),
      hint: tls
        ? 'Jira answered, but its certificate is not trusted; see the tls check'
        : 'Check the Jira URL, the proxy settings and firewalls between Testbridge and Jira',
    });
    if (tls) add({ name: 'tls', result: 'fail', detail: tls.problem, hint: tls.hint });
  }
  if (info) {
    const detected = deploymentOf(info);
    add(
      detected === row.deployment
        ? { name: 'deployment', result: 'pass', detail: `Jira ${info.version} (${detected})` }
        : {
            name: 'deployment',
            result: 'fail',
            detail: `Jira reports ${detected}, the connection says ${row.deployment}`,
            hint: 'Recreate the connection with the right deployment and auth type',
          },
    );
    const minimum =
      row.authType === 'dc_oauth2' ? '8.22' : row.authType === 'dc_pat' ? '8.14' : undefined;
    if (minimum) {
      add(
        isVersionAtLeast(info.version, minimum)
          ? { name: 'version', result: 'pass', detail: `${info.version} ≥ ${minimum}` }
          : {
              name: 'version',
              result: 'fail',
              detail: `${row.authType} needs Jira Data Center ${minimum} or later; this is ${info.version}`,
              hint: 'Upgrade Jira, or connect with OAuth 1.0a (application link) instead',
            },
      );
    }
  }

  if (!endpoint || !grant) {
    add({
      name: 'authenticated',
      result: 'fail',
      detail: 'The connection has no authorization yet',
      hint: 'Start an authorization and complete it with the verification code',
    });
    return { ranAt: deps.clock.now().toISOString(), checks };
  }
  try {
    const me = await getMyself(deps, endpoint, apiVersion);
    add({ name: 'authenticated', result: 'pass', detail: `Calls act as ${me.displayName}` });
  } catch (error) {
    add({
      name: 'authenticated',
      result: 'fail',
      detail: textOf(error),
      hint: 'Re-enter the credentials or authorize again',
    });
    return { ranAt: deps.clock.now().toISOString(), checks };
  }

  if (row.authType === 'cloud_oauth2') {
    const granted = new Set((grant.scopes ?? '').split(' ').filter(Boolean));
    const missing = REQUIRED_SCOPES.filter((scope) => !granted.has(scope));
    add(
      missing.length === 0
        ? { name: 'scopes', result: 'pass', detail: `Granted ${[...granted].join(' ')}` }
        : {
            name: 'scopes',
            result: 'fail',
            detail: `Missing scopes: ${missing.join(' ')}`,
            hint: 'Add the scopes to the OAuth app in the developer console, then authorize again',
          },
    );
  }

  try {
    const keys = REQUIRED_PERMISSIONS.map(([key]) => key);
    const { permissions } = await getMyPermissions(deps, endpoint, apiVersion, keys);
    for (const [key, label, purpose] of REQUIRED_PERMISSIONS) {
      const held = permissions[key]?.havePermission === true;
      add(
        held
          ? {
              name: `permission:${key}`,
              permission: key,
              result: 'pass',
              detail: `${label}: granted`,
            }
          : {
              name: `permission:${key}`,
              permission: key,
              result: key === 'ADMINISTER' ? 'warn' : 'fail',
              detail: `${label}: not granted, needed to ${purpose}`,
              hint:
                key === 'ADMINISTER'
                  ? 'Without it, create the Jira webhooks by hand (Settings → System → WebHooks)'
                  : `Grant "${label}" to this user in the permission scheme of the mapped projects`,
            },
      );
    }
  } catch (error) {
    add({
      name: 'permissions',
      result: 'fail',
      detail: textOf(error),
      hint: 'Jira would not list the permissions of this user',
    });
  }
  if (projectKeys.length > 0) {
    const inProjects = REQUIRED_PERMISSIONS.filter(([key]) => key !== 'ADMINISTER');
    checks.push(
      ...(await diagnoseProjectPermissions(deps, endpoint, apiVersion, projectKeys, inProjects)),
    );
  }
  return { ranAt: deps.clock.now().toISOString(), checks };
}
