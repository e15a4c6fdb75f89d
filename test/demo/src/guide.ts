/** The "try this" text `npm run demo` prints once both servers answer. */
import { CLOUD_USERS, SEEDED } from '@testbridge/jira-sim';

/** What the guide needs to know about the running demo. */
export interface GuideInput {
  simUrl: string;
  backendUrl: string;
  adminKey: string;
  dataDir: string;
  /** Whether this run seeded an empty backend (later runs keep what is there). */
  seeded?: boolean;
}

function quoteJson(value: unknown): string {
  return `'${JSON.stringify(value)}'`;
}

/** Renders the guide: the admin key, curl commands for token and OAuth connections, the consent steps. */
export function renderGuide(input: GuideInput): string {
  const { simUrl, backendUrl, adminKey } = input;
  const callback = `${backendUrl}/oauth/callback`;
  const api = `${backendUrl}/api/v1/connections`;
  const auth = '-H "Authorization: Bearer $TB"';
  const json = "-H 'Content-Type: application/json'";
  const post = (body: unknown, path = '') =>
    `curl -s -X POST ${api}${path} ${auth} \\\n    ${json} -d ${quoteJson(body)}`;
  const oauth1Body =
    `{name:'DC (OAuth 1.0a)',jiraUrl:'${simUrl}/dc/jira',auth:{type:'oauth1',` +
    `consumerKey:'${SEEDED.oauth1Consumer.consumerKey}',privateKey:` +
    `require('fs').readFileSync('test/jira-sim/fixtures/oauth1-consumer-private.pem','utf8')}}`;
  return `
Testbridge demo is running. Open ${backendUrl}/admin and sign in with the admin key:
  admin key  ${adminKey}
${input.seeded ? '  (seeded: the Acme Cloud site connected, project WEBAPP mapped to TB, a nightly run, three CI builds)\n' : ''}
  backend    ${backendUrl}   API reference ${backendUrl}/docs
  simulator  ${simUrl}   (Jira Cloud sites acme and globex, Jira Data Center at /dc/jira)
  data       ${input.dataDir}

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

OAuth connections (the consent pages are the simulator's; they send you back to ${callback}):
  # Jira Cloud 3LO with Testbridge's app (ATLASSIAN_CLIENT_ID=${SEEDED.oauthApp.clientId})
  ${post({ name: 'Acme (3LO)', jiraUrl: `${simUrl}/cloud/acme`, auth: { type: 'cloud_oauth2', app: 'testbridge' } }, '/oauth')}
  # Jira Data Center OAuth 2.0 application link
  ${post(
    {
      name: 'DC (OAuth 2.0)',
      jiraUrl: `${simUrl}/dc/jira`,
      auth: {
        type: 'dc_oauth2',
        clientId: SEEDED.dcOAuthClient.clientId,
        clientSecret: SEEDED.dcOAuthClient.clientSecret,
      },
    },
    '/oauth',
  )}
  # Jira Data Center OAuth 1.0a with the simulator's test key pair (run from the repository root)
  node -e "console.log(JSON.stringify(${oauth1Body}))" | \\
    curl -s -X POST ${api}/oauth ${auth} ${json} -d @-

  Then, with the connection id <id> from the answer:
  curl -s -X POST ${api}/<id>/authorizations ${auth}     (OAuth 1.0a: add ?callback=oob)
  Open its authorizationUrl in a browser (you are ${CLOUD_USERS.alice.email} on Cloud, admin on Data
  Center), click Accept/Allow, copy the verification code the callback page shows (OAuth 1.0a oob:
  the verifier Jira shows), and finish with the flowId from the answer:
  ${post({ code: '<code>' }, '/<id>/authorizations/<flowId>/complete')}

Simulator control API: ${simUrl}/_sim (requests, faults, clock, world). Ctrl-C stops both.
`;
}
