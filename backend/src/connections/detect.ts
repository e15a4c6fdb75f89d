import type { Deployment } from '@testbridge/shared/api/connections';
import type { Deps } from '../deps.ts';
import { AppError } from '../http/errors.ts';
import { anonymousAuth } from '../jira/auth.ts';
import { createJiraDispatcher, type ProxySettings } from '../jira/dispatcher.ts';
import { deploymentOf, getServerInfo } from '../jira/platform-api.ts';
import { assertJiraUrlAllowed, assertProxyUrlAllowed } from '../jira/url-guard.ts';

/** What Jira's serverInfo says about a site before any connection exists. */
export interface DetectedJira {
  jiraUrl: string;
  deployment: Deployment;
  version: string;
  serverTitle: string | null;
}

/**
 * Asks a Jira (anonymously, through the proxy when given) whether it is Cloud or Data Center,
 * with the same URL guards as creating a connection; nothing is stored. The admin UI's wizard
 * shows the answer for the admin to confirm.
 * @throws AppError url_not_allowed (field `body.jiraUrl` / `body.proxy.url`) | jira_unreachable
 */
export async function detectJira(
  deps: Pick<Deps, 'config' | 'lookupHost' | 'fetch' | 'sleep' | 'logger'>,
  input: { jiraUrl: string; proxy?: ProxySettings | undefined },
): Promise<DetectedJira> {
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
  const dispatcher = createJiraDispatcher({
    allowPrivate: deps.config.allowPrivateJiraUrls,
    allowPrivateProxy: deps.config.allowPrivateProxyUrls,
    proxy: input.proxy,
    connections: 1,
  });
  try {
    const info = await getServerInfo(deps, { baseUrl: jiraUrl, auth: anonymousAuth, dispatcher });
    return {
      jiraUrl,
      deployment: deploymentOf(info),
      version: info.version,
      serverTitle: info.serverTitle ?? null,
    };
  } catch (error) {
    throw new AppError('jira_unreachable', 'Jira did not answer serverInfo', {
      cause: error,
      invalidFields: [{ field: 'body.jiraUrl', message: 'Jira did not answer serverInfo' }],
    });
  } finally {
    await dispatcher.close();
  }
}
