/**
 * The bounded verdict wait (DEVOPS_VERDICT_WAIT_MS): committed first, then sent at once through
 * the outbox, and the 202 carries Jira's own verdict when it answered in time. The budget here is
 * large (never reached); the pending answers come from a failing Jira and a site on hold.
 */
import { JiraCompatibleBuildsAccepted } from '@testbridge/shared/api/devops';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createDevopsTestbed,
  type DevopsTestbed,
  jenkinsPayload,
  onKnownIssue,
} from './testing.ts';

const build = (buildNumber: number, issueKeys: string[]) => ({
  pipelineId: 'web',
  buildNumber,
  updateSequenceNumber: 1,
  displayName: `web #${buildNumber}`,
  url: `https://ci.example/web/${buildNumber}`,
  state: 'successful',
  lastUpdated: '2026-03-02T09:00:00.000Z',
  issueKeys,
});

const ApiEvents = z.object({
  events: z.array(z.object({ id: z.string(), status: z.string(), verdict: z.string().nullish() })),
});

describe('the verdict wait', () => {
  let b: DevopsTestbed;
  afterEach(() => b.t.cleanup());
  const bulkPosts = () =>
    b.sim.requests.list({ path: '/api/jira/*/0.1/cloud/*/bulk', method: 'POST' });

  it("answers with Jira's accepted, rejected and unknown issue keys when Jira answers in time, and sends nothing twice", async () => {
    b = await createDevopsTestbed({ env: { DEVOPS_VERDICT_WAIT_MS: '60000' } });
    const res = await b.postJira('builds', {
      builds: [build(1, ['TB-1']), build(2, ['NOPE-1']), build(3, ['TB-2', 'NOPE-2'])],
    });
    expect(res.status).toBe(202);
    const answer = JiraCompatibleBuildsAccepted.parse(await res.json());
    expect(answer.acceptedBuilds).toEqual([
      { pipelineId: 'web', buildNumber: 1 },
      { pipelineId: 'web', buildNumber: 3 },
    ]);
    expect(answer.rejectedBuilds).toEqual([
      {
        key: { pipelineId: 'web', buildNumber: 2 },
        errors: [{ message: 'No valid issues found for build' }],
      },
    ]);
    expect(answer.unknownIssueKeys.sort()).toEqual(['NOPE-1', 'NOPE-2']);
    expect(answer.events.map((event) => [event.status, event.verdict])).toEqual([
      ['delivered', 'accepted'],
      ['rejected', 'unknown_issue_keys'],
      ['delivered', 'accepted_with_unknown_issue_keys'],
    ]);
    expect(bulkPosts()).toHaveLength(1);
    // The forwarder finds nothing left to send; the events say the same later.
    expect(await b.drain()).toMatchObject({ claimed: 0 });
    expect(bulkPosts()).toHaveLength(1);
    const later = await b.event(answer.events[1]?.id ?? '');
    expect(later).toMatchObject({ status: 'rejected', verdict: 'unknown_issue_keys' });

    // A CI retry of a settled item is answered with its verdict, without sending it again.
    const again = JiraCompatibleBuildsAccepted.parse(
      await (await b.postJira('builds', { builds: [build(2, ['NOPE-1'])] })).json(),
    );
    expect(again.rejectedBuilds).toHaveLength(1);
    expect(bulkPosts()).toHaveLength(1);

    // The same at /api/v1/devops, and for deployments.
    const api = ApiEvents.parse(
      await (await b.postApi('deployments', onKnownIssue(jenkinsPayload('deployment')))).json(),
    );
    expect(api.events.map((event) => [event.status, event.verdict])).toEqual([
      ['delivered', 'accepted'],
    ]);
    expect(bulkPosts()).toHaveLength(2);
  });

  it('answers accepted and pending when Jira fails, and sends nothing while the site backs off', async () => {
    b = await createDevopsTestbed({ env: { DEVOPS_VERDICT_WAIT_MS: '60000' } });
    b.sim.addFault({ kind: 'status', status: 503, path: '/api/jira/builds/*', times: 1 });
    const first = JiraCompatibleBuildsAccepted.parse(
      await (await b.postJira('builds', { builds: [build(1, ['TB-1'])] })).json(),
    );
    expect(first.acceptedBuilds).toEqual([{ pipelineId: 'web', buildNumber: 1 }]);
    expect(first.rejectedBuilds).toEqual([]);
    expect(first.events.map((event) => event.status)).toEqual(['pending']);
    expect(bulkPosts().map((request) => request.status)).toEqual([503]);

    // The site is on hold (backing off): the next post is committed and not sent.
    const second = JiraCompatibleBuildsAccepted.parse(
      await (await b.postJira('builds', { builds: [build(2, ['TB-1'])] })).json(),
    );
    expect(second.events.map((event) => event.status)).toEqual(['pending']);
    expect(bulkPosts()).toHaveLength(1);

    b.advance(60_000);
    expect(await b.drain()).toMatchObject({ delivered: 2 });
    const later = await b.event(first.events[0]?.id ?? '');
    expect(later).toMatchObject({ status: 'delivered', verdict: 'accepted' });
  });

  it('is off at 0: the 202 says pending and nothing is sent until the forwarder runs', async () => {
    b = await createDevopsTestbed({ env: { DEVOPS_VERDICT_WAIT_MS: '0' } });
    const answer = JiraCompatibleBuildsAccepted.parse(
      await (await b.postJira('builds', { builds: [build(1, ['NOPE-1'])] })).json(),
    );
    expect(answer.acceptedBuilds).toEqual([{ pipelineId: 'web', buildNumber: 1 }]);
    expect(answer.unknownIssueKeys).toEqual([]);
    expect(answer.events.map((event) => event.status)).toEqual(['pending']);
    expect(bulkPosts()).toHaveLength(0);
    expect(await b.drain()).toMatchObject({ claimed: 1, rejected: 1 });
  });
});
