import { problemResponse } from '../http/responses.ts';

/**
 * The answers every call through a connection can give besides the route's own: Jira's refusal
 * (`jira_rejected`, `jira_unauthorized`, `jira_unreachable` with Jira's status and messages in
 * `jira`), a user grant to obtain first, a connection to re-authorize.
 */
export const jiraProblems = {
  403: problemResponse(
    'The API key’s role may not do this, or `user_authorization_required`: the user must authorize Testbridge first (POST `startAuthorizationUrl` with `X-Testbridge-User`)',
  ),
  404: problemResponse('No such connection'),
  409: problemResponse('`needs_reauthorization`: the connection must be authorized again'),
  502: problemResponse('Jira refused the call or could not be reached; `jira` carries its answer'),
} as const;
