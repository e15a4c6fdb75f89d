/**
 * Jira Software Cloud's DevOps endpoints for on-premises tools holding "OAuth credentials" (2LO):
 * the client-credentials token, the site's cloudId, and the Builds and Deployments bulk submits.
 * One HTTP attempt each; the caller (the outbox) decides about retries.
 */
import { type SubmitBuildsRequest, SubmitBuildsResponse } from '@testbridge/shared/jira/builds';
import {
  type SubmitDeploymentsRequest,
  SubmitDeploymentsResponse,
} from '@testbridge/shared/jira/deployments';
import * as client from 'openid-client';
import type { Dispatcher } from 'undici';
import { z } from 'zod';
import { PlainSecret } from '../crypto/secret.ts';
import type { Deps } from '../deps.ts';
import { describeRefusal, parseJiraRefusal } from './errors.ts';
import { retryAfterMs } from './http.ts';
import { tokenExpiresAt } from './token-expiry.ts';

type FetchDeps = Pick<Deps, 'fetch' | 'clock'>;

const TIMEOUT_MS = 30_000;

/** Why a DevOps call did not succeed, classified for retry decisions. Messages are safe to show. */
export type SoftwareApiFailure =
  | { kind: 'unreachable'; message: string }
  | { kind: 'rate_limited'; status: 429; message: string; retryAfterMs: number | undefined }
  | { kind: 'unavailable'; status: number; message: string; retryAfterMs: number | undefined }
  | { kind: 'unauthorized'; status: 401 | 403; message: string }
  | { kind: 'malformed'; status: 400 | 413; message: string; messages: string[] }
  | { kind: 'refused'; status: number; message: string };

export type SoftwareApiResult<T> =
  | { ok: true; value: T }
  | { ok: false; failure: SoftwareApiFailure };

export interface TwoLeggedToken {
  accessToken: PlainSecret;
  expiresAt: Date;
}

