import { beforeEach, describe, expect, it } from 'vitest';
import { type BridgeCall, bridgeHost, productAnswer, remoteAnswer } from '../testing/bridge.ts';
import { issueTestsFixture } from '../testing/fixtures.ts';
import { click, interact, render } from '../testing/render.ts';
import { TestsPanel } from './tests-panel.tsx';

const CONTEXT = {
  accountId: 'account-alice',
  siteUrl: 'https://acme.atlassian.net',
  extension: {
    type: 'jira:issuePanel',
    issue: { id: '10001', key: 'SHOP-1' },
    project: { key: 'SHOP' },
  },
};
const CLOUD_ID = 'b1e0a7a2-5b6f-4a3c-9d4e-0f1e2d3c4b5a';

type Remote = (call: BridgeCall) => unknown;

/** The Jira host: the issue context, the user property store, and the backend behind invokeRemote. */
function host(remote: Remote, preference?: unknown) {
  const properties = new Map<string, string>();
  if (preference !== undefined) properties.set('value', JSON.stringify(preference));
  bridgeHost.reset((call) => {
    if (call.cmd === 'getContext') return CONTEXT;
    if (call.cmd === 'fetchProduct') {
      const init = call.data?.fetchRequestInit as { method?: string; body?: string };
      if (init.method === 'PUT') {
        properties.set('value', init.body ?? '');
        return productAnswer(200);
      }
      const value = properties.get('value');
      return value === undefined
        ? productAnswer(404, { errorMessages: ['no property'] })
        : productAnswer(200, { key: 'testbridge-panel-scope', value: JSON.parse(value) });
    }
    if (call.cmd === 'invoke') return remote(call);
    return undefined;
  });
  return { stored: () => properties.get('value') };
}

const connected = (overrides = {}) =>
  remoteAnswer(200, { status: 'connected', issueTests: issueTestsFixture(overrides) });
const bodies = () =>
  bridgeHost.remoteCalls().map((call) => ({ path: call.data?.path, body: call.data?.body }));

