import type { Connection } from '@testbridge/shared/api/connections';
import {
  CreateMappingRequest,
  type Mapping,
  UpdateMappingRequest,
  type WebhookMode,
} from '@testbridge/shared/api/mappings';
import type { TestRun } from '@testbridge/shared/api/results';
import { Hono } from 'hono';
import { listConnections } from '../../connections/service.ts';
import type { Deps } from '../../deps.ts';
import { createMapping, getMapping, listMappings, updateMapping } from '../../mappings/service.ts';
import { getIssueTests } from '../../results/coverage.ts';
import { listTestRuns } from '../../results/runs.ts';
import { formFailureOf, parseWith, readForm } from '../form.ts';
import { type AdminEnv, requireSession } from '../guard.ts';
import { CsrfInput, ErrorBanner, Field, type FieldErrors, Page } from '../layout.tsx';
import type { AdminSession } from '../session.ts';
import { IssueCoveragePage, IssueLookup } from './issue-coverage.tsx';

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
      {...extra}
    />
  );

  router.get('/', async (c) => c.html(await listPage(c.get('session'))));

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

  const mappingPage = async (
    session: AdminSession,
    id: string,
    extra: { errors?: FieldErrors; message?: string; notice?: string } = {},
  ) => {
    const mapping = await getMapping(deps, id);
    const runs = await listTestRuns(
      deps,
      { kind: 'api_key', keyId: session.caller.keyId },
      { projectKey: mapping.toolProject.key, limit: RECENT_RUNS },
    );
    return <MappingPage session={session} mapping={mapping} runs={runs.items} {...extra} />;
  };

  router.get('/:id', async (c) => c.html(await mappingPage(c.get('session'), c.req.param('id'))));

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
      await updateMapping(
        deps,
        id,
        parseWith(UpdateMappingRequest, {
          ...settingsOf(form),
          defectIssueType: form.defectIssueType ?? null,
        }),
      );
      return c.html(await mappingPage(c.get('session'), id, { notice: 'Saved.' }));
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

  return router;
}
