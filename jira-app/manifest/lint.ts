/**
 * Our own checks of manifest.yml for what `@forge/manifest`'s validate() accepts although Forge
 * refuses it at deploy or the app fails at run time (next-phase.md §A4, forge-platform.md §7.4).
 * @see https://developer.atlassian.com/platform/forge/manifest-reference/endpoint/
 * @see https://developer.atlassian.com/platform/forge/manifest-reference/remotes/
 */
import { parse } from 'yaml';
import { z } from 'zod';

export interface LintProblem {
  path: string;
  message: string;
}

const KEY = /^[a-zA-Z0-9_-]+$/;
/** Endpoint and remote keys: at most 23 characters (the docs; the schema allows more). */
const MAX_KEY = 23;
/** Events we know Forge delivers; a typo'd event is accepted by validate() and never fires. */
const KNOWN_EVENTS = new Set([
  'avi:forge:installed:app',
  'avi:forge:upgraded:app',
  'avi:jira:created:issue',
  'avi:jira:updated:issue',
  'avi:jira:deleted:issue',
  'avi:jira:assigned:issue',
  'avi:jira:viewed:issue',
  'avi:jira:mentioned:issue',
  'avi:jira:created:comment',
  'avi:jira:updated:comment',
  'avi:jira:deleted:comment',
  'avi:jira:created:issuelink',
  'avi:jira:deleted:issuelink',
  // Versions and projects (the names @forge/manifest's event-to-scope mapping lists).
  'avi:jira:created:version',
  'avi:jira:updated:version',
  'avi:jira:released:version',
  'avi:jira:unreleased:version',
  'avi:jira:moved:version',
  'avi:jira:merged:version',
  'avi:jira:deleted:version',
  'avi:jira:archived:version',
  'avi:jira:unarchived:version',
  'avi:jira:updated:project',
  'avi:jira:deleted:project',
  'avi:jira:softdeleted:project',
  'avi:jira:archived:project',
  'avi:jira:unarchived:project',
  'avi:jira:restored:project',
]);
/** Modules Forge calls in the background: their endpoint needs `route.path`, and POSTs there. */
const BACKGROUND_MODULES = ['trigger', 'scheduledTrigger', 'preUninstall'] as const;

const Auth = z
  .object({
    appUserToken: z.object({ enabled: z.boolean().optional() }).optional(),
    appSystemToken: z.object({ enabled: z.boolean().optional() }).optional(),
  })
  .optional();
const Endpoint = z.object({
  key: z.string(),
  remote: z.string().optional(),
  route: z.object({ path: z.string().optional() }).optional(),
  auth: Auth,
});
const Remote = z.object({
  key: z.string(),
  baseUrl: z.union([z.string(), z.record(z.string(), z.string())]).optional(),
  operations: z.array(z.string()).optional(),
  auth: Auth,
});
const Egress = z.array(z.union([z.string(), z.object({ remote: z.string().optional() })]));
const Manifest = z.object({
  modules: z.record(z.string(), z.array(z.record(z.string(), z.unknown()))).default({}),
  remotes: z.array(Remote).default([]),
  permissions: z
    .object({
      scopes: z.union([z.array(z.string()), z.record(z.string(), z.unknown())]).default([]),
      external: z
        .object({
          fetch: z.object({ backend: Egress.optional(), client: Egress.optional() }).optional(),
        })
        .optional(),
    })
    .default({ scopes: [] }),
});

/** Reads manifest.yml as the Forge CLI does: `${VAR}` of `environment.variables` from `env`. */
export function loadManifest(text: string, env: Record<string, string | undefined>): unknown {
  const declared = new Set(
    z
      .object({
        environment: z
          .object({
            variables: z.array(z.union([z.string(), z.object({ key: z.string() })])).default([]),
          })
          .optional(),
      })
      .parse(parse(text))
      .environment?.variables.map((v) => (typeof v === 'string' ? v : v.key)),
  );
  const filled = text.replace(/\$\{([a-zA-Z_][a-zA-Z0-9_]*)\}/g, (whole, name: string) => {
    if (!declared.has(name)) return whole;
    const value = env[name];
    if (value === undefined) throw new Error(`manifest.yml needs the environment variable ${name}`);
    return value;
  });
  return parse(filled);
}

