import {
  CiTokenResponse,
  CloudIdParam,
  JiraCompatibleBuildsAccepted,
  JiraCompatibleDeploymentsAccepted,
} from '@testbridge/shared/api/devops';
import { SubmitBuildsRequest } from '@testbridge/shared/jira/builds';
import { SubmitDeploymentsInput } from '@testbridge/shared/jira/deployments';
import type { Context } from 'hono';
import type { Deps } from '../deps.ts';
import type { Env } from '../http/env.ts';
import { AppError } from '../http/errors.ts';
import { createRouter } from '../http/openapi.ts';
import { validationError } from '../http/problem.ts';
import { jsonBody, jsonContent, problemResponse, problemResponses } from '../http/responses.ts';
import { ciPrincipalOf, parseBasic, requireCi } from './ci-auth.ts';
import { type CiPrincipal, checkCiClient, issueCiToken } from './credential-service.ts';
import { isPlainValidBuilds } from './fast-builds.ts';
import { acceptBuilds, acceptDeployments } from './ingest-service.ts';
import { parseJsonBody } from './json-body.ts';

const security: Record<string, string[]>[] = [{ ciToken: [] }, { ciClient: [] }];

/** RFC 6749 §5.2 error body, never cached. */
function oauthError(
  c: Context,
  status: 400 | 401,
  error: string,
  description: string,
  basic = false,
) {
  const headers: Record<string, string> = { 'cache-control': 'no-store', pragma: 'no-cache' };
  if (basic) headers['www-authenticate'] = 'Basic realm="testbridge-ci"';
  return c.json({ error, error_description: description }, status, headers);
}

async function readParams(c: Context): Promise<URLSearchParams | undefined> {
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  const text = await c.req.text();
  if (type.includes('application/x-www-form-urlencoded')) return new URLSearchParams(text);
  if (!type.includes('json')) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(body)) {
    if (typeof value === 'string') params.set(name, value);
  }
  return params;
}

/** Accepted audiences: none, Atlassian's own (clients written for Jira send it), or ours. */
function audienceAllowed(deps: Deps, audience: string | null): boolean {
  if (audience === null) return true;
  const ours = new URL(deps.config.publicUrl);
  return ['api.atlassian.com', ours.host, ours.origin, `${ours.origin}/`].includes(audience);
}

/**
 * Jira's 202 with plain headers: hono's `c.json` turns its headers into a fetch `Headers` once the
 * request id is set, which made answering cost more than building the answer.
 */
function accepted(c: Context<Env>, body: unknown): Response {
  return new Response(JSON.stringify(body), {
    status: 202,
    headers: { 'content-type': 'application/json', 'x-request-id': c.get('requestId') },
  });
}

/** The `{cloudId}` of the path, checked like the other path parameters. */
function cloudIdOf(c: Context): string {
  const cloudId = c.req.param('cloudId');
  // What CloudIdParam accepts, without a parse per request; anything else gets its error.
  if (cloudId !== undefined && cloudId.length >= 1 && cloudId.length <= 255) return cloudId;
  const parsed = CloudIdParam.safeParse({ cloudId: c.req.param('cloudId') });
  if (!parsed.success) throw validationError('param', parsed.error);
  return parsed.data.cloudId;
}

function requireSameSite(principal: CiPrincipal, cloudId: string): void {
  if (principal.cloudId !== cloudId) {
    throw new AppError(
      'forbidden',
      `These CI credentials may post only to Jira site ${principal.cloudId}, not ${cloudId}`,
    );
  }
}

/**
 * What CI tools call, shaped like Atlassian's own API so a client written for Jira only changes
 * its base URL: `POST /oauth/token` and the Builds/Deployments bulk endpoints.
 * @see https://developer.atlassian.com/cloud/jira/software/rest/api-group-builds/
 */
