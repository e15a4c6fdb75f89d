import { CreateConnectionRequest } from '@testbridge/shared/api/connections';
import { CreateAnyConnectionRequest } from '@testbridge/shared/api/oauth';
import { Hono } from 'hono';
import { createConnection } from '../../connections/create.ts';
import { detectJira } from '../../connections/detect.ts';
import { UnsealError } from '../../crypto/sealer.ts';
import { PlainSecret, type SealedSecret } from '../../crypto/secret.ts';
import type { Deps } from '../../deps.ts';
import { createOAuthConnection } from '../../oauth/create.ts';
import { CLOUD_SCOPES, redirectUriOf } from '../../oauth/oauth2-client.ts';
import { formFailureOf, nestFields, parseWith, readForm } from '../form.ts';
import type { AdminEnv } from '../guard.ts';
import type { AdminSession } from '../session.ts';
import {
  AUTH_TYPES_OF,
  CredentialsStep,
  DRAFT_FIELDS,
  type Draft,
  MethodStep,
  SiteStep,
} from './wizard-steps.tsx';

const SiteFields = CreateConnectionRequest.pick({
  name: true,
  jiraUrl: true,
  linkBaseUrl: true,
  proxy: true,
});

/** The proxy password travels between steps sealed to this session, never in clear. */
const proxyBinding = (session: AdminSession) => ({
  table: 'admin_sessions',
  column: 'wizard_proxy_password',
  rowId: session.id,
});

function draftOf(form: Record<string, string>): Draft {
  const draft: Draft = {};
  for (const name of DRAFT_FIELDS) if (form[name] !== undefined) draft[name] = form[name];
  return draft;
}

/** The site fields as the API takes them (proxy only when "behind a proxy" is yes). */
function siteRequestOf(deps: Deps, session: AdminSession, form: Record<string, string>) {
  const draft = draftOf(form);
  let password = form['proxy.password'];
  if (!password && draft.proxySealed) {
    try {
      password = deps.sealer
        .open(draft.proxySealed as SealedSecret, proxyBinding(session))
        .reveal();
    } catch (error) {
      if (!(error instanceof UnsealError)) throw error;
    }
  }
  const behind = draft.behindProxy === 'yes';
  if (behind && password)
    draft.proxySealed = deps.sealer.seal(new PlainSecret(password), proxyBinding(session));
  else delete draft.proxySealed;
  const request = {
    name: draft.name,
    jiraUrl: draft.jiraUrl,
    linkBaseUrl: behind ? draft.linkBaseUrl : undefined,
    proxy: behind
      ? { url: draft['proxy.url'], username: draft['proxy.username'], password }
      : undefined,
  };
  return { draft, request };
}

/** `/admin/connections/new…`: the add-connection wizard, one POST per step, no state kept. */
export function wizardRoutes(deps: Deps) {
  const router = new Hono<AdminEnv>();

  router.get('/new', (c) => c.html(<SiteStep session={c.get('session')} draft={{}} />));

  router.post('/new/site', async (c) => {
    const session = c.get('session');
    const form = await readForm(c);
    const { draft, request } = siteRequestOf(deps, session, form);
    try {
      const site = parseWith(SiteFields, request);
      const detected = await detectJira(deps, {
        jiraUrl: site.jiraUrl,
        proxy: site.proxy,
      });
      draft.jiraUrl = detected.jiraUrl;
      return c.html(<MethodStep session={session} draft={draft} detected={detected} />);
    } catch (error) {
      const failure = formFailureOf(error);
      return c.html(
        <SiteStep
          session={session}
          draft={draft}
          errors={failure.errors}
          message={failure.message}
        />,
        failure.status,
      );
    }
  });

  router.post('/new/method', async (c) => {
    const session = c.get('session');
    const form = await readForm(c);
    const { draft } = siteRequestOf(deps, session, form);
    const deployment = draft.deployment === 'cloud' ? 'cloud' : 'data_center';
    const types: string[] = AUTH_TYPES_OF[deployment];
    if (!draft.authType || !types.includes(draft.authType)) {
      return c.html(
        <MethodStep
          session={session}
          draft={{ ...draft, deployment }}
          detected={undefined}
          errors={{ authType: `Choose a method available on ${deployment.replace('_', ' ')}` }}
          message="Choose how Testbridge signs in to this Jira"
        />,
        400,
      );
    }
    return c.html(credentialsPage(deps, session, draft));
  });

  router.post('/new/create', async (c) => {
    const session = c.get('session');
    const form = await readForm(c);
    const { draft, request } = siteRequestOf(deps, session, form);
    const auth = nestFields(
      Object.fromEntries(
        Object.entries(form)
          .filter(([name]) => name.startsWith('auth.'))
          .map(([name, value]) => [name.slice('auth.'.length), value]),
      ),
    );
    try {
      const input = parseWith(CreateAnyConnectionRequest, {
        ...request,
        ...(isOAuthType(draft.authType) ? {} : { deployment: draft.deployment }),
        auth,
      });
      const { auth: parsedAuth, ...rest } = input;
      if (
        parsedAuth.type === 'cloud_oauth2' ||
        parsedAuth.type === 'dc_oauth2' ||
        parsedAuth.type === 'oauth1'
      ) {
        const created = await createOAuthConnection(
          deps,
          { ...rest, auth: parsedAuth },
          session.caller,
        );
        return c.redirect(`/admin/connections/${created.connection.id}/authorize`, 303);
      }
      const connection = await createConnection(
        deps,
        { ...rest, auth: parsedAuth },
        session.caller,
      );
      return c.redirect(`/admin/connections/${connection.id}/diagnostics`, 303);
    } catch (error) {
      const failure = formFailureOf(error);
      return c.html(
        credentialsPage(deps, session, draft, failure.errors, failure.message),
        failure.status,
      );
    }
  });

  return router;
}

const isOAuthType = (type: string | undefined) =>
  type === 'dc_oauth2' || type === 'oauth1' || type === 'cloud_oauth2';

function credentialsPage(
  deps: Deps,
  session: AdminSession,
  draft: Draft,
  errors?: Record<string, string>,
  message?: string,
) {
  return (
    <CredentialsStep
      session={session}
      draft={draft}
      errors={errors}
      message={message}
      redirectUri={redirectUriOf(deps)}
      scopes={CLOUD_SCOPES}
      testbridgeAppConfigured={Boolean(deps.config.atlassian.clientId)}
    />
  );
}
