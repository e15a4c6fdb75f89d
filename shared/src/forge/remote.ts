/**
 * What the Forge app sends to the backend through Forge Remote (`invokeRemote`) and what it gets
 * back. One table, {@link FORGE_REMOTE}, types both the backend routes and the app's one hook.
 * @see https://developer.atlassian.com/platform/forge/forge-remote-invocation-contract/
 */
import { z } from 'zod';
import { ConnectionStatus } from '../api/connections.ts';
import { CoverageScope, DefectRef, IssueTests } from '../api/coverage.ts';

/** The site that sent the call has no Testbridge connection: an answer, not an error. */
export const NotConnected = z.object({
  status: z.literal('not_connected'),
  /** The Jira site's cloudId, from the Forge Invocation Token: what an admin connects. */
  cloudId: z.string(),
  siteUrl: z.string().nullable(),
});
export type NotConnected = z.infer<typeof NotConnected>;

/** `POST /forge/issue-tests`: the panel's one call per render. */
export const IssueTestsRequest = z.strictObject({
  /** Must be the issue the panel is shown on (the FIT's `context.extension.issue`). */
  issueIdOrKey: z.string().min(1).max(255),
  scope: CoverageScope,
  /** Executions of history per test (newest first). */
  history: z.number().int().min(0).max(20).default(5),
});
export type IssueTestsRequest = z.input<typeof IssueTestsRequest>;

export const IssueTestsAnswer = z.discriminatedUnion('status', [
  z.object({ status: z.literal('connected'), issueTests: IssueTests }),
  NotConnected,
]);
export type IssueTestsAnswer = z.infer<typeof IssueTestsAnswer>;

/** A Jira project mapped to a test-tool project on the site's connection. */
export const ForgeMappedProject = z.object({
  jiraProjectKey: z.string(),
  toolProjectKey: z.string().nullable(),
  /** Whether the panel offers "Create defect" on failed tests of this project's issues. */
  createDefects: z.boolean(),
});
export type ForgeMappedProject = z.infer<typeof ForgeMappedProject>;

/** Whether Jira delivers issue changes to Testbridge; `unknown` until the webhooks feature says. */
export const ForgeWebhookStatus = z.object({
  state: z.enum(['registered', 'failing', 'not_registered', 'unknown']),
  detail: z.string().nullable(),
});
export type ForgeWebhookStatus = z.infer<typeof ForgeWebhookStatus>;

/** `POST /forge/admin-status`: the admin page's one call. */
export const AdminStatusAnswer = z.discriminatedUnion('status', [
  z.object({
    status: z.literal('connected'),
    connection: z.object({
      id: z.string(),
      name: z.string(),
      jiraUrl: z.string(),
      status: ConnectionStatus,
      statusReason: z.string().nullable(),
    }),
    installation: z
      .object({
        installationId: z.string(),
        environment: z.string().nullable(),
        installedAt: z.iso.datetime(),
      })
      .nullable(),
    mappedProjects: z.array(ForgeMappedProject),
    webhooks: ForgeWebhookStatus,
  }),
  NotConnected,
]);
export type AdminStatusAnswer = z.infer<typeof AdminStatusAnswer>;

/**
 * `POST /forge/defects`: file a Jira defect for one failed execution, as the viewing user (the
 * forwarded user token). Shown only when the issue's mapping has `createDefects`.
 */
export const CreateDefectRequest = z.strictObject({
  issueIdOrKey: z.string().min(1).max(255),
  testId: z.string().min(1).max(255),
  runId: z.string().min(1).max(255),
});
export type CreateDefectRequest = z.infer<typeof CreateDefectRequest>;

/**
 * The defect as it stands when the call returns: usually `created` (Jira answered while the user
 * waited), `pending` (Jira is slow or away; Testbridge keeps trying while the user's token
 * lasts), or `failed` with Jira's reason (e.g. the user may not create issues in the project).
 */
export const CreateDefectAnswer = z.object({
  defect: DefectRef,
  failureReason: z.string().nullable().default(null),
});
export type CreateDefectAnswer = z.infer<typeof CreateDefectAnswer>;

/** The lifecycle calls carry no body we rely on (the FIT is authoritative): an empty answer. */
export const LifecycleAnswer = z.object({ recorded: z.boolean() });
export type LifecycleAnswer = z.infer<typeof LifecycleAnswer>;

/** Remote call name → method, path, request and answer schemas. */
export const FORGE_REMOTE = {
  issueTests: {
    method: 'POST',
    path: '/forge/issue-tests',
    request: IssueTestsRequest,
    answer: IssueTestsAnswer,
  },
  adminStatus: {
    method: 'POST',
    path: '/forge/admin-status',
    request: z.strictObject({}),
    answer: AdminStatusAnswer,
  },
  createDefect: {
    method: 'POST',
    path: '/forge/defects',
    request: CreateDefectRequest,
    answer: CreateDefectAnswer,
  },
} as const;
export type ForgeRemoteName = keyof typeof FORGE_REMOTE;
export type ForgeRemoteRequest<N extends ForgeRemoteName> = z.input<
  (typeof FORGE_REMOTE)[N]['request']
>;
export type ForgeRemoteAnswer<N extends ForgeRemoteName> = z.infer<
  (typeof FORGE_REMOTE)[N]['answer']
>;

/** Routes the manifest's trigger endpoints point at (`route.path`). */
export const FORGE_LIFECYCLE_PATHS = {
  installed: '/forge/lifecycle/installed',
  uninstalled: '/forge/lifecycle/uninstalled',
} as const;

/** Where the manifest's `trigger` module sends Jira product events (issue, version, project). */
export const FORGE_EVENTS_PATH = '/forge/events';

/** What `/forge/events` answers: the event stored (or stored before: `duplicate`). */
export const ForgeEventAnswer = z.object({ id: z.string(), duplicate: z.boolean() });
export type ForgeEventAnswer = z.infer<typeof ForgeEventAnswer>;

/** The issue entity property the backend keeps current and the manifest indexes for JQL. */
export const COVERAGE_PROPERTY_KEY = 'testbridge-coverage';

/** The Jira user property that remembers each user's panel scope, per Jira project. */
export const SCOPE_PREFERENCE_KEY = 'testbridge-panel-scope';
export const ScopePreference = z.record(z.string().max(255), CoverageScope);
export type ScopePreference = z.infer<typeof ScopePreference>;
