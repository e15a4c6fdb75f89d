import type { CoverageScope, IssueTests } from '@testbridge/shared/api/coverage';
import type {
  AdminStatusAnswer,
  CreateDefectAnswer,
  ForgeMappedProject,
  ForgeWebhookStatus,
  IssueTestsAnswer,
  NotConnected,
} from '@testbridge/shared/forge/remote';
import { findSiteConnection } from '../connections/service.ts';
import type { PlainSecret } from '../crypto/secret.ts';
import { newSortableId } from '../db/ids.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../http/errors.ts';
import { forgeJiraApi, isAtlassianApiBaseUrl } from '../jira/forge-api.ts';
import { getServerInfo } from '../jira/platform-api.ts';
import type { ForgeInvocation, ForwardedTokens } from './fit.ts';
import { createInstallationRepo } from './repo.ts';

/** The results feature's read model of one issue (`getIssueTests` in results/coverage.ts). */
export type IssueTestsOf = (
  deps: Deps,
  query: { connectionId: string; issueIdOrKey: string; scope: CoverageScope; history: number },
) => Promise<IssueTests>;

/** What the Forge routes need from other features, passed in so forge imports none of them. */
export interface ForgeFeatures {
  issueTests: IssueTestsOf;
  /** The Jira projects mapped on a connection (the mappings feature). */
  mappingsOf: (deps: Deps, connectionId: string) => Promise<ForgeMappedProject[]>;
  /**
   * Files a failed execution as a defect (the defects feature); the panel offers it only when the
   * issue's mapping has `createDefects`. Absent: the route answers 409.
   */
  fileDefect?: (
    deps: Deps,
    request: {
      connectionId: string;
      runId: string;
      testId: string;
      /** The viewing user, acting through the token Forge forwarded for `apiBaseUrl`. */
      viewer: { accountId: string; apiBaseUrl: string; token: PlainSecret };
    },
  ) => Promise<CreateDefectAnswer>;
  /** Jira → Testbridge webhook health (the webhooks feature); none given: `unknown`. */
  webhookStatusOf?: (deps: Deps, connectionId: string) => Promise<ForgeWebhookStatus>;
  /**
   * Stores a product event of the site for processing (the webhooks feature); absent: the route
   * answers 404, which Forge retries.
   */
  receiveEvent?: (
    deps: Deps,
    cloudId: string,
    body: unknown,
  ) => Promise<{ id: string; duplicate: boolean }>;
}

const notConnected = (invocation: ForgeInvocation): NotConnected => ({
  status: 'not_connected',
  cloudId: invocation.cloudId,
  siteUrl: invocation.siteUrl,
});

/** How long an install call waits for Jira's answer (Forge gives lifecycle calls 5 s). */
const SITE_LOOKUP_WAIT_MS = 2_500;

/**
 * The site's URL, read from Jira as the app (`GET /rest/api/2/serverInfo` on `app.apiBaseUrl`
 * with the forwarded system token): lifecycle tokens name no site URL. Best effort — right after
 * an install Jira may not accept the app's token yet — so null when Jira does not answer in time.
 */
async function siteUrlAsApp(
  deps: Deps,
  invocation: ForgeInvocation,
  token: PlainSecret,
): Promise<string | null> {
  if (!isAtlassianApiBaseUrl(deps.config, invocation.apiBaseUrl)) return null;
  const { endpoint } = forgeJiraApi(deps.config, invocation.apiBaseUrl, token);
  const lookup = getServerInfo(deps, endpoint).then(
    (info) => info.baseUrl,
    (error: unknown) => {
      deps.logger.warn(
        { err: error, installationId: invocation.installationId },
        'Forge install: Jira did not answer the app (system token); site URL left unknown',
      );
      return null;
    },
  );
  const late = new Promise<null>((resolve) =>
    setTimeout(() => resolve(null), SITE_LOOKUP_WAIT_MS).unref(),
  );
  return Promise.race([lookup, late]);
}

/**
 * Records the installation from `avi:forge:installed:app` (idempotent: Forge retries events);
 * with the app's system token, the site URL is asked of Jira as the app.
 */
export async function recordInstallation(
  deps: Deps,
  invocation: ForgeInvocation,
  tokens: ForwardedTokens = { user: null, system: null },
): Promise<void> {
  const connection = await findSiteConnection(deps, invocation.cloudId);
  const repo = createInstallationRepo(deps.store.tables);
  // Lifecycle tokens carry no site URL: ask Jira as the app, else keep one a UI call recorded.
  const [known, asked] = await Promise.all([
    repo.findByInstallationId(deps.store.db, invocation.installationId),
    tokens.system ? siteUrlAsApp(deps, invocation, tokens.system) : null,
  ]);
  const now = deps.clock.now();
  await deps.store.transaction((tx) =>
    repo.upsert(tx, {
      id: newSortableId(now),
      installationId: invocation.installationId,
      appId: invocation.appId,
      environment: invocation.environment,
      cloudId: invocation.cloudId,
      siteUrl: invocation.siteUrl ?? asked ?? known?.siteUrl ?? null,
      apiBaseUrl: invocation.apiBaseUrl,
      connectionId: connection?.id ?? null,
      installedAt: now,
      updatedAt: now,
      uninstalledAt: null,
    }),
  );
  deps.logger.info(
    { installationId: invocation.installationId, cloudId: invocation.cloudId },
    connection
      ? 'Forge app installed on a connected site'
      : 'Forge app installed, site not connected',
  );
}

