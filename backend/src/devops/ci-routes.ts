import {
  CiTokenResponse,
  CloudIdParam,
  JiraCompatibleBuildsAccepted,
  JiraCompatibleDeploymentsAccepted,
} from '@testbridge/shared/api/devops';
import {
  BuildData,
  JiraErrorMessage,
  SubmitBuildsEnvelope,
  SubmitBuildsRequest,
} from '@testbridge/shared/jira/builds';
import {
  DeploymentInput,
  SubmitDeploymentsEnvelope,
  SubmitDeploymentsInput,
} from '@testbridge/shared/jira/deployments';
import { jiraItemMessages } from '@testbridge/shared/jira/item-errors';
import type { Context } from 'hono';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import type { Env } from '../http/env.ts';
import { AppError } from '../http/errors.ts';
import { createRouter } from '../http/openapi.ts';
import { validationError } from '../http/problem.ts';
import { jsonBody, jsonContent } from '../http/responses.ts';
import { ciPrincipalOf, parseBasic, requireCi } from './ci-auth.ts';
import { type CiPrincipal, checkCiClient, issueCiToken } from './credential-service.ts';
import { isPlainBuildsEnvelope, isPlainValidBuild } from './fast-builds.ts';
import { acceptBuilds, acceptDeployments } from './ingest-service.ts';
import { checkEnvelope, checkItems, sentBuildKey, sentDeploymentKey } from './item-checks.ts';
import { readJsonBody } from './json-body.ts';
import { awaitDevopsVerdicts, isListedAccepted } from './verdict-wait.ts';

const security: Record<string, string[]>[] = [{ ciToken: [] }, { ciClient: [] }];

const ErrorMessages = z.array(JiraErrorMessage).min(1);
const GatewayError = z.object({ code: z.number().int(), message: z.string() });
const jiraError = (schema: z.ZodType, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});
/** The error answers of the bulk doors, in Jira's shapes. */
const jiraDoorErrors = {
  400: jiraError(
    ErrorMessages,
    'The request as a whole is malformed (not JSON, no items, bad `properties`/`providerMetadata`, over 500 association values in one item); nothing is stored',
  ),
  401: jiraError(
    GatewayError,
    'No CI token or client credentials, or unknown/expired/revoked ones',
  ),
  403: jiraError(GatewayError, 'The CI credentials are for another Jira site'),
  413: jiraError(ErrorMessages, 'More than 100 items, or a body over BODY_LIMIT_BYTES'),
  415: jiraError(ErrorMessages, 'The body is not declared as JSON'),
} as const;

const OAuthError = z.object({ error: z.string(), error_description: z.string() });
const oauthErrorDoc = (description: string) => jiraError(OAuthError, description);

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
      400: oauthErrorDoc('RFC 6749 error: invalid_request, unsupported_grant_type, invalid_target'),
      401: oauthErrorDoc('invalid_client'),
      413: oauthErrorDoc('invalid_request: the body is over BODY_LIMIT_BYTES'),
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

  // Documented with the body schema, validated by the handler: the envelope as a whole, then
  // each item on its own (synchronously), as Jira does.
  router.openAPIRegistry.registerPath({
    method: 'post',
    path: '/jira/builds/0.1/cloud/{cloudId}/bulk',
    operationId: 'submitBuilds',
    tags: ['DevOps'],
    summary: "Submit builds in Jira's own format (Jira-compatible)",
    description:
      "The body and answer of Jira's submitBuilds. A build that breaks Jira's rules is answered " +
      'in `rejectedBuilds` (its key and Jira-worded `errors`) while the others are accepted; ' +
      'every accepted build is committed to the outbox before the 202, then delivered to Jira; ' +
      '`events` tells where to follow each one. `null` members count as absent. Errors use ' +
      "Jira's bodies: an array of `{message}`, or `{code, message}` for 401/403.",
    security,
    request: { params: CloudIdParam, body: jsonBody(SubmitBuildsRequest) },
    responses: {
      202: jsonContent(JiraCompatibleBuildsAccepted, 'Accepted for delivery'),
      ...jiraDoorErrors,
    },
  });
  router.post('/jira/builds/0.1/cloud/:cloudId/bulk', async (c) => {
    const principal = ciPrincipalOf(c);
    requireSameSite(principal, cloudIdOf(c));
    const { builds, ...envelope } = checkEnvelope(
      await readJsonBody(c),
      SubmitBuildsEnvelope,
      'builds',
      isPlainBuildsEnvelope,
    );
    const checked = checkItems(builds, BuildData, isPlainValidBuild);
    const rejectedBuilds = checked.rejected.map((rejected) => ({
      key: sentBuildKey(rejected.item),
      errors: jiraItemMessages(rejected.error),
    }));
    const committed =
      checked.valid.length > 0 ? await acceptBuilds(deps, principal, envelope, checked.valid) : [];
    const waited = await awaitDevopsVerdicts(deps, principal.siteId, committed);
    return accepted(c, {
      // The events carry the builds' keys, so the parsed builds need not outlive the commit
      // (holding them across it cost garbage-collection time).
      acceptedBuilds: waited.events.filter(isListedAccepted).map((event) => event.key),
      rejectedBuilds: [...rejectedBuilds, ...waited.rejected],
      unknownIssueKeys: waited.unknownIssueKeys,
      unknownAssociations: waited.unknownAssociations,
      events: waited.events,
    });
  });

  router.openAPIRegistry.registerPath({
    method: 'post',
    path: '/jira/deployments/0.1/cloud/{cloudId}/bulk',
    operationId: 'submitDeployments',
    tags: ['DevOps'],
    summary: "Submit deployments in Jira's own format (Jira-compatible)",
    description:
      "The body and answer of Jira's submitDeployments, judged per deployment like builds; " +
      "`environment.type` may be left out (the site's environment rules decide it).",
    security,
    request: { params: CloudIdParam, body: jsonBody(SubmitDeploymentsInput) },
    responses: {
      202: jsonContent(JiraCompatibleDeploymentsAccepted, 'Accepted for delivery'),
      ...jiraDoorErrors,
    },
  });
  router.post('/jira/deployments/0.1/cloud/:cloudId/bulk', async (c) => {
    const principal = ciPrincipalOf(c);
    requireSameSite(principal, cloudIdOf(c));
    const { deployments, ...envelope } = checkEnvelope(
      await readJsonBody(c),
      SubmitDeploymentsEnvelope,
      'deployments',
    );
    const checked = checkItems(deployments, DeploymentInput);
    const rejectedDeployments = checked.rejected.map((rejected) => ({
      key: sentDeploymentKey(rejected.item),
      errors: jiraItemMessages(rejected.error),
    }));
    const committed =
      checked.valid.length > 0
        ? await acceptDeployments(deps, principal, envelope, checked.valid)
        : [];
    const waited = await awaitDevopsVerdicts(deps, principal.siteId, committed);
    return accepted(c, {
      acceptedDeployments: waited.events.filter(isListedAccepted).map((event) => event.key),
      rejectedDeployments: [...rejectedDeployments, ...waited.rejected],
      unknownIssueKeys: waited.unknownIssueKeys,
      unknownAssociations: waited.unknownAssociations,
      events: waited.events,
    });
  });

  return router;
}
