import { AdminStatusAnswer } from '@testbridge/shared/forge/remote';
import { describe, expect, it } from 'vitest';
import { bridgeHost, remoteAnswer } from '../testing/bridge.ts';
import { render } from '../testing/render.ts';
import { AdminPage } from './admin-page.tsx';

const CLOUD_ID = 'b1e0a7a2-5b6f-4a3c-9d4e-0f1e2d3c4b5a';

const connected = (overrides: Record<string, unknown> = {}) =>
  AdminStatusAnswer.parse({
    status: 'connected',
    connection: {
      id: 'conn-acme',
      name: 'acme cloud',
      jiraUrl: 'https://acme.atlassian.net',
      status: 'active',
      statusReason: null,
    },
    installation: {
      installationId: 'ari:cloud:ecosystem::installation/1',
      environment: 'PRODUCTION',
      installedAt: '2026-03-02T09:00:00.000Z',
    },
    mappedProjects: [
      { jiraProjectKey: 'SHOP', toolProjectKey: 'shop-web', createDefects: true },
      { jiraProjectKey: 'OPS', toolProjectKey: null, createDefects: false },
    ],
    webhooks: { state: 'failing', detail: 'Last delivery refused: 401' },
    ...overrides,
  });

function serve(answer: unknown, status = 200) {
  bridgeHost.reset((call) => (call.cmd === 'invoke' ? remoteAnswer(status, answer) : undefined));
}

describe('the admin page', () => {
  it('asks the backend once for this site', async () => {
    serve(connected());
    await render(AdminPage);
    expect(bridgeHost.remoteCalls().map((call) => [call.data?.path, call.data?.body])).toEqual([
      ['/forge/admin-status', {}],
    ]);
  });

  it('shows the connection, installation, mapped projects and webhook state in words', async () => {
    serve(connected());
    const screen = await render(AdminPage);
    expect(screen.textsOf('Lozenge')).toEqual(['Connected', 'Failing']);
    const text = screen.text();
    expect(text).toContain('acme cloud · https://acme.atlassian.net');
    expect(text).toContain('App installed 2026-03-02 (PRODUCTION)');
    expect(text).toContain('Jira project Test project Create defects SHOP shop-web Yes OPS — No');
    expect(text).toContain('Last delivery refused: 401');
    expect(text).toContain('How to connect');
  });

  it('names a broken connection and why, and an empty mapping', async () => {
    serve(
      connected({
        connection: {
          id: 'conn-acme',
          name: 'acme cloud',
          jiraUrl: 'https://acme.atlassian.net',
          status: 'needs_reauthorization',
          statusReason: 'The grant was revoked in Jira',
        },
        installation: null,
        mappedProjects: [],
        webhooks: { state: 'unknown', detail: null },
      }),
    );
    const screen = await render(AdminPage);
    expect(screen.textsOf('Lozenge')).toEqual(['Needs re-authorization', 'Unknown']);
    const text = screen.text();
    expect(text).toContain('The grant was revoked in Jira');
    expect(text).toContain('has not recorded the installation');
    expect(text).toContain('No Jira project is mapped yet');
    expect(screen.all('DynamicTable')).toEqual([]);
  });

  it('says the site is not connected and how to connect it, with its site id', async () => {
    serve({ status: 'not_connected', cloudId: CLOUD_ID, siteUrl: 'https://acme.atlassian.net' });
    const screen = await render(AdminPage);
    expect(screen.all('SectionMessage')[0]?.props).toMatchObject({
      appearance: 'warning',
      title: 'This site is not connected to Testbridge',
    });
    expect(screen.text()).toContain(
      `create a Jira Cloud connection to this site (site id ${CLOUD_ID})`,
    );
  });

  it('explains a failure and still shows how to connect', async () => {
    serve({ code: 'internal_error', detail: 'Internal error' }, 500);
    const screen = await render(AdminPage);
    expect(screen.all('SectionMessage')[0]?.props.title).toBe(
      'Could not load the Testbridge status',
    );
    expect(screen.textsOf('Button')).toEqual(['Try again']);
    expect(screen.text()).toContain('How to connect');
  });
});