/** Marks the installation gone (the preUninstall call); false when it was not known. */
export async function recordUninstallation(
  deps: Deps,
  invocation: ForgeInvocation,
): Promise<boolean> {
  const repo = createInstallationRepo(deps.store.tables);
  const at = deps.clock.now();
  const gone = await deps.store.transaction((tx) =>
    repo.markUninstalled(tx, invocation.installationId, at),
  );
  deps.logger.info({ installationId: invocation.installationId, gone }, 'Forge app uninstalled');
  return gone;
}

/**
 * The panel's answer: the tests covering the issue the panel is shown on, read from the
 * connection of the calling site.
 * @throws AppError forbidden (the call is not from that issue's panel)
 */
export async function issueTestsFor(
  deps: Deps,
  features: ForgeFeatures,
  invocation: ForgeInvocation,
  request: { issueIdOrKey: string; scope: CoverageScope; history: number },
): Promise<IssueTestsAnswer> {
  const issue = invocation.issue;
  const asked = request.issueIdOrKey;
  if (!issue || (asked !== issue.id && asked.toUpperCase() !== issue.key?.toUpperCase())) {
    throw new AppError('forbidden', 'The panel may only read the issue it is shown on');
  }
  const connection = await findSiteConnection(deps, invocation.cloudId);
  if (!connection) return notConnected(invocation);
  const issueTests = await features.issueTests(deps, {
    connectionId: connection.id,
    // The signed issue id when the token names one: read by id from the store, no key lookup.
    issueIdOrKey: issue.id ?? asked,
    scope: request.scope,
    history: request.history,
  });
  return { status: 'connected', issueTests };
}

/**
 * The admin page's answer: this site's connection, installation, mapped projects and webhooks.
 * @throws AppError forbidden (the call is not from the admin page)
 */
export async function adminStatusFor(
  deps: Deps,
  features: ForgeFeatures,
  invocation: ForgeInvocation,
): Promise<AdminStatusAnswer> {
  if (!invocation.moduleTypes.includes('jira:adminPage')) {
    throw new AppError('forbidden', 'Only the admin page may read the connection status');
  }
  const connection = await findSiteConnection(deps, invocation.cloudId);
  if (!connection) return notConnected(invocation);
  const repo = createInstallationRepo(deps.store.tables);
  const installation = await repo.findCurrentForSite(deps.store.db, invocation.cloudId);
  if (
    installation &&
    (installation.connectionId !== connection.id ||
      (invocation.siteUrl && installation.siteUrl !== invocation.siteUrl))
  ) {
    const changes = {
      connectionId: connection.id,
      siteUrl: invocation.siteUrl ?? installation.siteUrl,
      updatedAt: deps.clock.now(),
    };
    await deps.store.transaction((tx) => repo.update(tx, installation.id, changes));
  }
  const [mappedProjects, webhooks] = await Promise.all([
    features.mappingsOf(deps, connection.id),
    features.webhookStatusOf?.(deps, connection.id) ??
      Promise.resolve<ForgeWebhookStatus>({
        state: 'unknown',
        detail: 'This Testbridge does not track webhook deliveries yet',
      }),
  ]);
  return {
    status: 'connected',
    connection,
    installation: installation
      ? {
          installationId: installation.installationId,
          environment: installation.environment,
          installedAt: installation.installedAt.toISOString(),
        }
      : null,
    mappedProjects,
    webhooks,
  };
}

/**
 * "Create defect" from the panel: the failed execution of a test covering the issue the panel is
 * shown on, filed as the viewing user (the FIT's `principal`, with the user token Forge
 * forwarded, against the FIT's `app.apiBaseUrl`) — never as the connection's account.
 * @throws AppError forbidden (another issue; an apiBaseUrl off ATLASSIAN_API_URL) |
 *   user_authorization_required (no user, or no forwarded user token) |
 *   conflict (not connected, or defects unavailable)
 */
export async function fileDefectFor(
  deps: Deps,
  features: ForgeFeatures,
  invocation: ForgeInvocation,
  tokens: ForwardedTokens,
  request: { issueIdOrKey: string; runId: string; testId: string },
): Promise<CreateDefectAnswer> {
  const issue = invocation.issue;
  const asked = request.issueIdOrKey;
  if (!issue || (asked !== issue.id && asked.toUpperCase() !== issue.key?.toUpperCase())) {
    throw new AppError('forbidden', 'The panel may only file defects for the issue it is shown on');
  }
  const connection = await findSiteConnection(deps, invocation.cloudId);
  if (!connection) throw new AppError('conflict', 'This site is not connected to Testbridge');
  if (!features.fileDefect) throw new AppError('conflict', 'Defects are not available here');
  if (!invocation.principal || !tokens.user)
    throw new AppError(
      'user_authorization_required',
      'Create defect acts as the viewing user, and Forge forwarded no user token with this call (the endpoint needs auth.appUserToken and a user in session)',
    );
  if (!isAtlassianApiBaseUrl(deps.config, invocation.apiBaseUrl))
    throw new AppError(
      'forbidden',
      "The Forge token's app.apiBaseUrl is not a Jira site under ATLASSIAN_API_URL",
    );
  return features.fileDefect(deps, {
    connectionId: connection.id,
    runId: request.runId,
    testId: request.testId,
    viewer: {
      accountId: invocation.principal,
      apiBaseUrl: invocation.apiBaseUrl,
      token: tokens.user,
    },
  });
}
