import { createSign, randomBytes } from 'node:crypto';
import type { PlainSecret } from '../crypto/secret.ts';
import type { JiraAuth } from './http.ts';

// Written here rather than taken from npm: the common `oauth-1.0a` package fails RFC 5849's own
// §3.4.1.1 example (it drops repeated parameters and double-encodes encoded query names), which
// would make real Jira answer `signature_invalid` for such URLs. oauth1.test.ts holds the vectors.

/** What signs OAuth 1.0a requests for one application link (and, once authorized, one token). */
export interface OAuth1Credentials {
  consumerKey: string;
  privateKey: PlainSecret;
  token?: string | undefined;
  tokenSecret?: PlainSecret | undefined;
}

export interface OAuth1Request {
  method: string;
  url: string;
  /** application/x-www-form-urlencoded body parameters, which are signed too (RFC 5849 §3.4.1.3). */
  form?: Record<string, string> | undefined;
  /** Protocol parameters beyond the usual ones: `oauth_callback`, `oauth_verifier`. */
  extra?: Record<string, string> | undefined;
}

/** RFC 3986 unreserved characters stay; everything else is %XX, upper case (RFC 5849 §3.6). */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/**
 * The RFC 5849 signature base string (§3.4.1): method, base string URI, and the normalised query,
 * form and protocol parameters (repeated names kept, sorted by encoded name then value).
 * @see https://www.rfc-editor.org/rfc/rfc5849#section-3.4.1
 */
export function oauth1BaseString(
  request: Pick<OAuth1Request, 'method' | 'url' | 'form'>,
  protocol: Record<string, string>,
): string {
  const url = new URL(request.url);
  // URL lower-cases scheme and host and drops the default port, as §3.4.1.2 asks.
  const baseUri = `${url.protocol}//${url.host}${url.pathname}`;
  const pairs: [string, string][] = [...url.searchParams.entries()];
  for (const [name, value] of Object.entries(request.form ?? {})) pairs.push([name, value]);
  for (const [name, value] of Object.entries(protocol)) {
    if (name !== 'oauth_signature' && name !== 'realm') pairs.push([name, value]);
  }
  const normalised = pairs
    .map(([name, value]) => [percentEncode(name), percentEncode(value)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  return [request.method.toUpperCase(), percentEncode(baseUri), percentEncode(normalised)].join(
    '&',
  );
}

/**
 * Signs a request with RSA-SHA1 and returns its `Authorization: OAuth …` header value.
 * @see https://www.rfc-editor.org/rfc/rfc5849#section-3.4.3
 */
export function signOAuth1Request(
  credentials: OAuth1Credentials,
  request: OAuth1Request,
  now: Date,
): string {
  const protocol: Record<string, string> = {
    oauth_consumer_key: credentials.consumerKey,
    oauth_nonce: randomBytes(16).toString('hex'),
    oauth_signature_method: 'RSA-SHA1',
    oauth_timestamp: String(Math.floor(now.getTime() / 1000)),
    oauth_version: '1.0',
    ...(credentials.token ? { oauth_token: credentials.token } : {}),
    ...request.extra,
  };
  const signature = createSign('RSA-SHA1')
    .update(oauth1BaseString(request, protocol))
    .sign(credentials.privateKey.reveal(), 'base64');
  const header = Object.entries({ ...protocol, oauth_signature: signature })
    .map(([name, value]) => `${percentEncode(name)}="${percentEncode(value)}"`)
    .join(', ');
  return `OAuth ${header}`;
}

/** A JiraAuth that signs every REST call with the application link's key and access token. */
export function oauth1Auth(credentials: OAuth1Credentials, clock: { now(): Date }): JiraAuth {
  return {
    headers: async ({ method, url }) => ({
      authorization: signOAuth1Request(credentials, { method, url }, clock.now()),
    }),
  };
}
