import type { AuthType, Deployment } from '@testbridge/shared/api/connections';
import type { DetectedJira } from '../../connections/detect.ts';
import { CopyValue, CsrfInput, ErrorBanner, Field, type FieldErrors, Page } from '../layout.tsx';
import type { AdminSession } from '../session.ts';

/** The wizard's answers so far, carried from step to step in hidden fields (no secret in clear). */
export type Draft = Record<string, string>;

/** Fields carried as they are; the proxy password travels sealed (`proxySealed`). */
export const DRAFT_FIELDS = [
  'name',
  'jiraUrl',
  'behindProxy',
  'proxy.url',
  'proxy.username',
  'linkBaseUrl',
  'deployment',
  'authType',
  'proxySealed',
] as const;

export const AUTH_LABELS: Record<AuthType, string> = {
  dc_oauth2: 'OAuth 2.0 application link',
  oauth1: 'OAuth 1.0a application link (RSA key)',
  dc_pat: 'Personal access token',
  dc_basic: 'Username and password',
  cloud_oauth2: 'OAuth 2.0 (3LO) app',
  cloud_api_token: 'Email and API token',
};

export const AUTH_TYPES_OF: Record<Deployment, AuthType[]> = {
  data_center: ['dc_oauth2', 'oauth1', 'dc_pat', 'dc_basic'],
  cloud: ['cloud_oauth2', 'cloud_api_token'],
};

export const DEPLOYMENT_LABELS: Record<Deployment, string> = {
  cloud: 'Jira Cloud',
  data_center: 'Jira Data Center',
};

function DraftInputs({ draft, except = [] }: { draft: Draft; except?: string[] }) {
  return (
    <>
      {DRAFT_FIELDS.filter((name) => draft[name] !== undefined && !except.includes(name)).map(
        (name) => (
          <input type="hidden" name={name} value={draft[name]} />
        ),
      )}
    </>
  );
}

interface StepProps {
  session: AdminSession;
  draft: Draft;
  errors?: FieldErrors | undefined;
  message?: string | undefined;
}

/** Step 1: which Jira, and how to reach it. */
export function SiteStep({ session, draft, errors, message }: StepProps) {
  const behind = draft.behindProxy === 'yes';
  return (
    <Page title="Add a Jira connection: 1. Jira site" session={session}>
      <ErrorBanner message={message} />
      <form method="post" action="/admin/connections/new/site">
        <CsrfInput session={session} />
        <Field
          name="name"
          label="Connection name"
          value={draft.name}
          errors={errors}
          required
          hint="How the test tool and this list name the site"
        />
        <Field
          name="jiraUrl"
          label="Jira URL"
          type="url"
          value={draft.jiraUrl}
          errors={errors}
          required
          hint="The URL Testbridge calls, e.g. https://jira.example.com or https://acme.atlassian.net"
        />
        <fieldset>
          <legend>Is Jira behind a proxy?</legend>
          <label>
            <input type="radio" name="behindProxy" value="no" checked={!behind} /> No
          </label>
          <label>
            <input
              type="radio"
              name="behindProxy"
              value="yes"
              checked={behind}
              data-shows="proxy-fields"
            />{' '}
            Yes
          </label>
          <div id="proxy-fields">
            <Field
              name="proxy.url"
              label="Proxy URL"
              type="url"
              value={draft['proxy.url']}
              errors={errors}
              hint="Every call to this Jira goes through it, e.g. http://proxy.internal:3128"
            />
            <Field
              name="proxy.username"
              label="Proxy username (optional)"
              value={draft['proxy.username']}
              errors={errors}
            />
            <Field
              name="proxy.password"
              label="Proxy password (optional)"
              type="password"
              errors={errors}
            />
            <Field
              name="linkBaseUrl"
              label="Jira base URL for people (optional)"
              type="url"
              value={draft.linkBaseUrl}
              errors={errors}
              hint="The URL people open issues at, when it differs from the Jira URL above"
            />
          </div>
        </fieldset>
        <button type="submit">Next: detect Jira</button>
        <a class="button secondary" href="/admin/connections">
          Cancel
        </a>
      </form>
    </Page>
  );
}

