import {
  type CiCredential,
  CreateDevopsSiteRequest,
  type CreatedCiCredential,
  type DevopsEvent,
  type DevopsSite,
  type EnvironmentRule,
  EnvironmentRules,
} from '@testbridge/shared/api/devops';
import { Hono } from 'hono';
import type { Deps } from '../../deps.ts';
import { issueCiCredential, listCiCredentials } from '../../devops/credential-service.ts';
import { listDevopsEvents } from '../../devops/event-service.ts';
import {
  createDevopsSite,
  getDevopsSite,
  getEnvironmentRules,
  listDevopsSites,
  replaceEnvironmentRules,
} from '../../devops/site-service.ts';
import { retryDeadLetters } from '../../outbox/service.ts';
import { formFailureOf, parseWith, readForm } from '../form.ts';
import { type AdminEnv, requireSession } from '../guard.ts';
import { CopyValue, CsrfInput, ErrorBanner, Field, type FieldErrors, Page } from '../layout.tsx';
import type { AdminSession } from '../session.ts';

const RECENT_EVENTS = 20;

function SitesPage(props: {
  session: AdminSession;
  sites: DevopsSite[];
  publicUrl: string;
  errors?: FieldErrors | undefined;
  message?: string | undefined;
  form?: Record<string, string>;
}) {
  return (
    <Page title="Builds and deployments (DevOps sites)" session={props.session}>
      {props.sites.length ? (
        <table>
          <caption>Jira Cloud sites CI posts builds and deployments to</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Jira site</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {props.sites.map((site) => (
              <tr>
                <th scope="row">
                  <a href={`/admin/devops/${site.id}`}>{site.name}</a>
                </th>
                <td>{site.siteUrl}</td>
                <td>
                  {site.status === 'active' ? (
                    <span class="status active">Active</span>
                  ) : (
                    <>
                      <span class="status bad">Needs attention</span>
                      <p class="hint">{site.attentionReason ?? ''}</p>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>No DevOps site yet.</p>
      )}
      <h2 id="add">Add a DevOps site</h2>
      <ol class="steps">
        <li>In Jira Cloud: Settings → Apps → OAuth credentials → Create credentials.</li>
        <li>
          App name: what Jira shows next to builds and deployments. Server base URL:{' '}
          <code>{props.publicUrl}</code>. Permissions: Builds and Deployments.
        </li>
        <li>Save, and paste the client ID and secret Jira shows here.</li>
      </ol>
      <ErrorBanner message={props.message} />
      <form method="post" action="/admin/devops" aria-labelledby="add">
        <CsrfInput session={props.session} />
        <Field
          name="name"
          label="App name"
          value={props.form?.name}
          errors={props.errors}
          required
        />
        <Field
          name="siteUrl"
          label="Jira Cloud site URL"
          type="url"
          value={props.form?.siteUrl}
          errors={props.errors}
          required
        />
        <Field
          name="clientId"
          label="Client ID"
          value={props.form?.clientId}
          errors={props.errors}
          required
        />
        <Field
          name="clientSecret"
          label="Client secret"
          type="password"
          errors={props.errors}
          required
        />
        <button type="submit">Add the site</button>
      </form>
    </Page>
  );
}

function SitePage(props: {
  session: AdminSession;
  site: DevopsSite;
  credentials: CiCredential[];
  events: DevopsEvent[];
  rules: EnvironmentRule[];
  issued?: CreatedCiCredential | undefined;
  notice?: string | undefined;
  message?: string | undefined;
  rulesText?: string | undefined;
}) {
  const { site, issued } = props;
  return (
    <Page title={`DevOps site ${site.name}`} session={props.session}>
      {issued ? (
        <section aria-labelledby="issued" class="banner info">
          <h2 id="issued">CI credentials: copy them now</h2>
          <p>The secret is shown only this once; Testbridge keeps only its hash.</p>
          <dl class="fields">
            <CopyValue id="copy-ci-client-id" label="Client ID" value={issued.clientId} />
            <CopyValue id="copy-ci-secret" label="Client secret" value={issued.clientSecret} />
            <CopyValue id="copy-ci-token-url" label="Token URL" value={issued.tokenUrl} />
          </dl>
        </section>
      ) : null}
      <ErrorBanner message={props.message} />
      {props.notice ? (
        <p class="banner ok" role="status">
          {props.notice}
        </p>
      ) : null}
      <p>{`${site.siteUrl} (cloudId ${site.cloudId})`}</p>
      <h2>CI credentials</h2>
      {props.credentials.length ? (
        <table>
          <caption>Credentials CI pipelines use (client credentials)</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Client ID</th>
              <th scope="col">Last used</th>
            </tr>
          </thead>
          <tbody>
            {props.credentials.map((credential) => (
              <tr>
                <th scope="row">{credential.name}</th>
                <td>{credential.clientId}</td>
                <td>{credential.revokedAt ? 'revoked' : (credential.lastUsedAt ?? 'never')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      <form method="post" action={`/admin/devops/${site.id}/credentials`}>
        <CsrfInput session={props.session} />
        <Field name="name" label="Name of the new CI credentials" required />
        <button type="submit">Issue CI credentials</button>
      </form>
      <h2 id="rules">Environment types</h2>
      <form method="post" action={`/admin/devops/${site.id}/rules`} aria-labelledby="rules">
        <CsrfInput session={props.session} />
        <label for="f-rules">Rules, one a line: pattern = type (first match wins)</label>
        <textarea id="f-rules" name="rules" aria-describedby="f-rules-hint">
          {props.rulesText ??
            props.rules.map((rule) => `${rule.pattern} = ${rule.environmentType}`).join('\n')}
        </textarea>
        <p class="hint" id="f-rules-hint">
          A deployment's environment whose id or name matches the pattern (* is any run of
          characters) gets the type: development, testing, staging, production or unmapped.
        </p>
        <button type="submit">Save the rules</button>
      </form>
      <h2>Recent events</h2>
      {props.events.some((event) => event.status === 'dead') ? (
        <form method="post" action={`/admin/devops/${site.id}/dead-letters/retry`}>
          <CsrfInput session={props.session} />
          <p>Some items were given up on (dead letters); send them to Jira again:</p>
          <button type="submit">Send the dead letters again</button>
        </form>
      ) : null}
      {props.events.length ? (
        <table>
          <caption>Builds and deployments CI sent, newest first, with Jira's verdict</caption>
          <thead>
            <tr>
              <th scope="col">Item</th>
              <th scope="col">Status</th>
              <th scope="col">What happened</th>
            </tr>
          </thead>
          <tbody>
            {props.events.map((event) => (
              <tr data-testid={`event-${event.id}`}>
                <th scope="row">
                  {`${event.kind} ${event.key.pipelineId} ${
                    'buildNumber' in event.key
                      ? `#${event.key.buildNumber}`
                      : `${event.key.environmentId} #${event.key.deploymentSequenceNumber}`
                  }`}
                </th>
                <td>{(event.verdict ?? event.status).replaceAll('_', ' ')}</td>
                <td>{event.explanation}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>No builds or deployments yet.</p>
      )}
    </Page>
  );
}

/** `/admin/devops`: DevOps sites, CI credentials and the events CI sent. */
export function devopsPageRoutes(deps: Deps) {
  const router = new Hono<AdminEnv>();
  router.use('*', requireSession(deps));

  router.get('/', async (c) =>
    c.html(
      <SitesPage
        session={c.get('session')}
        sites={await listDevopsSites(deps)}
        publicUrl={deps.config.publicUrl}
      />,
    ),
  );

  router.post('/', async (c) => {
    const form = await readForm(c);
    try {
      const site = await createDevopsSite(deps, parseWith(CreateDevopsSiteRequest, form));
      return c.redirect(`/admin/devops/${site.id}`, 303);
    } catch (error) {
      const failure = formFailureOf(error);
      return c.html(
        <SitesPage
          session={c.get('session')}
          sites={await listDevopsSites(deps)}
          publicUrl={deps.config.publicUrl}
          errors={failure.errors}
          message={failure.message}
          form={form}
        />,
        failure.status,
      );
    }
  });

  const sitePage = async (
    session: AdminSession,
    id: string,
    extra: {
      issued?: CreatedCiCredential;
      notice?: string;
      message?: string;
      rulesText?: string;
    } = {},
  ) => {
    const site = await getDevopsSite(deps, id);
    const events = await listDevopsEvents(
      deps,
      { siteId: id, limit: RECENT_EVENTS },
      { kind: 'api-key' },
    );
    return (
      <SitePage
        session={session}
        site={site}
        credentials={await listCiCredentials(deps, id)}
        events={events.items}
        rules={await getEnvironmentRules(deps, id)}
        {...extra}
      />
    );
  };

  router.get('/:id', async (c) => c.html(await sitePage(c.get('session'), c.req.param('id'))));

  // Where a reload of the answer below lands: the site, without the secret.
  router.get('/:id/credentials', (c) => c.redirect(`/admin/devops/${c.req.param('id')}`, 303));

  router.post('/:id/credentials', async (c) => {
    const id = c.req.param('id');
    const form = await readForm(c);
    const issued = await issueCiCredential(deps, id, form.name ?? 'CI');
    c.header('cache-control', 'no-store');
    return c.html(await sitePage(c.get('session'), id, { issued }));
  });

  router.post('/:id/dead-letters/retry', async (c) => {
    const id = c.req.param('id');
    await getDevopsSite(deps, id);
    const retried = await retryDeadLetters(deps, { target: id });
    return c.html(
      await sitePage(c.get('session'), id, {
        notice: `${retried.length} dead letter${retried.length === 1 ? '' : 's'} will be sent again.`,
      }),
    );
  });

  router.post('/:id/rules', async (c) => {
    const id = c.req.param('id');
    const form = await readForm(c);
    const text = form.rules ?? '';
    const rules = text
      .split(/\r?\n/)
      .map((line) => line.trim())
      .filter(Boolean)
      .map((line) => {
        const at = line.lastIndexOf('=');
        return at < 0
          ? { pattern: line, environmentType: '' }
          : { pattern: line.slice(0, at).trim(), environmentType: line.slice(at + 1).trim() };
      });
    try {
      await replaceEnvironmentRules(deps, id, parseWith(EnvironmentRules, { rules }).rules);
      return c.html(await sitePage(c.get('session'), id, { notice: 'The rules are saved.' }));
    } catch (error) {
      const failure = formFailureOf(error);
      const detail = Object.entries(failure.errors)
        .map(
          ([field, message]) =>
            `${field.replace(/^rules\.(\d+)\./, (_, n) => `line ${Number(n) + 1}, `)}: ${message}`,
        )
        .join('; ');
      return c.html(
        await sitePage(c.get('session'), id, {
          message: `${failure.message}${detail ? `: ${detail}` : ''}`,
          rulesText: text,
        }),
        failure.status,
      );
    }
  });

  return router;
}