export function devopsCiRoutes(deps: Deps) {
  const router = createRouter();
  router.use('/jira/*', requireCi(deps));
  router.openAPIRegistry.registerComponent('securitySchemes', 'ciToken', {
    type: 'http',
    scheme: 'bearer',
    description: 'A token from `POST /oauth/token` for Testbridge-issued CI credentials',
  });
  router.openAPIRegistry.registerComponent('securitySchemes', 'ciClient', {
    type: 'http',
    scheme: 'basic',
    description: 'Testbridge-issued CI client id and secret, sent directly',
  });

  router.openAPIRegistry.registerPath({
    method: 'post',
    path: '/oauth/token',
    operationId: 'issueCiToken',
    // Client id and secret with HTTP Basic, or in the body (no security scheme: `{}`).
    security: [{ ciClient: [] }, {}],
    tags: ['DevOps'],
    summary: 'A short-lived bearer token for CI credentials (RFC 6749 client_credentials)',
    description:
      'Form or JSON body with `grant_type=client_credentials`; the client authenticates with ' +
      '`client_id`/`client_secret` in the body or HTTP Basic (not both). `audience` is optional.',
    responses: {
      200: jsonContent(CiTokenResponse, 'The token'),
      400: { description: 'RFC 6749 error' },
      401: { description: 'invalid_client' },
    },
  });
  router.post('/oauth/token', async (c) => {
    const params = await readParams(c);
    if (!params) {
      return oauthError(
        c,
        400,
        'invalid_request',
        'Send a JSON or application/x-www-form-urlencoded body',
      );
    }
    const basic = parseBasic(c.req.header('authorization'));
    if (basic && params.has('client_secret')) {
      return oauthError(
        c,
        400,
        'invalid_request',
        'Authenticate with HTTP Basic or the body, not both',
      );
    }
    const grantType = params.get('grant_type');
    if (!grantType) return oauthError(c, 400, 'invalid_request', 'grant_type is required');
    if (grantType !== 'client_credentials') {
      return oauthError(c, 400, 'unsupported_grant_type', 'Only client_credentials is supported');
    }
    if (!audienceAllowed(deps, params.get('audience'))) {
      return oauthError(c, 400, 'invalid_target', `Unknown audience ${params.get('audience')}`);
    }
    const clientId = basic?.id ?? params.get('client_id') ?? '';
    const secret = basic?.secret ?? params.get('client_secret') ?? '';
    if (basic && params.has('client_id') && params.get('client_id') !== basic.id) {
      return oauthError(
        c,
        400,
        'invalid_request',
        'client_id does not match the Basic credentials',
      );
    }
    const principal = clientId && secret ? await checkCiClient(deps, clientId, secret) : undefined;
    if (!principal) {
      return oauthError(
        c,
        401,
        'invalid_client',
        'Unknown, revoked or wrong client credentials',
        Boolean(basic),
      );
    }
    const token = await issueCiToken(deps, principal);
    return c.json(
      { access_token: token.accessToken, token_type: 'Bearer', expires_in: token.expiresIn },
      200,
      { 'cache-control': 'no-store', pragma: 'no-cache' },
    );
  });

  // Documented with the body schema, validated by the handler (`parseJsonBody`: synchronously).
  router.openAPIRegistry.registerPath({
    method: 'post',
    path: '/jira/builds/0.1/cloud/{cloudId}/bulk',
    operationId: 'submitBuilds',
    tags: ['DevOps'],
    summary: "Submit builds in Jira's own format (Jira-compatible)",
    description:
      "The body and answer of Jira's submitBuilds. Every build is committed to the outbox before " +
      'the 202, then delivered to Jira; `events` tells where to follow each one.',
    security,
    request: { params: CloudIdParam, body: jsonBody(SubmitBuildsRequest) },
    responses: {
      202: jsonContent(JiraCompatibleBuildsAccepted, 'Accepted for delivery'),
      ...problemResponses,
      403: problemResponse('The CI credentials are for another Jira site'),
      415: problemResponse('The body is not declared as JSON'),
    },
  });
  router.post('/jira/builds/0.1/cloud/:cloudId/bulk', async (c) => {
    const principal = ciPrincipalOf(c);
    requireSameSite(principal, cloudIdOf(c));
    const { builds, ...envelope } = await parseJsonBody(c, SubmitBuildsRequest, isPlainValidBuilds);
    const events = await acceptBuilds(deps, principal, envelope, builds);
    return accepted(c, {
      // The events carry the builds' keys, so the parsed builds need not outlive the commit
      // (holding them across it cost garbage-collection time).
      acceptedBuilds: events.map((event) => event.key),
      rejectedBuilds: [],
      unknownIssueKeys: [],
      unknownAssociations: [],
      events,
    });
  });

  router.openAPIRegistry.registerPath({
    method: 'post',
    path: '/jira/deployments/0.1/cloud/{cloudId}/bulk',
    operationId: 'submitDeployments',
    tags: ['DevOps'],
    summary: "Submit deployments in Jira's own format (Jira-compatible)",
    description:
      "The body and answer of Jira's submitDeployments; `environment.type` may be left out (the " +
      "site's environment rules decide it).",
    security,
    request: { params: CloudIdParam, body: jsonBody(SubmitDeploymentsInput) },
    responses: {
      202: jsonContent(JiraCompatibleDeploymentsAccepted, 'Accepted for delivery'),
      ...problemResponses,
      403: problemResponse('The CI credentials are for another Jira site'),
      415: problemResponse('The body is not declared as JSON'),
    },
  });
  router.post('/jira/deployments/0.1/cloud/:cloudId/bulk', async (c) => {
    const principal = ciPrincipalOf(c);
    requireSameSite(principal, cloudIdOf(c));
    const { deployments, ...envelope } = await parseJsonBody(c, SubmitDeploymentsInput);
    const events = await acceptDeployments(deps, principal, envelope, deployments);
    return accepted(c, {
      acceptedDeployments: events.map((event) => event.key),
      rejectedDeployments: [],
      unknownIssueKeys: [],
      unknownAssociations: [],
      events,
    });
  });

  return router;
}
