import type { Connection } from '@testbridge/shared/api/connections';
import {
  CreateMappingRequest,
  type Mapping,
  UpdateMappingRequest,
  type WebhookMode,
} from '@testbridge/shared/api/mappings';
import type { TestRun } from '@testbridge/shared/api/results';
import type {
  KnownWebhook,
  WebhookEndpointSecrets,
  WebhookSetup,
} from '@testbridge/shared/api/webhooks';
import { Hono } from 'hono';
import { listConnections } from '../../connections/service.ts';
import type { Deps } from '../../deps.ts';
import { AppError } from '../../http/errors.ts';
import { createMapping, getMapping, listMappings, updateMapping } from '../../mappings/service.ts';
import { getIssueTests } from '../../results/coverage.ts';
import { listTestRuns } from '../../results/runs.ts';
import { releaseAutomaticWebhook, setUpAutomaticWebhook } from '../../webhooks/automatic.ts';
import { getWebhookTestEvent, sendWebhookTestEvent } from '../../webhooks/check.ts';
import {
  getWebhookEndpoint,
  issueWebhookEndpoint,
  listKnownWebhooks,
  revokeWebhookEndpoint,
} from '../../webhooks/service.ts';
import { automaticRegistrationOf, webhookStatusOf } from '../../webhooks/status.ts';
import { formFailureOf, parseWith, readForm } from '../form.ts';
import { type AdminEnv, requireSession } from '../guard.ts';
import { CsrfInput, ErrorBanner, Field, type FieldErrors, Page } from '../layout.tsx';
import type { AdminSession } from '../session.ts';
import { IssueCoveragePage, IssueLookup } from './issue-coverage.tsx';
import { KnownWebhooks, WebhookCheckPage, WebhookSection, type WebhookView } from './webhook.tsx';

const RECENT_RUNS = 10;
const WEBHOOK_MODES: Record<WebhookMode, string> = {
  automatic: 'Automatic: Testbridge registers the Jira webhooks',
  manual: 'Manual: a Jira admin registers them',
  off: 'Off: no webhooks',
};

function SettingsFields({
  mapping,
  errors,
}: {
  mapping?: Mapping | undefined;
  errors?: FieldErrors | undefined;
}) {
  const mode = mapping?.webhookMode ?? 'off';
  return (
    <>
      <fieldset>
        <legend>Defects</legend>
        <label>
          <input
            type="checkbox"
            name="createDefects"
            value="true"
            checked={mapping?.createDefects ?? false}
          />{' '}
          Create defects in Jira
        </label>
        <Field
          name="defectIssueType"
          label="Defect issue type"
          value={mapping?.defectIssueType?.name}
          errors={errors}
          hint="A name or id of an issue type of the Jira project, e.g. Bug"
        />
      </fieldset>
      <div>
        <label for="f-webhookMode">Webhook mode</label>
        <select id="f-webhookMode" name="webhookMode">
          {(Object.keys(WEBHOOK_MODES) as WebhookMode[]).map((value) => (
            <option value={value} selected={value === mode}>
              {WEBHOOK_MODES[value]}
            </option>
          ))}
        </select>
      </div>
    </>
  );
}

