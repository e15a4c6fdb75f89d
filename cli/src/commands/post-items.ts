import {
  AcceptedDevopsEvents,
  type CiBuild,
  type CiDeployment,
  PartlyAcceptedDevopsItems,
} from '@testbridge/shared/api/devops';
import { CliError, EXIT } from '../errors.ts';
import { describeError } from '../http.ts';
import type { Runtime } from '../runtime.ts';
import { type ItemOutcome, settleEvents } from '../verdicts.ts';

/**
 * Posts one build or deployment to Testbridge's own door (no Jira cloudId needed: the CI
 * credentials name the site) and follows it to Jira's verdict.
 */
export async function postItem(
  rt: Runtime,
  kind: 'build' | 'deployment',
  item: CiBuild | CiDeployment,
  label: string,
): Promise<ItemOutcome[]> {
  const path = kind === 'build' ? '/api/v1/devops/builds' : '/api/v1/devops/deployments';
  rt.output.debug(`${kind}: ${JSON.stringify(item)}`);
  const response = await rt.client.request('POST', path, {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(item),
  });
  if (response.status === 202) {
    const parsed = AcceptedDevopsEvents.safeParse(response.body);
    if (!parsed.success) throw new CliError(EXIT.refused, `${path} answered an unexpected body`);
    return settleEvents(rt.client, kind, parsed.data.events, rt.poll, rt.output);
  }
  if (response.status === 400 && !PartlyAcceptedDevopsItems.safeParse(response.body).success) {
    // The item breaks Jira's rules: Testbridge refused it, as Jira would, and stored nothing.
    return [
      {
        label,
        status: 'rejected',
        unknownIssueKeys: [],
        reason: `Testbridge refused it by Jira's rules (nothing was sent): ${describeError(response)}`,
      },
    ];
  }
  throw new CliError(EXIT.refused, `Testbridge refused the ${kind}: ${describeError(response)}`);
}
