import type { CiBuild } from '@testbridge/shared/api/devops';
import { type BuildContext, requireUrl } from '../context.ts';
import { CliError, EXIT } from '../errors.ts';
import type { Runtime } from '../runtime.ts';
import type { ItemOutcome } from '../verdicts.ts';
import { postItem } from './post-items.ts';

export interface BuildFlags {
  label?: string;
  description?: string;
}

/** Jira's build, from the context; `testInfo` when test counts are known. */
export function buildOf(
  ctx: BuildContext,
  state: string,
  flags: BuildFlags,
  now: number,
  testInfo?: CiBuild['testInfo'],
): CiBuild {
  const keys = ctx.issueKeys.keys;
  return {
    pipelineId: ctx.pipelineId,
    buildNumber: ctx.buildNumber,
    state: state as CiBuild['state'],
    url: requireUrl(ctx),
    displayName: ctx.displayName,
    updateSequenceNumber: now,
    lastUpdated: new Date(now).toISOString(),
    ...(flags.label ? { label: flags.label } : {}),
    ...(flags.description ? { description: flags.description } : {}),
    ...(keys.length > 0 ? { associations: [{ associationType: 'issueKeys', values: keys }] } : {}),
    ...(ctx.commit && ctx.repositoryUrl
      ? {
          references: [
            {
              commit: { id: ctx.commit, repositoryUri: ctx.repositoryUrl },
              ...(ctx.branch ? { ref: { name: ctx.branch, uri: ctx.repositoryUrl } } : {}),
            },
          ],
        }
      : {}),
    ...(testInfo ? { testInfo } : {}),
  };
}

export function requireState(ctx: BuildContext): string {
  if (ctx.state) return ctx.state;
  const where = ctx.ci ? `${ctx.ci.name} does not expose the job's status` : 'no CI detected';
  throw new CliError(EXIT.usage, `Missing the build state: ${where}; pass --state`);
}

export async function runBuild(
  rt: Runtime,
  ctx: BuildContext,
  flags: BuildFlags,
): Promise<ItemOutcome[]> {
  const build = buildOf(ctx, requireState(ctx), flags, rt.now());
  return postItem(rt, 'build', build, `build ${ctx.pipelineId} #${ctx.buildNumber}`);
}
