/**
 * Reading a token request: JSON or form body, and client authentication by body parameters or
 * HTTP Basic (RFC 6749 §2.3.1), never both.
 */
import type { Context } from 'hono';
import { parseAuthorization } from '../auth/authorization-header.ts';
import { oauthError } from '../auth/jira-errors.ts';
import { readBodyParams } from '../core/body.ts';

export interface TokenRequest {
  params: Map<string, string>;
  clientId: string;
  clientSecret: string;
  /** Whether the client authenticated with HTTP Basic (a 401 then carries a Basic challenge). */
  viaBasic: boolean;
}

/** Parse the request, or return the RFC 6749 §5.2 error response. */
export async function readTokenRequest(
  c: Context,
  options: { allowQuery: boolean },
): Promise<TokenRequest | Response> {
  const body = await readBodyParams(c);
  const params = body.params;
  if (options.allowQuery) {
    for (const [name, value] of new URL(c.req.url).searchParams)
      if (!params.has(name)) params.set(name, value);
  }
  if (body.kind === 'unsupported')
    return oauthError(
      400,
      'invalid_request',
      'The body must be JSON or application/x-www-form-urlencoded.',
    );
  if (body.duplicated.length > 0)
    return oauthError(400, 'invalid_request', `Repeated parameter: ${body.duplicated.join(', ')}.`);
  const header = parseAuthorization(c.req.header('authorization'));
  if (header?.scheme === 'basic') {
    const bodyId = params.get('client_id');
    if (params.has('client_secret'))
      return oauthError(400, 'invalid_request', 'Use one client authentication method only.');
    if (bodyId !== undefined && bodyId !== header.username)
      return oauthError(400, 'invalid_request', 'client_id does not match the Basic credentials.');
    return { params, clientId: header.username, clientSecret: header.password, viaBasic: true };
  }
  return {
    params,
    clientId: params.get('client_id') ?? '',
    clientSecret: params.get('client_secret') ?? '',
    viaBasic: false,
  };
}

/** RFC 6749 §5.2 `invalid_client` (401; Atlassian's own body is UNCONFIRMED). */
export function invalidClient(request: TokenRequest, realm: string): Response {
  const headers: Record<string, string> = request.viaBasic
    ? { 'WWW-Authenticate': `Basic realm="${realm}"` }
    : {};
  return oauthError(401, 'invalid_client', 'Client authentication failed.', headers);
}