describe('the Tests panel', () => {
  beforeEach(() => bridgeHost.reset(() => undefined));

  it('shows a labelled spinner while the backend has not answered', async () => {
    host(() => new Promise(() => {}));
    const screen = await render(TestsPanel);
    expect(screen.all('Spinner').map((node) => node.props.label)).toEqual([
      'Loading the tests of this issue',
    ]);
    expect(screen.all('DynamicTable')).toEqual([]);
  });

  it('asks once, for the issue it is shown on, in the scope this user chose last in this project', async () => {
    host(() => connected(), {
      SHOP: { kind: 'environment', environment: 'staging' },
      OPS: { kind: 'latest' },
    });
    await render(TestsPanel);
    expect(bodies()).toEqual([
      {
        path: '/forge/issue-tests',
        body: {
          issueIdOrKey: 'SHOP-1',
          scope: { kind: 'environment', environment: 'staging' },
          history: 5,
        },
      },
    ]);
  });

  it('renders the coverage, the flaky mark, and one row per test with what a user needs', async () => {
    host(() => connected());
    const screen = await render(TestsPanel);
    expect(screen.textsOf('Lozenge').slice(0, 2)).toEqual(['NOK', 'Flaky']);
    expect(screen.text()).toContain(
      'NOK: a covering test failed. 3 tests: 1 passed, 1 failed, 1 not run, 1 flaky.',
    );
    expect(screen.all('Row')).toHaveLength(3);
    const text = screen.text();
    for (const expected of [
      'checkout pays Failed staging 2026-03-01 10:00 UTC shop-ci #812 No SHOP-7',
      'cart keeps items Passed No environment 2026-03-01 10:00 UTC nightly #12 Flaky None',
      'refund is sent Never run No environment — — No None',
    ]) {
      expect(text).toContain(expected);
    }
    const links = screen.all('Link').map((link) => [link.props.href, link.children.join('')]);
    expect(links).toEqual([
      ['https://ci.example.com/shop/812', 'shop-ci #812'],
      ['https://acme.atlassian.net/browse/SHOP-7', 'SHOP-7'],
    ]);
  });

  it('offers "Create defect" only on failed rows, and only when the mapping allows defects', async () => {
    host(() => connected());
    const allowed = await render(TestsPanel);
    expect(allowed.textsOf('Button').filter((label) => label === 'Create defect')).toHaveLength(1);
    await allowed.unmount();
    host(() => connected({ mapping: { id: 'mapping-1', createDefects: false } }));
    const refused = await render(TestsPanel);
    expect(refused.textsOf('Button')).not.toContain('Create defect');
    await refused.unmount();
    host(() => connected({ mapping: null }));
    const unmapped = await render(TestsPanel);
    expect(unmapped.textsOf('Button')).not.toContain('Create defect');
    expect(unmapped.text()).toContain('not mapped in Testbridge');
  });

  it('files a defect for the failed run of that test and says which issue it became', async () => {
    host((call) =>
      call.data?.path === '/forge/defects'
        ? remoteAnswer(200, {
            defect: { id: 'd9', issueKey: 'SHOP-9', url: null, state: 'created' },
          })
        : connected(),
    );
    const screen = await render(TestsPanel);
    await click(screen.button('Create defect'));
    expect(bodies().at(-1)).toEqual({
      path: '/forge/defects',
      body: { issueIdOrKey: 'SHOP-1', testId: 'test-pay', runId: 'run-12' },
    });
    expect(screen.text()).toContain('Defect SHOP-9 filed');
    expect(bridgeHost.remoteCalls()).toHaveLength(2);
  });

  it("says why Jira refused the viewer's defect, and offers to try again", async () => {
    host((call) =>
      call.data?.path === '/forge/defects'
        ? remoteAnswer(200, {
            defect: { id: 'd10', issueKey: null, url: null, state: 'failed' },
            failureReason: 'You do not have permission to create issues in this project.',
          })
        : connected(),
    );
    const screen = await render(TestsPanel);
    await click(screen.button('Create defect'));
    expect(screen.text()).toContain(
      'Jira did not file the defect: You do not have permission to create issues in this project.',
    );
    expect(screen.textsOf('Button')).toContain('Create defect');
  });

  it('expands a short history per test on demand', async () => {
    host(() => connected());
    const screen = await render(TestsPanel);
    expect(screen.text()).not.toContain('History of checkout pays');
    await click(screen.button('Show history of checkout pays'));
    expect(screen.text()).toContain(
      'History of checkout pays Failed 2026-03-01 10:00 UTC · nightly #12 · staging · expected 200, got 500 Passed 2026-02-28 10:00 UTC · nightly #12 · staging',
    );
    await click(screen.button('Hide history of checkout pays'));
    expect(screen.text()).not.toContain('History of checkout pays');
  });

  it('asks again in the chosen scope and remembers the choice for this user and project', async () => {
    const jira = host(() => connected());
    const screen = await render(TestsPanel);
    const select = screen.all('Select')[0];
    expect(select?.props.options.map((o: { label: string }) => o.label)).toEqual([
      'Latest run anywhere',
      'Environment: staging',
      'Environment: production',
      'Fix version: 1.4',
    ]);
    expect(
      screen.all('Label').map((label) => [label.props.labelFor, label.children.join('')]),
    ).toEqual([[select?.props.id, 'Results from']]);
    await interact(() => select?.props.onChange({ value: 'fixVersion:1.4' }));
    expect(bodies().map((call) => call.body)).toEqual([
      { issueIdOrKey: 'SHOP-1', scope: { kind: 'latest' }, history: 5 },
      { issueIdOrKey: 'SHOP-1', scope: { kind: 'fixVersion', fixVersion: '1.4' }, history: 5 },
    ]);
    expect(JSON.parse(jira.stored() ?? '{}')).toEqual({
      SHOP: { kind: 'fixVersion', fixVersion: '1.4' },
    });
  });

  it('says how to link a test when none covers the issue', async () => {
    host(() =>
      connected({
        coverage: 'UNCOVERED',
        flaky: false,
        tests: [],
        counts: { total: 0, passed: 0, failed: 0, error: 0, skipped: 0, notRun: 0, flaky: 0 },
      }),
    );
    const screen = await render(TestsPanel);
    expect(screen.textsOf('Lozenge')).toEqual(['UNCOVERED']);
    const message = screen.all('SectionMessage')[0];
    expect(message?.props.title).toBe('No tests cover this issue yet');
    expect(screen.text()).toContain('@SHOP-1');
    expect(screen.text()).toContain('"requirements" property');
  });

  it('tells a user the site is not connected, and what an admin should do', async () => {
    host(() => remoteAnswer(200, { status: 'not_connected', cloudId: CLOUD_ID, siteUrl: null }));
    const screen = await render(TestsPanel);
    const message = screen.all('SectionMessage')[0];
    expect(message?.props).toMatchObject({
      appearance: 'warning',
      title: 'This site is not connected to Testbridge',
    });
    expect(screen.text()).toContain('Apps → Testbridge');
    expect(screen.text()).toContain(CLOUD_ID);
  });

  it('explains a failure with what to do, and tries again on request', async () => {
    let answers = 0;
    host(() =>
      answers++ === 0
        ? remoteAnswer(503, { code: 'store_unavailable', detail: 'The store is unavailable' })
        : connected(),
    );
    const screen = await render(TestsPanel);
    const message = screen.all('SectionMessage')[0];
    expect(message?.props).toMatchObject({
      appearance: 'error',
      title: 'Could not load the tests of this issue',
    });
    expect(screen.text()).toContain('The store is unavailable');
    expect(screen.text()).toContain('Try again in a minute');
    await click(screen.button('Try again'));
    expect(screen.textsOf('Lozenge')[0]).toBe('NOK');
  });

  it('names the configuration to check when the backend cannot verify the call (401)', async () => {
    host(() =>
      remoteAnswer(401, {
        code: 'unauthenticated',
        detail: 'The Forge Invocation Token is not valid',
      }),
    );
    const screen = await render(TestsPanel);
    expect(screen.text()).toContain('could not verify this request from Jira');
    expect(screen.text()).toContain('FORGE_APP_ID');
  });

  it('refuses an answer that does not match the contract instead of rendering it', async () => {
    host(() => remoteAnswer(200, { status: 'connected', issueTests: { coverage: 'MAYBE' } }));
    const screen = await render(TestsPanel);
    expect(screen.text()).toContain('Testbridge answered in an unexpected shape');
  });
});
