/**
 * Verify an OAuth 1.0a RSA-SHA1 signed request the way Jira's OAuth service provider does, and
 * report failures with the OAuth Problem Reporting names Jira uses (`oauth_problem=…`).
 * @see https://www.rfc-editor.org/rfc/rfc5849#section-3.2
 */

import type { Context } from 'hono';
import type { OAuth1Consumer } from '../../auth/credentials.ts';
import type { SimDeps } from '../../deps.ts';
import { useNonce } from './oauth1-store.ts';
import type { ParamPair } from './signature.ts';
import {
  buildSignatureBaseString,
  parseFormPairs,
  parseOAuthHeaderParams,
  verifyRsaSha1,
} from './signature.ts';

export interface SignedRequest {
  method: string;
  /** The absolute URL as received. */
  url: string;
  /** Path + query, host stripped (to rebuild the URL from the simulator's base URL). */
  pathAndQuery: string;
  /** The raw parameter list after `OAuth ` in the Authorization header ('' when absent). */
  authorization: string;
  contentType: string;
  body: string;
}

/** Read what a signature covers from a Hono request (the body is cached for later readers). */
export async function readSignedRequest(c: Context): Promise<SignedRequest> {
  const url = new URL(c.req.url);
  const header = c.req.header('authorization') ?? '';
  return {
    method: c.req.method,
    url: c.req.url,
    pathAndQuery: `${url.pathname}${url.search}`,
    authorization: /^oauth\s/i.test(header) ? header.slice(6).trim() : '',
    contentType: c.req.header('content-type') ?? '',
    // A clone: the REST handler behind this middleware still reads the raw request's body.
    body: c.req.method === 'GET' || c.req.method === 'HEAD' ? '' : await c.req.raw.clone().text(),
  };
}

export type OAuth1Problem = { problem: string; extra: ParamPair[] };
export type VerifiedRequest = { consumer: OAuth1Consumer; params: Map<string, string> };

const REQUIRED = [
  'oauth_consumer_key',
  'oauth_signature_method',
  'oauth_signature',
  'oauth_timestamp',
  'oauth_nonce',
];

/**
 * Collect protocol parameters (header, query, form body), check version, method, consumer,
 * timestamp window, nonce and the signature against the consumer's public key. The signature is
 * checked against the URL as received and, failing that, the same path under the configured base URL.
 */
export function verifyOAuth1Request(
  deps: SimDeps,
  request: SignedRequest,
): VerifiedRequest | OAuth1Problem {
  let headerParams: ParamPair[];
  let bodyParams: ParamPair[];
  let queryParams: ParamPair[];
  try {
    headerParams =
      request.authorization === '' ? [] : parseOAuthHeaderParams(request.authorization);
    bodyParams = request.contentType.includes('application/x-www-form-urlencoded')
      ? parseFormPairs(request.body)
      : [];
    queryParams = parseFormPairs(new URL(request.url).search.replace(/^\?/, ''));
  } catch {
    return { problem: 'parameter_rejected', extra: [] };
  }
  const params = new Map<string, string>();
  for (const [name, value] of [...queryParams, ...bodyParams, ...headerParams])
    if (name.startsWith('oauth_')) params.set(name, value);
  const absent = REQUIRED.filter((name) => !params.has(name));
  if (absent.length > 0)
    return { problem: 'parameter_absent', extra: [['oauth_parameters_absent', absent.join('&')]] };
  const version = params.get('oauth_version');
  if (version !== undefined && version !== '1.0')
    return { problem: 'version_rejected', extra: [['oauth_acceptable_versions', '1.0-1.0']] };
  if (params.get('oauth_signature_method') !== 'RSA-SHA1')
    return {
      problem: 'signature_method_rejected',
      extra: [['oauth_acceptable_signature_methods', 'RSA-SHA1']],
    };
  const consumerKey = params.get('oauth_consumer_key') ?? '';
  const consumer = deps.credentials.oauth1Consumers.get(consumerKey);
  if (!consumer) return { problem: 'consumer_key_unknown', extra: [] };

  const now = deps.clock.now();
  const timestamp = Number(params.get('oauth_timestamp'));
  const window = deps.settings.oauth1TimestampWindowMs;
  if (!Number.isInteger(timestamp) || Math.abs(timestamp * 1000 - now) > window) {
    const low = Math.floor((now - window) / 1000);
    const high = Math.floor((now + window) / 1000);
    return {
      problem: 'timestamp_refused',
      extra: [['oauth_acceptable_timestamps', `${low}-${high}`]],
    };
  }

  const signature = params.get('oauth_signature') ?? '';
  const signed: ParamPair[] = [...bodyParams, ...headerParams];
  const candidates = [request.url, `${deps.baseUrl}${request.pathAndQuery}`];
  const baseStrings = candidates.map((url) =>
    buildSignatureBaseString(request.method, url, signed),
  );
  if (!baseStrings.some((base) => verifyRsaSha1(base, signature, consumer.publicKeyPem))) {
    return {
      problem: 'signature_invalid',
      extra: [
        ['oauth_signature', signature],
        ['oauth_signature_base_string', baseStrings[0] ?? ''],
        ['oauth_signature_method', 'RSA-SHA1'],
      ],
    };
  }
  // Nonces are checked after the signature so a forged request cannot burn a client's nonce.
  const nonceKey = `${consumerKey} ${timestamp} ${params.get('oauth_nonce') ?? ''}`;
  if (!useNonce(deps.oauth1, nonceKey, now, now + 2 * window))
    return { problem: 'nonce_used', extra: [] };
  return { consumer, params };
}

export function isOAuth1Problem(result: VerifiedRequest | OAuth1Problem): result is OAuth1Problem {
  return 'problem' in result;
}

/** Jira's problem answer: 401, form-encoded body and a `WWW-Authenticate: OAuth` challenge. */
export function renderOAuth1Problem(realm: string, failure: OAuth1Problem): Response {
  const body = new URLSearchParams([
    ['oauth_problem', failure.problem],
    ...failure.extra,
  ]).toString();
  return new Response(body, {
    status: 401,
    headers: {
      'Content-Type': 'text/plain;charset=UTF-8',
      'WWW-Authenticate': `OAuth realm="${encodeURIComponent(realm)}", oauth_problem="${failure.problem}"`,
    },
  });
}
