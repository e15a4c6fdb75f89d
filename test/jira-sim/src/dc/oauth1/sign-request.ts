/**
 * Client-side OAuth 1.0a RSA-SHA1 signing, as a consumer would do it (tests and demos).
 * @see https://www.rfc-editor.org/rfc/rfc5849#section-3.1
 */
import type { ParamPair } from './signature.ts';
import {
  buildSignatureBaseString,
  formatOAuthHeader,
  parseFormPairs,
  signRsaSha1,
} from './signature.ts';

export interface OAuth1SignInput {
  method: string;
  /** Absolute URL including any query string. */
  url: string;
  consumerKey: string;
  privateKeyPem: string;
  token?: string;
  /** Extra protocol parameters, e.g. `{ oauth_callback: 'oob' }` or `{ oauth_verifier }`. */
  oauth?: Record<string, string>;
  /** `application/x-www-form-urlencoded` body that is part of the signature. */
  formBody?: string;
  nonce: string;
  /** Seconds since the epoch. */
  timestamp: number;
}

/** The `Authorization: OAuth …` header value for a request. */
export function signOAuth1Request(input: OAuth1SignInput): string {
  const protocol: ParamPair[] = [
    ['oauth_consumer_key', input.consumerKey],
    ['oauth_nonce', input.nonce],
    ['oauth_signature_method', 'RSA-SHA1'],
    ['oauth_timestamp', String(input.timestamp)],
    ['oauth_version', '1.0'],
    ...(input.token === undefined ? [] : [['oauth_token', input.token] satisfies ParamPair]),
    ...Object.entries(input.oauth ?? {}),
  ];
  const base = buildSignatureBaseString(input.method, input.url, [
    ...protocol,
    ...parseFormPairs(input.formBody ?? ''),
  ]);
  return formatOAuthHeader(
    [...protocol, ['oauth_signature', signRsaSha1(base, input.privateKeyPem)]],
    'jira',
  );
}
