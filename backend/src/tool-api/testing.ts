/** Test support for the tool API: the app on the simulator, token connections, calls as a user. */
import { SEEDED } from '@testbridge/jira-sim';
import { Connection } from '@testbridge/shared/api/connections';
import { expect } from 'vitest';
import { json, lastError, type OAuthTestApp } from '../oauth/testing.ts';

export type TokenKind = 'cloud_api_token' | 'dc_pat' | 'dc_basic';

/** Link base URLs the connections are created with, so browse URLs can be told from API URLs. */
export const LINK_BASE = { cloud: 'https://acme.example.test/jira', dc: 'https://dc.example.test' };

/** A token connection as `who` (alice/bob on acme; admin/dave on Data Center). */
export async function connectWithToken(
  t: OAuthTestApp,
  name: string,
  kind: TokenKind,
  who: 'alice' | 'bob' | 'admin' | 'dave',
  extra: Record<string, unknown> = {},
) {
  const auth =
    kind === 'cloud_api_token'
      ? {
          type: kind,
          email: `${who}@acme.test`,
          apiToken: SEEDED.apiTokens[who as 'alice' | 'bob'],
        }
      : kind === 'dc_pat'
        ? { type: kind, token: SEEDED.pats[who as 'admin' | 'dave'] }
        : { type: kind, username: who, password: SEEDED.dcPasswords[who as 'admin' | 'dave'] };
  const cloud = kind === 'cloud_api_token';
  const res = await t.app.request('/api/v1/connections', {
    method: 'POST',
    headers: t.asAdmin(json),
    body: JSON.stringify({
      name,
      jiraUrl: `${t.sim.baseUrl}${cloud ? '/cloud/acme' : '/dc/jira'}`,
      linkBaseUrl: cloud ? LINK_BASE.cloud : LINK_BASE.dc,
      auth,
      ...extra,
    }),
  });
  expect(res.status, `${await res.clone().text()} ${lastError(t)}`).toBe(201);
  return Connection.parse(await res.json());
}

/** A tool-role API key, and headers for it (optionally naming the test-tool user). */
export async function createToolKey(t: OAuthTestApp) {
  const res = await t.app.request('/api/v1/api-keys', {
    method: 'POST',
    headers: t.asAdmin(json),
    body: JSON.stringify({ name: 'test tool', role: 'tool' }),
  });
  const { key } = (await res.json()) as { key: string };
  return (user?: string): Record<string, string> => ({
    authorization: `Bearer ${key}`,
    ...(user ? { 'x-testbridge-user': user } : {}),
  });
}

/** Calls `/api/v1/connections/{id}/jira{path}`, with a JSON body when one is given. */
export function callJiraApi(
  t: OAuthTestApp,
  headers: Record<string, string>,
  connectionId: string,
  path: string,
  body?: unknown,
) {
  return t.app.request(`/api/v1/connections/${connectionId}/jira${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? headers : { ...headers, ...json },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

/** Every page of a paged GET, following `nextCursor`. */
export async function collectPages<T>(
  t: OAuthTestApp,
  headers: Record<string, string>,
  connectionId: string,
  path: string,
): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const url: string = cursor ? `${path}${sep}cursor=${encodeURIComponent(cursor)}` : path;
    const res = await callJiraApi(t, headers, connectionId, url);
    expect(res.status, await res.clone().text()).toBe(200);
    const page = (await res.json()) as { items: T[]; nextCursor: string | null };
    items.push(...page.items);
    cursor = page.nextCursor;
    pages++;
  } while (cursor && pages < 100);
  return { items, pages };
}
