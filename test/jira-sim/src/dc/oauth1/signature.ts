/**
 * OAuth 1.0a signatures (RFC 5849 §3.4): base string construction, parameter normalization and
 * RSA-SHA1 with node:crypto. Pure functions, also used by tests to sign requests as a client would.
 * @see https://www.rfc-editor.org/rfc/rfc5849#section-3.4.1
 */
import { createSign, createVerify } from 'node:crypto';

export type ParamPair = [name: string, value: string];

/** RFC 5849 §3.6: RFC 3986 unreserved characters stay, everything else is %XX (upper case). */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Decode one `application/x-www-form-urlencoded` component (`+` is a space). Throws on bad escapes. */
export function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

/** Split a query string or form body into decoded pairs (a name without `=` has value ""). */
export function parseFormPairs(encoded: string): ParamPair[] {
  if (encoded === '') return [];
  return encoded
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const eq = part.indexOf('=');
      return eq < 0
        ? [formDecode(part), '']
        : [formDecode(part.slice(0, eq)), formDecode(part.slice(eq + 1))];
    });
}

/**
 * Parse the parameters of an `Authorization: OAuth …` header (RFC 5849 §3.5.1):
 * comma-separated `name="value"`, both percent-encoded. `realm` is dropped.
 */
export function parseOAuthHeaderParams(raw: string): ParamPair[] {
  const pairs: ParamPair[] = [];
  for (const part of raw.split(',')) {
    const match = /^\s*([^=\s]+)\s*=\s*"([^"]*)"\s*$/.exec(part);
    if (!match?.[1] || match[2] === undefined)
      throw new SyntaxError(`Malformed OAuth header parameter: ${part}`);
    const name = decodeURIComponent(match[1]);
    if (name !== 'realm') pairs.push([name, decodeURIComponent(match[2])]);
  }
  return pairs;
}

/** §3.4.1.2: scheme and host lower case, default port dropped, no query or fragment. */
export function normalizeBaseUri(url: string): string {
  const parsed = new URL(url);
  const scheme = parsed.protocol.toLowerCase();
  const defaultPort =
    (scheme === 'http:' && parsed.port === '80') || (scheme === 'https:' && parsed.port === '443');
  const port = parsed.port === '' || defaultPort ? '' : `:${parsed.port}`;
  return `${scheme}//${parsed.hostname.toLowerCase()}${port}${parsed.pathname}`;
}

/** §3.4.1.3.2: encode names and values, sort by name then value, join with `=` and `&`. */
export function normalizeParameters(pairs: ParamPair[]): string {
  return pairs
    .filter(([name]) => name !== 'oauth_signature')
    .map(([name, value]): ParamPair => [percentEncode(name), percentEncode(value)])
    .sort(([aName, aValue], [bName, bValue]) =>
      aName === bName ? compare(aValue, bValue) : compare(aName, bName),
    )
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * §3.4.1.1: `METHOD&encoded-base-uri&encoded-normalized-params`, where the parameters are the
 * query's, the form body's (when `application/x-www-form-urlencoded`) and the OAuth protocol ones.
 */
export function buildSignatureBaseString(method: string, url: string, params: ParamPair[]): string {
  const query = parseFormPairs(new URL(url).search.replace(/^\?/, ''));
  return [
    method.toUpperCase(),
    percentEncode(normalizeBaseUri(url)),
    percentEncode(normalizeParameters([...query, ...params])),
  ].join('&');
}

/** §3.4.3: RSASSA-PKCS1-v1_5 over SHA-1, base64. */
export function signRsaSha1(baseString: string, privateKeyPem: string): string {
  return createSign('RSA-SHA1').update(baseString).sign(privateKeyPem, 'base64');
}

/** Verify an RSA-SHA1 signature; false (never a throw) for malformed input. */
export function verifyRsaSha1(
  baseString: string,
  signature: string,
  publicKeyPem: string,
): boolean {
  try {
    return createVerify('RSA-SHA1').update(baseString).verify(publicKeyPem, signature, 'base64');
  } catch {
    return false;
  }
}

/** Build an `Authorization: OAuth …` header value from protocol parameters (client side, for tests). */
export function formatOAuthHeader(params: ParamPair[], realm?: string): string {
  const parts = params.map(([name, value]) => `${percentEncode(name)}="${percentEncode(value)}"`);
  return `OAuth ${realm === undefined ? '' : `realm="${realm}", `}${parts.join(', ')}`;
}
