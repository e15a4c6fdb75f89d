/** The Atlassian consent screen: app, scopes, "Use app on" site chooser, Accept / Deny. */
import { html, renderPage } from '../core/html.ts';
import type { CloudSite, User } from '../world/types.ts';

const SCOPE_TEXT: Record<string, string> = {
  'read:jira-work': 'View Jira issue data',
  'write:jira-work': 'Create and manage issues',
  'read:jira-user': 'View user profiles',
  'manage:jira-project': 'Manage project settings',
  'manage:jira-configuration': 'Manage Jira global settings',
  'manage:jira-webhook': 'Manage development and release information for Jira and webhooks',
  'read:me': 'View your profile',
  offline_access: 'Keep access to data you have given it access to (refresh token)',
};

export interface ConsentPageInput {
  requestId: string;
  appName: string;
  scopes: string[];
  user: User;
  sites: CloudSite[];
  /** Form target, e.g. `/auth/authorize`. */
  action: string;
}

export function renderConsentPage(input: ConsentPageInput): Response {
  const scopes = input.scopes.map(
    (scope) => html`<li><strong>${SCOPE_TEXT[scope] ?? scope}</strong> <code>${scope}</code></li>`,
  );
  const options = input.sites.map(
    (site) => html`<option value="${site.cloudId}">${site.name} — ${site.baseUrl}</option>`,
  );
  return renderPage(
    `${input.appName} is requesting access to your Atlassian account`,
    html`<h1>${input.appName} is requesting access to your Atlassian account</h1>
<p>Logged in as <strong>${input.user.displayName}</strong> (${input.user.emailAddress}).</p>
<form method="post" action="${input.action}">
<input type="hidden" name="request_id" value="${input.requestId}">
<div class="box"><label for="cloud_id"><strong>Use app on</strong></label><br>
<select id="cloud_id" name="cloud_id">${options}</select></div>
<div class="box"><p>${input.appName} would like to:</p><ul>${scopes}</ul></div>
<button class="accept" type="submit" name="decision" value="accept">Accept</button>
<button class="deny" type="submit" name="decision" value="deny">Deny</button>
</form>`,
  );
}
