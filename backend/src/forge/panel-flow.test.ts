import { createSim } from '@testbridge/jira-sim';
import { CreateDefectAnswer, IssueTestsAnswer } from '@testbridge/shared/forge/remote';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDefectRepo } from '../defects/repo.ts';
import { createDefectSender } from '../defects/sender.ts';
import { drainOutbox } from '../outbox/forwarder.ts';
import { createOutboxHoldRepo } from '../outbox/hold-repo.ts';
import { UNTIL_RELEASED } from '../outbox/service.ts';
import { createResultsTestbed } from '../results/testing.ts';

/** The simulator is seeded: a probe made the same way signs with the same app id and keys. */
const probe = createSim({ baseUrl: 'http://jira-sim.test' });
/** The seeded accounts: Alice owns the connection's API token, Bob views the panel. */
const ALICE = '43ab05deabe6257553edec3f';
const BOB = '67dccba40b8858e62f585a49';

describe('the Tests panel through Forge Remote, on the real features', () => {
  let bed: Awaited<ReturnType<typeof createResultsTestbed>>;
  const acme = () => {
    const site = bed.sim.world.sites.get('acme');
    if (site?.kind !== 'cloud') throw new Error('no acme');
    return site;
  };
  const panelToken = (key: string, principal: string) =>
    bed.sim.signInvocationToken({
      site: acme(),
      principal,
      moduleType: 'jira:issuePanel',
      context: {
        cloudId: acme().cloudId,
        siteUrl: acme().baseUrl,
        localId: 'panel-1',
        extension: { type: 'jira:issuePanel', issue: { id: acme().issueKeys.get(key) ?? '', key } },
      },
    });
  /** A panel call as `principal`, with the user token Forge forwards when there is one. */
  const call = async (
    path: string,
    key: string,
    body: unknown,
    viewer: { principal: string; userToken?: string | undefined } = { principal: BOB },
  ) =>
    bed.t.app.request(path, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${await panelToken(key, viewer.principal)}`,
        ...(viewer.userToken ? { 'x-forge-oauth-user': viewer.userToken } : {}),
      },
      body: JSON.stringify(body),
    });
  const issuesLabelled = (label: string) =>
    [...acme().issues.values()].filter((issue) => issue.labels.includes(label));
  const defectRow = (id: string) =>
    createDefectRepo(bed.t.deps.store.tables).findById(bed.t.deps.store.db, id);
  const drain = () =>
    drainOutbox(bed.t.deps, [createDefectSender(bed.t.deps)], { random: () => 0.5 });
  /** A run in which `name` failed with `message`, covering TB-9: the panel's failed row. */
  async function failedRow(name: string, message: string) {
    const run = await bed.createRun(bed.tool, { environment: 'staging' });
    await bed.uploadOk(bed.tool, run.id, [
      { name, status: 'failed', message, requirements: ['TB-9'] },
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
    const failed = answer.issueTests.tests.find((t) => t.name === name);
    expect(failed?.latest?.status).toBe('failed');
    return { issueIdOrKey: 'TB-9', runId: failed?.latest?.runId, testId: failed?.testId };
  }

  beforeAll(async () => {
    bed = await createResultsTestbed('sqlite', {
      FORGE_APP_ID: probe.forgeAppId,
      FORGE_JWKS_URL: probe.forgeJwksUrl,
    });
    expect(bed.sim.forgeAppId).toBe(probe.forgeAppId);
  });
  afterAll(async () => bed.t.cleanup());

  it('shows what was imported, and files exactly one defect as the viewing user', async () => {
    const row = await failedRow('pays by card', 'declined');
    const { userToken } = bed.sim.issueForgeTokens({ site: acme(), accountId: BOB });
    const filed = await call('/forge/defects', 'TB-9', row, { principal: BOB, userToken });
    expect(filed.status, await filed.clone().text()).toBe(200);
    // Tried at once, as Bob: Jira's answer is the panel's answer.
    const { defect, failureReason } = CreateDefectAnswer.parse(await filed.json());
    expect(failureReason).toBeNull();
    expect(defect.state).toBe('created');
    const [issue, ...others] = issuesLabelled(`testbridge-defect-${defect.id}`);
    expect(others).toEqual([]);
    expect(issue?.key).toBe(defect.issueKey);
    expect(issue?.reporterId).toBe(BOB);
    expect(issue?.reporterId).not.toBe(ALICE);
    // Nothing left for the forwarder, and Bob's token is not kept once Jira took the defect.
    await drain();
    expect(issuesLabelled(`testbridge-defect-${defect.id}`)).toHaveLength(1);
    expect((await defectRow(defect.id))?.actingToken).toBeNull();

    // A second click on the same failure links to the open defect: still one issue.
    const again = await call('/forge/defects', 'TB-9', row, { principal: BOB, userToken });
    expect(CreateDefectAnswer.parse(await again.json()).defect.id).toBe(defect.id);
    await drain();
    expect(issuesLabelled(`testbridge-defect-${defect.id}`)).toHaveLength(1);

    const shown = IssueTestsAnswer.parse(
      await (
        await call('/forge/issue-tests', 'TB-9', {
          issueIdOrKey: 'TB-9',
          scope: { kind: 'latest' },
        })
      ).json(),
    );
    if (shown.status !== 'connected') throw new Error('not connected');
    const defects = shown.issueTests.tests.find((t) => t.testId === row.testId)?.openDefects;
    expect(defects).toEqual([expect.objectContaining({ id: defect.id, issueKey: issue?.key })]);
  });

  it('keeps the defect (token sealed) while Jira is away, and fails it plainly once the token expired', async () => {
    const row = await failedRow('ships the parcel', 'carrier timeout');
    const { userToken } = bed.sim.issueForgeTokens({
      site: acme(),
      accountId: BOB,
      ttlSeconds: 600,
    });
    bed.sim.addFault({
      kind: 'status',
      status: 503,
      method: 'POST',
      path: '/api/ex/jira/*/rest/api/3/issue',
      times: 1,
    });
    const filed = await call('/forge/defects', 'TB-9', row, { principal: BOB, userToken });
    expect(filed.status, await filed.clone().text()).toBe(200);
    const { defect } = CreateDefectAnswer.parse(await filed.json());
    expect(defect.state).toBe('pending');
    const stored = await defectRow(defect.id);
    expect(stored?.actingToken).toMatch(/^tbs1\./);
    expect(stored?.actingToken).not.toContain(userToken);
    expect(stored?.actingAccountId).toBe(BOB);

    // Jira is back only after Bob's token expired: no other credential is used instead.
    bed.advance(601_000);
    await drain();
    const settled = await defectRow(defect.id);
    expect(settled?.state).toBe('failed');
    expect(settled?.failureReason).toContain('file the defect again from the Tests panel');
    expect(settled?.actingToken).toBeNull();
    expect(issuesLabelled(`testbridge-defect-${defect.id}`)).toEqual([]);

    // Bob clicks again with a fresh token: filed, as Bob.
    const fresh = bed.sim.issueForgeTokens({ site: acme(), accountId: BOB }).userToken;
    const retry = await call('/forge/defects', 'TB-9', row, { principal: BOB, userToken: fresh });
    const second = CreateDefectAnswer.parse(await retry.json()).defect;
    expect(second.state).toBe('created');
    expect(issuesLabelled(`testbridge-defect-${second.id}`).map((i) => i.reporterId)).toEqual([
      BOB,
    ]);
  });

  it("files the viewer's defect at once even while the connection's own grant is held as refused", async () => {
    const row = await failedRow('renders the receipt', 'template missing');
    const now = bed.t.clock.now();
    await bed.t.deps.store.transaction((tx) =>
      createOutboxHoldRepo(bed.t.deps.store).hold(
        tx,
        {
          target: bed.connection.id,
          until: null,
          reason: 'Jira refused the credentials',
          failures: 1,
          cause: 'unauthorized',
          updatedAt: now,
        },
        UNTIL_RELEASED,
      ),
    );
    const { userToken } = bed.sim.issueForgeTokens({ site: acme(), accountId: BOB });
    const filed = await call('/forge/defects', 'TB-9', row, { principal: BOB, userToken });
    const { defect } = CreateDefectAnswer.parse(await filed.json());
    expect(defect.state).toBe('created');
    expect(issuesLabelled(`testbridge-defect-${defect.id}`).map((i) => i.reporterId)).toEqual([
      BOB,
    ]);
    await bed.t.deps.store.transaction((tx) =>
      createOutboxHoldRepo(bed.t.deps.store).releaseHold(tx, bed.connection.id, now),
    );
  });

  it('refuses a defect without a forwarded user token, or for another issue than the panel shows', async () => {
    const row = await failedRow('prints the invoice', 'font missing');
    const noToken = await call('/forge/defects', 'TB-9', row, { principal: BOB });
    expect(noToken.status).toBe(403);
    expect(await noToken.json()).toMatchObject({ code: 'user_authorization_required' });
    const { userToken } = bed.sim.issueForgeTokens({ site: acme(), accountId: BOB });
    const other = await call(
      '/forge/defects',
      'TB-9',
      { issueIdOrKey: 'TB-10', runId: 'r', testId: 't' },
      { principal: BOB, userToken },
    );
    expect(other.status).toBe(403);
  });
});
