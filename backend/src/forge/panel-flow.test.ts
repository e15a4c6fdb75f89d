import { createSim } from '@testbridge/jira-sim';
import { CreateDefectAnswer, IssueTestsAnswer } from '@testbridge/shared/forge/remote';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDefectSender } from '../defects/sender.ts';
import { drainOutbox } from '../outbox/forwarder.ts';
import { createResultsTestbed } from '../results/testing.ts';

/** The simulator is seeded: a probe made the same way signs with the same app id and keys. */
const probe = createSim({ baseUrl: 'http://jira-sim.test' });

describe('the Tests panel through Forge Remote, on the real features', () => {
  let bed: Awaited<ReturnType<typeof createResultsTestbed>>;
  const acme = () => {
    const site = bed.sim.world.sites.get('acme');
    if (!site) throw new Error('no acme');
    return site;
  };
  const panelToken = (key: string) =>
    bed.sim.signInvocationToken({
      site: acme(),
      principal: 'account-alice',
      moduleType: 'jira:issuePanel',
      context: {
        cloudId: acme().cloudId,
        siteUrl: acme().baseUrl,
        localId: 'panel-1',
        extension: { type: 'jira:issuePanel', issue: { id: acme().issueKeys.get(key) ?? '', key } },
      },
    });
  const call = async (path: string, key: string, body: unknown) =>
    bed.t.app.request(path, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await panelToken(key)}`,
      },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    bed = await createResultsTestbed('sqlite', {
      FORGE_APP_ID: probe.forgeAppId,
      FORGE_JWKS_URL: probe.forgeJwksUrl,
    });
    expect(bed.sim.forgeAppId).toBe(probe.forgeAppId);
  });
  afterAll(async () => bed.t.cleanup());

  it('shows what was imported, and files a defect from a failed row', async () => {
    const run = await bed.createRun(bed.tool, { environment: 'staging' });
    await bed.uploadOk(bed.tool, run.id, [
      { name: 'pays by card', status: 'failed', message: 'declined', requirements: ['TB-9'] },
      { name: 'pays by invoice', status: 'passed', requirements: ['TB-9'] },
    ]);
    const res = await call('/forge/issue-tests', 'TB-9', {
      issueIdOrKey: 'TB-9',
      scope: { kind: 'environment', environment: 'staging' },
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const answer = IssueTestsAnswer.parse(await res.json());
    if (answer.status !== 'connected') throw new Error('not connected');
    expect(answer.issueTests.coverage).toBe('NOK');
    expect(answer.issueTests.mapping?.createDefects).toBe(true);
    const failed = answer.issueTests.tests.find((t) => t.latest?.status === 'failed');
    expect(failed?.name).toBe('pays by card');

    const filed = await call('/forge/defects', 'TB-9', {
      issueIdOrKey: 'TB-9',
      runId: failed?.latest?.runId,
      testId: failed?.testId,
    });
    expect(filed.status, await filed.clone().text()).toBe(200);
    expect(CreateDefectAnswer.parse(await filed.json()).defect.state).toBe('pending');
    await drainOutbox(bed.t.deps, [createDefectSender(bed.t.deps)], { random: () => 0.5 });

    const again = IssueTestsAnswer.parse(
      await (
        await call('/forge/issue-tests', 'TB-9', {
          issueIdOrKey: 'TB-9',
          scope: { kind: 'latest' },
        })
      ).json(),
    );
    if (again.status !== 'connected') throw new Error('not connected');
    const defects = again.issueTests.tests.find((t) => t.testId === failed?.testId)?.openDefects;
    expect(defects).toHaveLength(1);
    expect(defects?.[0]?.issueKey).toMatch(/^TB-\d+$/);
  });

  it('refuses a defect for an issue other than the one the panel shows', async () => {
    const res = await call('/forge/defects', 'TB-9', {
      issueIdOrKey: 'TB-10',
      runId: 'r',
      testId: 't',
    });
    expect(res.status).toBe(403);
  });
});