function MappingsPage(props: {
  session: AdminSession;
  mappings: Mapping[];
  connections: Connection[];
  webhooks: KnownWebhook[];
  errors?: FieldErrors | undefined;
  message?: string | undefined;
  form?: Record<string, string>;
}) {
  const names = new Map(props.connections.map((c) => [c.id, c.name]));
  return (
    <Page title="Project mappings" session={props.session}>
      {props.mappings.length ? (
        <table>
          <caption>Test-tool projects and the Jira projects they report to</caption>
          <thead>
            <tr>
              <th scope="col">Tool project</th>
              <th scope="col">Jira</th>
              <th scope="col">Defects</th>
              <th scope="col">Webhooks</th>
            </tr>
          </thead>
          <tbody>
            {props.mappings.map((mapping) => (
              <tr data-testid={`mapping-${mapping.toolProject.key}`}>
                <th scope="row">
                  <a href={`/admin/mappings/${mapping.id}`}>{mapping.toolProject.key}</a>
                  <p class="hint">{mapping.toolProject.name}</p>
                </th>
                <td>{`${mapping.jiraProject.key} on ${names.get(mapping.connectionId) ?? mapping.connectionId}`}</td>
                <td>
                  {mapping.createDefects
                    ? `On (${mapping.defectIssueType?.name ?? 'default type'})`
                    : 'Off'}
                </td>
                <td>{mapping.webhookMode}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p>No project is mapped yet.</p>
      )}
      <KnownWebhooks webhooks={props.webhooks} mappings={props.mappings} />
      <h2 id="add">Map a project</h2>
      <ErrorBanner message={props.message} />
      <form method="post" action="/admin/mappings" aria-labelledby="add">
        <CsrfInput session={props.session} />
        <Field
          name="toolProject.key"
          label="Tool project key"
          value={props.form?.['toolProject.key']}
          errors={props.errors}
          required
        />
        <Field
          name="toolProject.name"
          label="Tool project name"
          value={props.form?.['toolProject.name']}
          errors={props.errors}
          required
        />
        <div>
          <label for="f-connectionId">Jira connection</label>
          <select id="f-connectionId" name="connectionId">
            {props.connections.map((connection) => (
              <option value={connection.id} selected={props.form?.connectionId === connection.id}>
                {connection.name}
              </option>
            ))}
          </select>
        </div>
        <Field
          name="jiraProjectKey"
          label="Jira project key"
          value={props.form?.jiraProjectKey}
          errors={props.errors}
          required
        />
        <SettingsFields errors={props.errors} />
        <button type="submit">Map the project</button>
      </form>
    </Page>
  );
}

function MappingPage(props: {
  session: AdminSession;
  mapping: Mapping;
  runs: TestRun[];
  webhook: WebhookView;
  errors?: FieldErrors | undefined;
  message?: string | undefined;
  notice?: string | undefined;
}) {
  const { mapping } = props;
  const latest = props.runs[0];
  return (
    <Page
      title={`Mapping ${mapping.toolProject.key} → ${mapping.jiraProject.key}`}
      session={props.session}
    >
      <ErrorBanner message={props.message} />
      {props.notice ? (
        <p class="banner ok" role="status">
          {props.notice}
        </p>
      ) : null}
      <form method="post" action={`/admin/mappings/${mapping.id}`}>
        <CsrfInput session={props.session} />
        <SettingsFields mapping={mapping} errors={props.errors} />
        <button type="submit">Save</button>
      </form>
      <WebhookSection session={props.session} mapping={mapping} view={props.webhook} />
      <h2>Results</h2>
      <IssueLookup mapping={mapping} />
      {latest ? (
        <p data-testid="coverage-summary">
          {`Latest run ${latest.name}: ${latest.counts.passed} passed, ${latest.counts.failed} failed, ${latest.counts.error} errors, ${latest.counts.skipped} skipped, ${latest.counts.flaky} flaky of ${latest.counts.total}.`}
        </p>
      ) : (
        <p>No runs yet.</p>
      )}
      {props.runs.length ? (
        <table>
          <caption>Recent runs, newest first</caption>
          <thead>
            <tr>
              <th scope="col">Run</th>
              <th scope="col">Environment</th>
              <th scope="col">Build</th>
              <th scope="col">Passed</th>
              <th scope="col">Failed</th>
              <th scope="col">Total</th>
            </tr>
          </thead>
          <tbody>
            {props.runs.map((run) => (
              <tr>
                <th scope="row">{run.name}</th>
                <td>{run.environment ?? ''}</td>
                <td>{run.build ? `${run.build.pipelineId} #${run.build.buildNumber}` : ''}</td>
                <td>{run.counts.passed}</td>
                <td>{run.counts.failed + run.counts.error}</td>
                <td>{run.counts.total}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </Page>
  );
}

const settingsOf = (form: Record<string, string>) => ({
  createDefects: form.createDefects === 'true',
  webhookMode: form.webhookMode,
});

/** `/admin/mappings`: the same contracts and services as `/api/v1/mappings`. */
export function mappingPageRoutes(deps: Deps) {
  const router = new Hono<AdminEnv>();
  router.use('*', requireSession(deps));

  const listPage = async (
    session: AdminSession,
    extra: { errors?: FieldErrors; message?: string; form?: Record<string, string> } = {},
  ) => (
    <MappingsPage
      session={session}
      mappings={await listMappings(deps)}
      connections={await listConnections(deps)}
      webhooks={await listKnownWebhooks(deps)}
      {...extra}
    />
  );

  router.get('/', async (c) => c.html(await listPage(c.get('session'))));

  /** The webhook section's state: endpoint (never its secret), Jira registration, health. */
  const webhookViewOf = async (
    mapping: Mapping,
    shown: { secrets?: WebhookEndpointSecrets; setup?: WebhookSetup },
  ): Promise<WebhookView> => {
    let endpoint: WebhookView['endpoint'] = null;
    try {
      endpoint = await getWebhookEndpoint(deps, mapping.id);
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'not_found')) throw error;
    }
    return {
      endpoint,
      secrets: shown.secrets,
      setup: shown.setup,
      registration: await automaticRegistrationOf(deps, mapping),
      health: await webhookStatusOf(deps, mapping.connectionId),
    };
  };

  const mappingPage = async (
    session: AdminSession,
    id: string,
    extra: {
      errors?: FieldErrors;
      message?: string;
      notice?: string;
      secrets?: WebhookEndpointSecrets;
      setup?: WebhookSetup;
    } = {},
  ) => {
    const { secrets, setup, ...rest } = extra;
    const mapping = await getMapping(deps, id);
    const runs = await listTestRuns(
      deps,
      { kind: 'api_key', keyId: session.caller.keyId },
      { projectKey: mapping.toolProject.key, limit: RECENT_RUNS },
    );
    return (
      <MappingPage
        session={session}
        mapping={mapping}
        runs={runs.items}
        webhook={
          await webhookViewOf(mapping, {
            ...(secrets ? { secrets } : {}),
            ...(setup ? { setup } : {}),
          })
        }
        {...rest}
      />
    );
  };

  /** What saving in automatic mode did in Jira, as the JSON route's `webhookSetup`. */
  const setUpIfAutomatic = async (mapping: Mapping) =>
    mapping.webhookMode === 'automatic' ? await setUpAutomaticWebhook(deps, mapping.id) : undefined;

  router.post('/', async (c) => {
    const form = await readForm(c);
    try {
      const created = await createMapping(
        deps,
        parseWith(CreateMappingRequest, {
          toolProject: { key: form['toolProject.key'], name: form['toolProject.name'] },
          connectionId: form.connectionId,
          jiraProjectKey: form.jiraProjectKey,
          defectIssueType: form.defectIssueType,
          ...settingsOf(form),
        }),
      );
      const setup = await setUpIfAutomatic(created);
      // A fallback to manual carries the secret, shown once: rendered here, never redirected.
      if (setup) {
        return c.html(
          await mappingPage(c.get('session'), created.id, { notice: 'Mapped.', setup }),
          201,
        );
      }
      return c.redirect(`/admin/mappings/${created.id}`, 303);
    } catch (error) {
      const failure = formFailureOf(error);
      return c.html(
        await listPage(c.get('session'), {
          errors: failure.errors,
          message: failure.message,
          form,
        }),
        failure.status,
      );
    }
  });

  router.get('/:id', async (c) =>
    c.html(
      await mappingPage(
        c.get('session'),
        c.req.param('id'),
        c.req.query('forgotten') ? { notice: 'The webhook endpoint was forgotten.' } : {},
      ),
    ),
  );

  router.get('/:id/issue', async (c) => {
    const session = c.get('session');
    const mapping = await getMapping(deps, c.req.param('id'));
    const key = (c.req.query('key') ?? '').trim();
    try {
      const tests = await getIssueTests(deps, {
        connectionId: mapping.connectionId,
        issueIdOrKey: key,
        scope: { kind: 'latest' },
        history: 0,
      });
      return c.html(
        <IssueCoveragePage session={session} mapping={mapping} issueKey={key} tests={tests} />,
      );
    } catch (error) {
      const failure = formFailureOf(error);
      return c.html(
        <IssueCoveragePage
          session={session}
          mapping={mapping}
          issueKey={key}
          message={failure.message}
        />,
        failure.status,
      );
    }
  });

  router.post('/:id', async (c) => {
    const id = c.req.param('id');
    const form = await readForm(c);
    try {
      const before = await getMapping(deps, id);
      const after = await updateMapping(
        deps,
        id,
        parseWith(UpdateMappingRequest, {
          ...settingsOf(form),
          defectIssueType: form.defectIssueType ?? null,
        }),
      );
      if (before.webhookMode === 'automatic' && after.webhookMode !== 'automatic') {
        await releaseAutomaticWebhook(deps, before);
      }
      const setup = await setUpIfAutomatic(after);
      return c.html(
        await mappingPage(c.get('session'), id, { notice: 'Saved.', ...(setup ? { setup } : {}) }),
      );
    } catch (error) {
      const failure = formFailureOf(error);
      return c.html(
        await mappingPage(c.get('session'), id, {
          errors: failure.errors,
          message: failure.message,
        }),
        failure.status,
      );
    }
  });

  // Manual mode: issue (or rotate) the endpoint. The one answer that shows the secret: no redirect.
  router.post('/:id/webhook', async (c) => {
    const id = c.req.param('id');
    const secrets = await issueWebhookEndpoint(deps, id);
    return c.html(
      await mappingPage(c.get('session'), id, {
        notice: 'Webhook endpoint issued: enter it in Jira now.',
        secrets,
      }),
    );
  });

  // The address bar after an issue shows …/webhook: opening it again shows the page (no secret).
  router.get('/:id/webhook', (c) =>
    c.redirect(`/admin/mappings/${c.req.param('id')}#webhook`, 303),
  );

  router.post('/:id/webhook/revoke', async (c) => {
    const id = c.req.param('id');
    const form = await readForm(c);
    if (form.confirm !== 'yes') {
      return c.html(
        await mappingPage(c.get('session'), id, {
          message: 'Tick the box to confirm; the webhook was not forgotten.',
        }),
        400,
      );
    }
    try {
      await revokeWebhookEndpoint(deps, id);
    } catch (error) {
      const failure = formFailureOf(error);
      return c.html(
        await mappingPage(c.get('session'), id, { message: failure.message }),
        failure.status,
      );
    }
    return c.redirect(`/admin/mappings/${id}?forgotten=1`, 303);
  });

  router.post('/:id/webhook/test', async (c) => {
    const id = c.req.param('id');
    try {
      const check = await sendWebhookTestEvent(deps, id);
      return c.redirect(`/admin/mappings/${id}/webhook/test/${check.id}`, 303);
    } catch (error) {
      const failure = formFailureOf(error);
      return c.html(
        await mappingPage(c.get('session'), id, {
          message: `The test event could not be sent: ${failure.message}`,
        }),
        failure.status,
      );
    }
  });

  router.get('/:id/webhook/test/:checkId', async (c) => {
    const { id, checkId } = c.req.param();
    const mapping = await getMapping(deps, id);
    const check = await getWebhookTestEvent(deps, id, checkId);
    return c.html(<WebhookCheckPage session={c.get('session')} mapping={mapping} check={check} />);
  });

  // For the page's script: reload once Jira's event came back.
  router.get('/:id/webhook/test/:checkId/status', async (c) => {
    const { id, checkId } = c.req.param();
    const check = await getWebhookTestEvent(deps, id, checkId);
    return c.json({
      status: check.status,
      next: check.status === 'received' ? `/admin/mappings/${id}/webhook/test/${checkId}` : null,
    });
  });

  return router;
}
