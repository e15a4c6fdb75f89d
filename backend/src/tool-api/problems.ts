import { problemResponse } from '../http/responses.ts';

/**
 * The answers every call through a connection can give besides the route's own. Jira's refusal
 * of what the caller asked is the caller's 4xx (`jira_forbidden` 403, `jira_not_found` 404,
 * `jira_rejected_request` 422); Jira unreachable, failing or refusing the connection's own
 * credentials is a 502. Each carries Jira's status, `errorMessages` and field `errors` in `jira`.
 */
export const jiraProblems = {
  403: problemResponse(
    'The API key’s role may not do this; `user_authorization_required`: the user must authorize Testbridge first (POST `startAuthorizationUrl` with `X-Testbridge-User`); or `jira_forbidden`: Jira denies the acting account this (its 403, `jira` carries its answer)',
  ),
  404: problemResponse(
    'No such connection, or `jira_not_found`: Jira has no such project, issue, link type or user, or hides it from the acting account (its 404)',
  ),
  409: problemResponse('`needs_reauthorization`: the connection must be authorized again'),
  422: problemResponse(
    '`jira_rejected_request`: Jira refused what was asked (its 400/409/422: bad JQL, an unknown issue type, a field it cannot set); `jira.errorMessages` and `jira.errors` say why',
  ),
  502: problemResponse(
    '`jira_unreachable` (network, 5xx, rate limit after retries), `jira_unauthorized` (Jira refuses the connection’s credentials) or `jira_rejected` (an answer Testbridge cannot use)',
  ),
  504: problemResponse('`jira_timed_out`: Jira did not answer in time (or its gateway said 504)'),
} as const;
