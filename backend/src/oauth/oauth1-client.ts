import { dispatcherFor } from '../connections/endpoint.ts';
import type { Deps } from '../deps.ts';
import { AppError } from '../http/errors.ts';
import { type OAuth1Credentials, signOAuth1Request } from '../jira/oauth1.ts';
import type { OAuthConnectionRow } from './repo.ts';
import { bindConnectionSecret } from './seal.ts';

type OAuth1Deps = Pick<Deps, 'config' | 'sealer' | 'fetch' | 'clock'>;

/** The application link's consumer credentials (and, once authorized, a token). */
export function consumerOf(deps: Pick<Deps, 'sealer'>, row: OAuthConnectionRow): OAuth1Credentials {
  if (!row.consumerKey || !row.privateKey)
    throw new AppError('internal_error', `Connection ${row.id} has no OAuth 1.0a consumer`);
  return {
    consumerKey: row.consumerKey,
    privateKey: deps.sealer.open(row.privateKey, bindConnectionSecret(row.id, 'private_key')),
  };
}

/** Thrown when Jira refuses a leg of the OAuth 1.0a dance; `problem` is Jira's `oauth_problem`. */
export class OAuth1Refusal extends AppError {
  constructor(readonly problem: string) {
    super('jira_rejected', `Jira refused the OAuth 1.0a request: ${problem}`);
  }
}

async function postSigned(
  deps: OAuth1Deps,
  row: OAuthConnectionRow,
  credentials: OAuth1Credentials,
  url: string,
  extra: Record<string, string>,
): Promise<URLSearchParams> {
  const authorization = signOAuth1Request(
    credentials,
    { method: 'POST', url, extra },
    deps.clock.now(),
  );
  let response: Response;
  try {
    const init: RequestInit = { method: 'POST', headers: { authorization }, redirect: 'manual' };
    Object.assign(init, { dispatcher: dispatcherFor(deps, row) });
    response = await deps.fetch(url, init);
  } catch (error) {
    throw new AppError('jira_unreachable', `Jira could not be reached at ${url}`, { cause: error });
  }
  const body = new URLSearchParams(await response.text());
  if (!response.ok) throw new OAuth1Refusal(body.get('oauth_problem') ?? `HTTP ${response.status}`);
  return body;
}

/**
 * Leg 1: a request token, and the URL where the Jira user approves it.
 * @see https://www.rfc-editor.org/rfc/rfc5849#section-2.1
 */
export async function requestOAuth1Token(
  deps: OAuth1Deps,
  row: OAuthConnectionRow,
  callback: string,
): Promise<{ token: string; authorizeUrl: string }> {
  const body = await postSigned(
    deps,
    row,
    consumerOf(deps, row),
    `${row.jiraUrl}/plugins/servlet/oauth/request-token`,
    { oauth_callback: callback },
  );
  const token = body.get('oauth_token');
  if (!token) throw new OAuth1Refusal('no oauth_token in the answer');
  const authorizeUrl = new URL(`${row.jiraUrl}/plugins/servlet/oauth/authorize`);
  authorizeUrl.searchParams.set('oauth_token', token);
  return { token, authorizeUrl: authorizeUrl.toString() };
}

/**
 * Leg 3: exchanges the approved request token and its verifier for an access token.
 * @see https://www.rfc-editor.org/rfc/rfc5849#section-2.3
 */
export async function exchangeOAuth1Verifier(
  deps: OAuth1Deps,
  row: OAuthConnectionRow,
  requestToken: string,
  verifier: string,
): Promise<{ token: string; expiresInSeconds: number | null }> {
  const body = await postSigned(
    deps,
    row,
    { ...consumerOf(deps, row), token: requestToken },
    `${row.jiraUrl}/plugins/servlet/oauth/access-token`,
    { oauth_verifier: verifier },
  );
  const token = body.get('oauth_token');
  if (!token) throw new OAuth1Refusal('no oauth_token in the answer');
  const expires = Number(body.get('oauth_expires_in'));
  return { token, expiresInSeconds: Number.isFinite(expires) && expires > 0 ? expires : null };
}
