import type { CiDeployment } from '@testbridge/shared/api/devops';
import { EnvironmentType } from '@testbridge/shared/jira/deployments';
import { type BuildContext, requireUrl } from '../context.ts';
import { CliError, EXIT } from '../errors.ts';
import type { Runtime } from '../runtime.ts';
import type { ItemOutcome } from '../verdicts.ts';
import { postItem } from './post-items.ts';

export interface DeployFlags {
  environmentName?: string;
  deploymentNumber?: string;
  label?: string;
  description?: string;
}

/** GitLab's tiers and common words as Jira's environment types; unknown words are left out. */
function environmentTypeOf(
  raw: string | undefined,
  explicit: boolean,
): CiDeployment['environment']['type'] {
  if (!raw) return undefined;
  const word = raw.trim().toLowerCase();
  const mapped = word === 'other' ? 'unmapped' : word === 'test' ? 'testing' : word;
  const parsed = EnvironmentType.safeParse(mapped);
  if (parsed.success) return parsed.data;
  if (explicit) {
    throw new CliError(
      EXIT.usage,
      `--environment-type "${raw}" is not one of ${EnvironmentType.options.join(', ')}`,
    );
  }
  return undefined;
}

export async function runDeploy(
  rt: Runtime,
  ctx: BuildContext,
  flags: DeployFlags & { environmentTypeFlag: boolean },
): Promise<ItemOutcome[]> {
  const state = ctx.state;
  if (!state) {
    const where = ctx.ci ? `${ctx.ci.name} does not expose the job's status` : 'no CI detected';
    throw new CliError(EXIT.usage, `Missing the deployment state: ${where}; pass --state`);
  }
  if (!ctx.environment) {
    const where = ctx.ci ? `${ctx.ci.name} names no environment here` : 'no CI detected';
    throw new CliError(EXIT.usage, `Missing the environment: ${where}; pass --environment`);
  }
  let sequence = ctx.buildNumber;
  if (flags.deploymentNumber !== undefined) {
    if (!/^\d{1,15}$/.test(flags.deploymentNumber)) {
      throw new CliError(
        EXIT.usage,
        `--deployment-number "${flags.deploymentNumber}" is not a whole number`,
      );
    }
    sequence = Number(flags.deploymentNumber);
  }
  const type = environmentTypeOf(ctx.environmentType, flags.environmentTypeFlag);
  const keys = ctx.issueKeys.keys;
  const now = rt.now();
  const deployment: CiDeployment = {
    deploymentSequenceNumber: sequence,
    updateSequenceNumber: now,
    lastUpdated: new Date(now).toISOString(),
    state: state as CiDeployment['state'],
    url: requireUrl(ctx),
    displayName: ctx.displayName,
    pipeline: { id: ctx.pipelineId, displayName: ctx.pipelineName },
    environment: {
      id: ctx.environment,
      displayName: flags.environmentName ?? ctx.environment,
      ...(type ? { type } : {}),
    },
    ...(flags.label ? { label: flags.label } : {}),
    ...(flags.description ? { description: flags.description } : {}),
    ...(keys.length > 0 ? { associations: [{ associationType: 'issueKeys', values: keys }] } : {}),
  };
  return postItem(
    rt,
    'deployment',
    deployment,
    `deployment ${ctx.pipelineId} → ${ctx.environment} #${sequence}`,
  );
}
