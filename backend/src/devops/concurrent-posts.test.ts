import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../testing/index.ts';
import {
  createDevopsTestbed,
  type DevopsTestbed,
  jenkinsPayload,
  onKnownIssue,
} from './testing.ts';

describe.each(STORE_KINDS)('concurrent CI posts of the same build on %s', (store) => {
  let b: DevopsTestbed;
  beforeEach(async () => {
    b = await createDevopsTestbed({ store });
  });
  afterEach(() => b.t.cleanup());

  it('answers every resend 202 with the same event id, however the posts share group commits', async () => {
    const build = onKnownIssue(jenkinsPayload('build'));
    const other = (n: number) => ({
      builds: [
        {
          pipelineId: `other-${n}`,
          buildNumber: n,
          updateSequenceNumber: 1,
          displayName: `other #${n}`,
          url: `https://ci.example/other/${n}`,
          state: 'successful',
          lastUpdated: b.t.clock.now().toISOString(),
          issueKeys: ['TB-1'],
        },
      ],
    });
    // A client resending after a dropped connection, alongside other clients; then again later.
    const responses = await Promise.all([
      ...Array.from({ length: 6 }, () => b.postJira('builds', build)),
      ...Array.from({ length: 4 }, (_, n) => b.postJira('builds', other(n))),
    ]);
    expect(responses.map((res) => res.status)).toEqual(Array(10).fill(202));
    const ids = await Promise.all(responses.map((res) => b.eventIds(res)));
    const same = new Set(ids.slice(0, 6).map((events) => events[0]));
    expect(same.size).toBe(1);
    const [later] = await b.eventIds(await b.postJira('builds', build));
    expect(later).toBe([...same][0]);
    const report = await b.drain();
    expect(report).toMatchObject({ claimed: 5, delivered: 5 });
  });
});
