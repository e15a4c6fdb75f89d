import {
  type CiCredential,
  CreateDevopsSiteRequest,
  type CreatedCiCredential,
  type DevopsEvent,
  type DevopsSite,
} from '@testbridge/shared/api/devops';
import { Hono } from 'hono';
import type { Deps } from '../../deps.ts';
import { issueCiCredential, listCiCredentials } from '../../devops/credential-service.ts';
import { listDevopsEvents } from '../../devops/event-service.ts';
import { createDevopsSite, getDevopsSite, listDevopsSites } from '../../devops/site-service.ts';
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
  issued?: CreatedCiCredential | undefined;
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
      <h2>Recent events</h2>
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

  const sitePage = async (session: AdminSession, id: string, issued?: CreatedCiCredential) => {
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
        issued={issued}
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
    return c.html(await sitePage(c.get('session'), id, issued));
  });

  return router;
}