/** Step 2: what Jira said it is (confirmable), and the authentication method. */
export function MethodStep({
  session,
  draft,
  detected,
  errors,
  message,
}: StepProps & { detected: DetectedJira | undefined }) {
  const deployment = (draft.deployment ?? detected?.deployment ?? 'data_center') as Deployment;
  const chosen = draft.authType ?? AUTH_TYPES_OF[deployment][0];
  return (
    <Page title="Add a Jira connection: 2. Deployment and method" session={session}>
      <ErrorBanner message={message} />
      {detected ? (
        <p class="banner info" role="status" data-testid="detected">
          {`${draft.jiraUrl} answered: ${DEPLOYMENT_LABELS[detected.deployment]} ${detected.version}${
            detected.serverTitle ? ` (${detected.serverTitle})` : ''
          }.`}
        </p>
      ) : null}
      <form method="post" action="/admin/connections/new/method">
        <CsrfInput session={session} />
        <DraftInputs draft={draft} except={['deployment', 'authType']} />
        <fieldset>
          <legend>Deployment (as detected; change it only if Jira is wrong)</legend>
          {(['data_center', 'cloud'] as const).map((value) => (
            <label>
              <input type="radio" name="deployment" value={value} checked={value === deployment} />{' '}
              {DEPLOYMENT_LABELS[value]}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>Authentication method</legend>
          {(['data_center', 'cloud'] as const).flatMap((group) =>
            AUTH_TYPES_OF[group].map((type) => (
              <div>
                <label>
                  <input type="radio" name="authType" value={type} checked={type === chosen} />{' '}
                  {`${AUTH_LABELS[type]} (${DEPLOYMENT_LABELS[group]})`}
                </label>
              </div>
            )),
          )}
          {errors?.authType ? <p class="error">{errors.authType}</p> : null}
        </fieldset>
        <button type="submit">Next: credentials</button>
        <a class="button secondary" href="/admin/connections/new">
          Start over
        </a>
      </form>
    </Page>
  );
}

/** Step 3: the fields to copy into Jira for the chosen method, and its credentials. */
export function CredentialsStep({
  session,
  draft,
  errors,
  message,
  redirectUri,
  scopes,
  testbridgeAppConfigured,
}: StepProps & { redirectUri: string; scopes: string[]; testbridgeAppConfigured: boolean }) {
  const type = draft.authType as AuthType;
  return (
    <Page title={`Add a Jira connection: 3. ${AUTH_LABELS[type]}`} session={session}>
      <ErrorBanner message={message} />
      {errors && Object.keys(errors).some((name) => !name.startsWith('auth.')) ? (
        <ul class="error">
          {Object.entries(errors)
            .filter(([name]) => !name.startsWith('auth.'))
            .map(([name, text]) => (
              <li>{`${name}: ${text}`}</li>
            ))}
        </ul>
      ) : null}
      {type === 'dc_oauth2' ? (
        <section aria-labelledby="in-jira">
          <h2 id="in-jira">In Jira</h2>
          <p>
            Administration → Applications → Application links → Create link → External application,
            direction Incoming. Enter these values, save, and Jira shows a client ID and secret.
          </p>
          <dl class="fields">
            <CopyValue id="copy-name" label="Name" value={`Testbridge (${draft.name ?? ''})`} />
            <CopyValue id="copy-redirect" label="Redirect URL" value={redirectUri} />
            <CopyValue id="copy-permission" label="Application permissions" value="Write" />
          </dl>
        </section>
      ) : null}
      {type === 'cloud_oauth2' ? (
        <section aria-labelledby="in-console">
          <h2 id="in-console">In the Atlassian developer console (own app only)</h2>
          <p>
            Create an OAuth 2.0 integration, add the Jira API scopes below under Permissions and the
            callback URL under Authorization, then copy its client ID and secret here.
          </p>
          <dl class="fields">
            <CopyValue id="copy-redirect" label="Callback URL" value={redirectUri} />
            <CopyValue id="copy-scopes" label="Scopes" value={scopes.join(' ')} />
          </dl>
        </section>
      ) : null}
      <form method="post" action="/admin/connections/new/create">
        <CsrfInput session={session} />
        <DraftInputs draft={draft} />
        <input type="hidden" name="auth.type" value={type} />
        {type === 'dc_oauth2' ? (
          <>
            <Field name="auth.clientId" label="Client ID" errors={errors} required />
            <Field
              name="auth.clientSecret"
              label="Client secret"
              type="password"
              errors={errors}
              required
            />
          </>
        ) : null}
        {type === 'cloud_oauth2' ? (
          <fieldset>
            <legend>Which OAuth app</legend>
            <label>
              <input
                type="radio"
                name="auth.app"
                value="testbridge"
                checked={testbridgeAppConfigured}
                disabled={!testbridgeAppConfigured}
              />{' '}
              {`Testbridge's own app${testbridgeAppConfigured ? '' : ' (not configured here)'}`}
            </label>
            <label>
              <input type="radio" name="auth.app" value="own" checked={!testbridgeAppConfigured} />{' '}
              Our own app
            </label>
            <Field name="auth.clientId" label="Client ID (own app)" errors={errors} />
            <Field
              name="auth.clientSecret"
              label="Client secret (own app)"
              type="password"
              errors={errors}
            />
          </fieldset>
        ) : null}
        {type === 'oauth1' ? (
          <>
            <Field
              name="auth.consumerKey"
              label="Consumer key"
              value={
                draft['auth.consumerKey'] ??
                `testbridge-${(draft.name ?? '').toLowerCase().replace(/[^a-z0-9]+/g, '-')}`
              }
              errors={errors}
              required
              hint="The name Jira's application link will know Testbridge by"
            />
            <label for="f-auth.privateKey">Private key (optional)</label>
            <textarea
              id="f-auth.privateKey"
              name="auth.privateKey"
              aria-describedby="f-auth.privateKey-hint"
            />
            <p class="hint" id="f-auth.privateKey-hint">
              Leave empty and Testbridge generates a 2048-bit RSA key pair; you copy its public key
              into Jira next.
            </p>
            {errors?.['auth.privateKey'] ? <p class="error">{errors['auth.privateKey']}</p> : null}
          </>
        ) : null}
        {type === 'cloud_api_token' ? (
          <>
            <Field
              name="auth.email"
              label="Atlassian account email"
              type="email"
              errors={errors}
              required
            />
            <Field
              name="auth.apiToken"
              label="API token"
              type="password"
              errors={errors}
              required
            />
          </>
        ) : null}
        {type === 'dc_pat' ? (
          <Field
            name="auth.token"
            label="Personal access token"
            type="password"
            errors={errors}
            required
          />
        ) : null}
        {type === 'dc_basic' ? (
          <>
            <Field name="auth.username" label="Username" errors={errors} required />
            <Field name="auth.password" label="Password" type="password" errors={errors} required />
          </>
        ) : null}
        <button type="submit">
          {type === 'dc_oauth2' || type === 'oauth1' || type === 'cloud_oauth2'
            ? 'Create connection: authorize next'
            : 'Connect'}
        </button>
      </form>
    </Page>
  );
}
