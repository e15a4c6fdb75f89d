/** Parse an `Authorization` header into the schemes the simulator understands. */
export type AuthorizationHeader =
  | { scheme: 'basic'; username: string; password: string }
  | { scheme: 'bearer'; token: string }
  /** OAuth 1.0a: the raw parameter list after `OAuth `. */
  | { scheme: 'oauth'; raw: string }
  | { scheme: 'malformed' };

/** @see https://www.rfc-editor.org/rfc/rfc7617 (Basic) and https://www.rfc-editor.org/rfc/rfc6750#section-2.1 (Bearer) */
export function parseAuthorization(header: string | undefined): AuthorizationHeader | null {
  if (header === undefined || header.trim() === '') return null;
  const space = header.indexOf(' ');
  const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
  const rest = space < 0 ? '' : header.slice(space + 1).trim();
  if (scheme === 'bearer')
    return rest ? { scheme: 'bearer', token: rest } : { scheme: 'malformed' };
  if (scheme === 'oauth') return { scheme: 'oauth', raw: rest };
  if (scheme === 'basic') {
    const decoded = Buffer.from(rest, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return { scheme: 'malformed' };
    return {
      scheme: 'basic',
      username: decoded.slice(0, colon),
      password: decoded.slice(colon + 1),
    };
  }
  return { scheme: 'malformed' };
}
