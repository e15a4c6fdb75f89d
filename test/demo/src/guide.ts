/** The "try this" text `npm run demo` prints once both servers answer. */
import { createHash, randomBytes } from 'node:crypto';
import { CLOUD_USERS, SEEDED } from '@testbridge/jira-sim';

/** What the guide needs to know about the running demo. */
export interface GuideInput {
  simUrl: string;
  backendUrl: string;
  adminKey: string;
  dataDir: string;
}

function quoteJson(value: unknown): string {
  return `'${JSON.stringify(value)}'`;
}

/** Renders the guide: the admin key, curl commands for two connections, and the consent pages. */
export function renderGuide(input: GuideInput): string {
  const { simUrl, backendUrl, adminKey } = input;
  const callback = `${backendUrl}/oauth/callback`;
  const cloudAuthorize = `${simUrl}/auth/authorize?${new URLSearchParams({
    audience: 'api.atlassian.com',
    client_id: SEEDED.oauthApp.clientId,
    scope: 'read:jira-work read:jira-user write:jira-work offline_access',
    redirect_uri: callback,
    state: 'demo',
    response_type: 'code',
    prompt: 'consent',
  })}`;
  const verifier = randomBytes(32).toString('base64url');
  const dcAuthorize = `${simUrl}/dc/jira/rest/oauth2/latest/authorize?${new URLSearchParams({
    client_id: SEEDED.dcOAuthClient.clientId,
    redirect_uri: callback,
    response_type: 'code',
    scope: 'WRITE',
    state: 'demo',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  })}`;
  const post = (body: unknown) =>
    `curl -s -X POST ${backendUrl}/api/v1/connections -H "Authorization: Bearer $TB" \\\n` +
    `    -H 'Content-Type: application/json' -d ${quoteJson(body)}`;
  return `
Testbridge demo is running
  backend    ${backendUrl}   API reference ${backendUrl}/docs
  simulator  ${simUrl}   (Jira Cloud sites acme and globex, Jira Data Center at /dc/jira)
  data       ${input.dataDir}
  admin key  ${adminKey}

Try this:
  export TB=${adminKey}
  curl -s -H "Authorization: Bearer $TB" ${backendUrl}/api/v1/whoami

  # a simulated Jira Cloud site, e-mail + API token
  ${post({
    name: 'Acme (simulated Cloud)',
    jiraUrl: `${simUrl}/cloud/acme`,
    auth: {
      type: 'cloud_api_token',
      email: CLOUD_USERS.alice.email,
      apiToken: SEEDED.apiTokens.alice,
    },
  })}

  # simulated Jira Data Center, personal access token
  ${post({
    name: 'Simulated Data Center',
    jiraUrl: `${simUrl}/dc/jira`,
    auth: { type: 'dc_pat', token: SEEDED.pats.admin },
  })}

  curl -s -H "Authorization: Bearer $TB" ${backendUrl}/api/v1/connections

Consent pages (open in a browser; they redirect to ${callback}):
  Atlassian 3LO consent (logged in as ${CLOUD_USERS.alice.email}; add &login_hint=<e-mail> for another user):
    ${cloudAuthorize}
  Jira DC OAuth 2.0 consent (PKCE; code_verifier ${verifier}):
    ${dcAuthorize}
  Jira DC OAuth 1.0a approval: ${simUrl}/dc/jira/plugins/servlet/oauth/authorize?oauth_token=<request token>
    (request tokens come from a signed POST to /dc/jira/plugins/servlet/oauth/request-token by
    consumer ${SEEDED.oauth1Consumer.consumerKey}, key test/jira-sim/fixtures/oauth1-consumer-private.pem)

Simulator control API: ${simUrl}/_sim (requests, faults, clock, world). Ctrl-C stops both.
`;
}