export function lintManifest(input: unknown): LintProblem[] {
  const parsed = Manifest.safeParse(input);
  if (!parsed.success) return [{ path: '', message: `unexpected shape: ${parsed.error.message}` }];
  const { modules, remotes, permissions } = parsed.data;
  const problems: LintProblem[] = [];
  const report = (path: string, message: string) => problems.push({ path, message });
  const endpoints = z.array(Endpoint).parse(modules.endpoint ?? []);
  const endpointByKey = new Map(endpoints.map((e) => [e.key, e]));
  const remoteByKey = new Map(remotes.map((r) => [r.key, r]));
  const scopes = new Set(
    Array.isArray(permissions.scopes) ? permissions.scopes : Object.keys(permissions.scopes),
  );

  endpoints.forEach((endpoint, i) => {
    if (endpoint.key.length > MAX_KEY || !KEY.test(endpoint.key)) {
      report(
        `modules.endpoint[${i}].key`,
        `"${endpoint.key}": at most ${MAX_KEY} of [a-zA-Z0-9_-]`,
      );
    }
  });
  remotes.forEach((remote, i) => {
    if (remote.key.length > MAX_KEY || !KEY.test(remote.key)) {
      report(`remotes[${i}].key`, `"${remote.key}": at most ${MAX_KEY} of [a-zA-Z0-9_-]`);
    }
    const urls =
      typeof remote.baseUrl === 'string' ? [remote.baseUrl] : Object.values(remote.baseUrl ?? {});
    for (const url of urls) {
      const parsedUrl = URL.canParse(url) ? new URL(url) : null;
      const isOrigin =
        parsedUrl?.protocol === 'https:' && parsedUrl.pathname === '/' && !parsedUrl.search;
      if (!isOrigin) {
        report(`remotes[${i}].baseUrl`, `"${url}": an https origin without path or query`);
      }
    }
  });

  /** A module bound to an endpoint: it must exist, and its remote must accept invocations. */
  const checkEndpoint = (path: string, key: unknown, background: boolean) => {
    const endpoint = typeof key === 'string' ? endpointByKey.get(key) : undefined;
    if (!endpoint) return report(path, `no endpoint "${String(key)}"`);
    const remote = endpoint.remote ? remoteByKey.get(endpoint.remote) : undefined;
    if (!remote) return report(path, `endpoint "${endpoint.key}" names no known remote`);
    if (!remote.operations?.includes('compute')) {
      report(path, `remote "${remote.key}" needs operations: [compute] to be invoked`);
    }
    if (background && !endpoint.route?.path?.startsWith('/')) {
      report(path, `endpoint "${endpoint.key}" needs route.path: Forge POSTs events there`);
    }
  };
  for (const [type, list] of Object.entries(modules)) {
    list.forEach((module, i) => {
      const path = `modules.${type}[${i}]`;
      const resolver = module.resolver as { endpoint?: unknown } | undefined;
      if (resolver?.endpoint !== undefined)
        checkEndpoint(`${path}.resolver.endpoint`, resolver.endpoint, false);
      if ('resource' in module && module.render !== 'native') {
        report(`${path}.render`, 'UI Kit 1 is gone: UI modules need render: native');
      }
      if (
        (BACKGROUND_MODULES as readonly string[]).includes(type) &&
        module.endpoint !== undefined
      ) {
        checkEndpoint(`${path}.endpoint`, module.endpoint, true);
      }
      if (type === 'trigger') {
        (Array.isArray(module.events) ? module.events : []).forEach((event, j) => {
          if (!KNOWN_EVENTS.has(String(event)))
            report(`${path}.events[${j}]`, `unknown event "${String(event)}"`);
        });
      }
    });
  }

  const egress = permissions.external?.fetch ?? {};
  for (const side of ['backend', 'client'] as const) {
    (egress[side] ?? []).forEach((entry, i) => {
      if (typeof entry === 'string' || entry.remote === undefined) return;
      const remote = remoteByKey.get(entry.remote);
      const path = `permissions.external.fetch.${side}[${i}]`;
      if (!remote) report(path, `no remote "${entry.remote}"`);
      else if (!remote.operations?.includes('fetch')) {
        report(path, `remote "${remote.key}" needs operations: [fetch] to be an egress target`);
      }
    });
  }

  const auths = [...endpoints.map((e) => e.auth), ...remotes.map((r) => r.auth)];
  for (const [token, scope] of [
    ['appSystemToken', 'read:app-system-token'],
    ['appUserToken', 'read:app-user-token'],
  ] as const) {
    const used = auths.some((auth) => auth?.[token]?.enabled === true);
    if (used && !scopes.has(scope))
      report('permissions.scopes', `${token} is enabled: add ${scope}`);
    if (!used && scopes.has(scope))
      report('permissions.scopes', `${scope} is asked for, but no ${token} is enabled`);
  }
  return problems;
}
