/**
 * The consumer side of OAuth 1.0a RSA-SHA1 (RFC 5849 §3.1), built from the simulator's exported
 * signing pieces, so a test can fetch a request token and trade a verifier for an access token.
 */
import {
  buildSignatureBaseString,
  formatOAuthHeader,
  readSeededOAuth1PrivateKey,
  SEEDED,
  signRsaSha1,
} from '@testbridge/jira-sim';

/** Signed `Authorization` header for a POST without a body, as the seeded consumer. */
export function signAsSeededConsumer(
  url: string,
  nowMs: number,
  nonce: string,
  extra: [string, string][],
): string {
  const protocol: [string, string][] = [
    ['oauth_consumer_key', SEEDED.oauth1Consumer.consumerKey],
    ['oauth_nonce', nonce],
    ['oauth_signature_method', 'RSA-SHA1'],
    ['oauth_timestamp', String(Math.floor(nowMs / 1000))],
    ['oauth_version', '1.0'],
    ...extra,
  ];
  const base = buildSignatureBaseString('POST', url, protocol);
  const signature = signRsaSha1(base, readSeededOAuth1PrivateKey());
  return formatOAuthHeader([...protocol, ['oauth_signature', signature]], 'jira');
}

/** POSTs a signed request and returns the form-encoded answer (throws on a non-200). */
export async function postSigned(url: string, authorization: string): Promise<URLSearchParams> {
  const res = await fetch(url, { method: 'POST', headers: { Authorization: authorization } });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${text}`);
  return new URLSearchParams(text);
}
