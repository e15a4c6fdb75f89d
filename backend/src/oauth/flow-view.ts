import { createHash, randomBytes } from 'node:crypto';
import { type AuthorizationFlow, JiraSite } from '@testbridge/shared/api/oauth';
import { z } from 'zod';
import type { Caller } from '../http/env.ts';
import { CLOUD_SCOPES } from './oauth2-client.ts';
import type { FlowRow } from './repo.ts';

/** How long a `state` (and so the whole flow) lives before the callback. */
export const STATE_TTL_MS = 10 * 60_000;
/** How long the verification code shown on the callback page can be pasted. */
export const VERIFICATION_TTL_MS = 5 * 60_000;

/**
 * The start call sets `${BROWSER_COOKIE_PREFIX}<flowId>` (HttpOnly, SameSite=Lax, path of the
 * callback): when the consent comes back to the callback in that same browser, the flow completes
 * without the paste. A consent given in another browser (someone tricked into approving a flow
 * an attacker started) still needs the code, which only the starter can paste.
 */
export const BROWSER_COOKIE_PREFIX = 'tb_oauth_';

/** SHA-256, hex: states and verification codes are stored only this way. */
export const hashSecret = (value: string) => createHash('sha256').update(value).digest('hex');

export const randomState = () => randomBytes(32).toString('base64url');

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
/** A code a person can copy: 10 characters without look-alikes, e.g. `K7QX-2MHP-9D`. */
export function randomVerificationCode(): string {
  const bytes = randomBytes(10);
  const chars = [...bytes].map((byte) => CODE_ALPHABET[byte % CODE_ALPHABET.length]).join('');
  return `${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8)}`;
}

/**
 * Where a test-tool user starts authorizing themselves: Testbridge's start endpoint (POST it with
 * `X-Testbridge-User`; its answer holds Atlassian's consent URL as `authorizationUrl`).
 */
export const startAuthorizationOf = (
  deps: { config: { publicUrl: string } },
  connectionId: string,
) => ({
  startAuthorizationUrl: `${deps.config.publicUrl.replace(/\/+$/, '')}/api/v1/connections/${connectionId}/authorizations`,
  startAuthorizationMethod: 'POST',
  userHeader: 'X-Testbridge-User',
});

/** Who started a flow: the API key and the test-tool user ('' for the shared grant). */
export const starterOf = (caller: Caller, subject: string) => `${caller.keyId}|${subject}`;

export const SiteList = z.array(JiraSite);

export function sitesOf(row: FlowRow): z.infer<typeof SiteList> {
  return row.sites ? SiteList.parse(JSON.parse(row.sites)) : [];
}

export function missingScopesOf(scopes: string | null, authType: string): string[] {
  if (authType !== 'cloud_oauth2' || scopes === null) return [];
  const granted = new Set(scopes.split(' '));
  return CLOUD_SCOPES.filter((scope) => !granted.has(scope));
}

export function toAuthorizationFlow(
  row: FlowRow,
  authType: string,
  authorizationUrl: string | null = null,
): AuthorizationFlow {
  return {
    flowId: row.id,
    connectionId: row.connectionId,
    subject: row.subject,
    status: row.status,
    authorizationUrl,
    expiresAt: (row.verificationExpiresAt ?? row.expiresAt).toISOString(),
    failure: row.failure,
    sites: sitesOf(row),
    missingScopes: missingScopesOf(row.scopes, authType),
    browserVerified: row.browserVerified,
  };
}
