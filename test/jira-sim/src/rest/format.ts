/** Jira's wire formats shared by REST representations. */
import type { JiraInstance, User } from '../world/types.ts';

/** Jira date-time: `2026-03-02T09:00:00.000+0000`. */
export function formatJiraDateTime(epochMs: number): string {
  return new Date(epochMs).toISOString().replace('Z', '+0000');
}

/** The four avatar sizes every user representation carries. */
export function avatarUrlsOf(
  instance: JiraInstance,
  user: User,
): Record<'48x48' | '24x24' | '16x16' | '32x32', string> {
  const base = `${instance.baseUrl}/secure/useravatar?ownerId=${encodeURIComponent(user.id)}`;
  return {
    '48x48': `${base}&size=large`,
    '24x24': `${base}&size=small`,
    '16x16': `${base}&size=xsmall`,
    '32x32': `${base}&size=medium`,
  };
}