function classify(status: number, text: string, retryAfter: string | null, now: number) {
  const refusal = parseJiraRefusal(status, text);
  const wait = retryAfterMs(retryAfter, now);
  let messages = refusal.errorMessages;
  // Builds/Deployments answer 400 and 413 with an array of {message, errorTraceId}.
  const array = z.array(z.object({ message: z.string() })).safeParse(safeJson(text));
  if (array.success) messages = array.data.map((entry) => entry.message);
  const said = messages.length > 0 ? messages.join('; ') : describeRefusal(refusal);
  const message = `Jira answered ${status}: ${said}`;
  if (status === 429) return { kind: 'rate_limited', status, message, retryAfterMs: wait } as const;
  if (status >= 500) return { kind: 'unavailable', status, message, retryAfterMs: wait } as const;
  if (status === 401 || status === 403) return { kind: 'unauthorized', status, message } as const;
  if (status === 400 || status === 413)
    return { kind: 'malformed', status, message, messages } as const;
  return { kind: 'refused', status, message } as const;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function networkMessage(error: unknown): string {
  if (error instanceof Error) {
    const cause = error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return error.name === 'TimeoutError' ? 'timed out' : `${error.message}${cause}`;
  }
  return String(error);
}

/**
 * A client-credentials token for Jira's "OAuth credentials" at `${apiUrl}/oauth/token`
 * (api.atlassian.com, form body, no `audience`, as Atlassian's Jenkins plugin sent it).
 * @see https://developer.atlassian.com/cloud/jira/software/integrate-jsw-cloud-with-onpremises-tools/
 */
export async function requestTwoLeggedToken(
  deps: FetchDeps,
  input: { apiUrl: string; clientId: string; clientSecret: PlainSecret },
): Promise<SoftwareApiResult<TwoLeggedToken>> {
  const config = new client.Configuration(
    { issuer: input.apiUrl, token_endpoint: `${input.apiUrl}/oauth/token` },
    input.clientId,
    undefined,
    client.ClientSecretPost(input.clientSecret.reveal()),
  );
  if (input.apiUrl.startsWith('http:')) client.allowInsecureRequests(config);
  config.timeout = TIMEOUT_MS / 1000;
  let last: { status: number; text: string; retryAfter: string | null } | undefined;
  config[client.customFetch] = async (url, options) => {
    const response = await deps.fetch(url, options);
    if (!response.ok) {
      last = {
        status: response.status,
        text: await response.clone().text(),
        retryAfter: response.headers.get('retry-after'),
      };
    }
    return response;
  };
  const started = deps.clock.now().getTime();
  try {
    const tokens = await client.clientCredentialsGrant(config);
    return {
      ok: true,
      value: {
        accessToken: new PlainSecret(tokens.access_token),
        // Atlassian's 2LO tokens live an hour when the answer does not say.
        expiresAt: tokenExpiresAt(tokens, new Date(started)) ?? new Date(started + 3600_000),
      },
    };
  } catch (error) {
    if (!last)
      return { ok: false, failure: { kind: 'unreachable', message: networkMessage(error) } };
    const failure = classify(last.status, last.text, last.retryAfter, started);
    const said =
      error instanceof client.ResponseBodyError
        ? (error.error_description ?? error.error)
        : undefined;
    const message = `Atlassian's token endpoint answered ${last.status}${said ? `: ${said}` : ''}`;
    return { ok: false, failure: { ...failure, message } };
  }
}

/**
 * The site's cloudId from its unauthenticated `/_edge/tenant_info`.
 * @see https://developer.atlassian.com/cloud/jira/software/integrate-jsw-cloud-with-onpremises-tools/
 */
export async function fetchTenantCloudId(
  deps: FetchDeps,
  siteUrl: string,
  dispatcher?: Dispatcher,
): Promise<SoftwareApiResult<string>> {
  let response: Response;
  try {
    const init: RequestInit = {
      headers: { accept: 'application/json' },
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    };
    // undici's fetch (deps.fetch) reads `dispatcher`; the DOM RequestInit type does not know it.
    if (dispatcher) Object.assign(init, { dispatcher });
    response = await deps.fetch(`${siteUrl.replace(/\/+$/, '')}/_edge/tenant_info`, init);
  } catch (error) {
    return { ok: false, failure: { kind: 'unreachable', message: networkMessage(error) } };
  }
  const text = await response.text();
  if (!response.ok) {
    const failure = classify(
      response.status,
      text,
      response.headers.get('retry-after'),
      deps.clock.now().getTime(),
    );
    return { ok: false, failure };
  }
  const parsed = z.object({ cloudId: z.string().min(1) }).safeParse(safeJson(text));
  return parsed.success
    ? { ok: true, value: parsed.data.cloudId }
    : {
        ok: false,
        failure: {
          kind: 'refused',
          status: response.status,
          message: 'tenant_info did not name a cloudId',
        },
      };
}

async function submit<T>(
  deps: FetchDeps,
  url: string,
  token: PlainSecret,
  body: unknown,
  schema: z.ZodType<T>,
): Promise<SoftwareApiResult<T>> {
  let response: Response;
  try {
    response = await deps.fetch(url, {
      method: 'POST',
      headers: {
        accept: 'application/json',
        'content-type': 'application/json',
        authorization: `Bearer ${token.reveal()}`,
      },
      body: JSON.stringify(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    return { ok: false, failure: { kind: 'unreachable', message: networkMessage(error) } };
  }
  const text = await response.text();
  if (response.status !== 200 && response.status !== 202) {
    const now = deps.clock.now().getTime();
    return {
      ok: false,
      failure: classify(response.status, text, response.headers.get('retry-after'), now),
    };
  }
  const parsed = schema.safeParse(safeJson(text) ?? {});
  return parsed.success
    ? { ok: true, value: parsed.data }
    : {
        ok: false,
        failure: {
          kind: 'refused',
          status: response.status,
          message: 'Jira answered with a body we do not understand',
        },
      };
}

/**
 * `POST {apiUrl}/jira/builds/0.1/cloud/{cloudId}/bulk` with a 2LO token.
 * @see https://developer.atlassian.com/cloud/jira/software/rest/api-group-builds/#api-rest-builds-0-1-bulk-post
 */
export function submitBuilds(
  deps: FetchDeps,
  input: { apiUrl: string; cloudId: string; token: PlainSecret; body: SubmitBuildsRequest },
): Promise<SoftwareApiResult<SubmitBuildsResponse>> {
  const url = `${input.apiUrl}/jira/builds/0.1/cloud/${encodeURIComponent(input.cloudId)}/bulk`;
  return submit(deps, url, input.token, input.body, SubmitBuildsResponse);
}

/**
 * `POST {apiUrl}/jira/deployments/0.1/cloud/{cloudId}/bulk` with a 2LO token.
 * @see https://developer.atlassian.com/cloud/jira/software/rest/api-group-deployments/#api-rest-deployments-0-1-bulk-post
 */
export function submitDeployments(
  deps: FetchDeps,
  input: { apiUrl: string; cloudId: string; token: PlainSecret; body: SubmitDeploymentsRequest },
): Promise<SoftwareApiResult<SubmitDeploymentsResponse>> {
  const url = `${input.apiUrl}/jira/deployments/0.1/cloud/${encodeURIComponent(input.cloudId)}/bulk`;
  return submit(deps, url, input.token, input.body, SubmitDeploymentsResponse);
}
