import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { STORE_KINDS } from '../testing/index.ts';
import {
  createDevopsTestbed,
  type DevopsTestbed,
  jenkinsPayload,
  onKnownIssue,
} from './testing.ts';

const Sent = z.object({ builds: z.array(z.object({ buildNumber: z.number() })) });

describe.each(STORE_KINDS)('a batch Jira answers only in part, on %s', (store) => {
  let b: DevopsTestbed;
  beforeEach(async () => {
    b = await createDevopsTestbed({ store });
  });
  afterEach(() => b.t.cleanup());

  const base = onKnownIssue(jenkinsPayload('build'));
  const builds = z.array(z.record(z.string(), z.unknown())).parse(base.builds);
  /** Builds of one request; each `source` is its own envelope, so its own request to Jira. */
  const post = async (source: string, numbers: number[]) =>
    b.eventIds(
      await b.postJira('builds', {
        ...base,
        properties: { source },
        builds: numbers.map((n) => ({ ...builds[0], buildNumber: n, updateSequenceNumber: n })),
      }),
    );
  const sentBuildNumbers = () =>
    b.sim.requests
      .list({ path: '/api/jira/builds/*', method: 'POST' })
      .map((r) => Sent.parse(JSON.parse(r.body)).builds.map((build) => build.buildNumber));

  it('keeps what Jira accepted when a later request of the batch fails, and resends only the rest', async () => {
    const [first] = await post('jenkins-a', [1]);
    const [second] = await post('jenkins-b', [2]);
    b.sim.addFault({ kind: 'status', status: 503, path: '/api/jira/builds/*', after: 1, times: 1 });
    const report = await b.drain();
    expect(report).toMatchObject({ delivered: 1, retried: 1 });
    expect(await b.event(String(first))).toMatchObject({
      status: 'delivered',
      verdict: 'accepted',
      attempts: 1,
    });
    expect(await b.event(String(second))).toMatchObject({ status: 'pending', attempts: 1 });
    b.advance(10_000);
    await b.drain();
    expect(await b.event(String(second))).toMatchObject({
      status: 'delivered',
      verdict: 'accepted',
    });
    expect(sentBuildNumbers()).toEqual([[1], [2], [2]]);
    expect((await b.event(String(first))).attempts).toBe(1);
  });

  it('splits only the items not yet judged when a later request is refused with 400', async () => {
    const [first] = await post('jenkins-a', [1]);
    const rest = await post('jenkins-b', [2, 3]);
    b.sim.addFault({ kind: 'status', status: 400, path: '/api/jira/builds/*', after: 1, times: 1 });
    const report = await b.drain();
    expect(report).toMatchObject({ delivered: 3, rejected: 0 });
    expect(sentBuildNumbers()).toEqual([[1], [2, 3], [2], [3]]);
    for (const id of [first, ...rest]) {
      expect(await b.event(String(id))).toMatchObject({ status: 'delivered', verdict: 'accepted' });
    }
  });

  it('after a 400 split, a half Jira accepted is not resent when the other half fails', async () => {
    const ids = await post('jenkins-a', [1, 2, 3, 4]);
    b.sim.addFault({ kind: 'status', status: 400, path: '/api/jira/builds/*', times: 1 });
    // Skips the first two requests (the whole batch, its first half): fails the second half.
    b.sim.addFault({ kind: 'status', status: 503, path: '/api/jira/builds/*', after: 2, times: 1 });
    await b.drain();
    expect(sentBuildNumbers()).toEqual([
      [1, 2, 3, 4],
      [1, 2],
      [3, 4],
    ]);
    const events = await Promise.all(ids.map((id) => b.event(id)));
    expect(events.map((e) => e.status)).toEqual(['delivered', 'delivered', 'pending', 'pending']);
    b.advance(10_000);
    await b.drain();
    expect(sentBuildNumbers().slice(3)).toEqual([[3, 4]]);
  });

  it('after a 400 split, the second half is not sent when the first finds Jira failing', async () => {
    const ids = await post('jenkins-a', [1, 2, 3, 4]);
    b.sim.addFault({ kind: 'status', status: 400, path: '/api/jira/builds/*', times: 1 });
    b.sim.addFault({ kind: 'status', status: 503, path: '/api/jira/builds/*', after: 1, times: 1 });
    await b.drain();
    expect(sentBuildNumbers()).toEqual([
      [1, 2, 3, 4],
      [1, 2],
    ]);
    const events = await Promise.all(ids.map((id) => b.event(id)));
    expect(events.map((e) => [e.status, e.attempts])).toEqual([
      ['pending', 1],
      ['pending', 1],
      ['pending', 0],
      ['pending', 0],
    ]);
    b.advance(10_000);
    await b.drain();
    expect(sentBuildNumbers().slice(2)).toEqual([[1, 2, 3, 4]]);
  });
});
