import { view } from '@forge/bridge';
import { useEffect, useState } from 'react';

/** What the panel and admin page need from Forge's context (the host fills it, signed in the FIT). */
export interface ForgeContext {
  accountId: string | null;
  siteUrl: string | null;
  issue: { id: string | null; key: string | null } | null;
  projectKey: string | null;
}

interface RawContext {
  accountId?: string;
  siteUrl?: string;
  extension?: {
    issue?: { id?: string | number; key?: string };
    project?: { key?: string };
  };
}

/** The context, or an error when the host gives none (outside Jira). */
export function useForgeContext(): ForgeContext | Error | null {
  const [context, setContext] = useState<ForgeContext | Error | null>(null);
  useEffect(() => {
    let current = true;
    (view.getContext() as Promise<RawContext | undefined>).then(
      (raw) => {
        if (!current) return;
        const issue = raw?.extension?.issue;
        setContext({
          accountId: raw?.accountId ?? null,
          siteUrl: raw?.siteUrl ?? null,
          issue: issue
            ? { id: issue.id === undefined ? null : String(issue.id), key: issue.key ?? null }
            : null,
          projectKey: raw?.extension?.project?.key ?? null,
        });
      },
      (error: unknown) =>
        current && setContext(error instanceof Error ? error : new Error('no context')),
    );
    return () => {
      current = false;
    };
  }, []);
  return context;
}
