import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drainOutbox } from '../outbox/forwarder.ts';
import { listOutboxItems } from '../outbox/service.ts';
import { STORE_KINDS } from '../testing/index.ts';
import { createCoveragePropertySender } from './coverage-property-sender.ts';
import { createRemoteLinkSender } from './remote-link-sender.ts';
import { COVERAGE_PROPERTY_KIND, REMOTE_LINK_KIND } from './remote-links.ts';
import { type Case, createResultsTestbed } from './testing.ts';

describe.each(STORE_KINDS)('remote links on requirements on %s', (kind) => {
  let bed: Awaited<ReturnType<typeof createResultsTestbed>>;
  const site = () => {
    const acme = bed.sim.world.sites.get('acme');
    if (!acme) throw new Error('no acme site');
    return acme;
  };
  const drain = () =>
    drainOutbox(
      bed.t.deps,
      [createRemoteLinkSender(bed.t.deps), createCoveragePropertySender(bed.t.deps)],
      { random: () => 0.5 },
    );
  const pending = async (kind: string = REMOTE_LINK_KIND) =>
    (
      await listOutboxItems(bed.t.deps, {
        kind,
        target: bed.connection.id,
        status: 'pending',
        limit: 100_000,
      })
    ).length;
  /** Testbridge's remote links on an issue: title by globalId. */
  const linksOn = (key: string) => {
    const issueId = site().issueKeys.get(key);
    return Object.fromEntries(
      [...site().remoteLinks.values()]
        .filter((link) => link.issueId === issueId && link.globalId?.startsWith('testbridge:test:'))
        .map((link) => [link.globalId ?? '', String((link.object as { title?: unknown }).title)]),
    );
  };
  /** The coverage property Testbridge keeps on an issue (what JQL searches). */
  const propertyOn = (key: string) =>
    site()
      .issueProperties.get(site().issueKeys.get(key) ?? '')
      ?.get('testbridge-coverage');
  const checkout = (status: string): Case => ({
    name: 'checkout charges the card',
    status,
    requirements: ['TB-5', 'TB-6'],
  });
  const login = (status: string): Case => ({ name: 'logs in', status, requirements: ['TB-5'] });

  beforeAll(async () => {
    bed = await createResultsTestbed(kind);
  });
  afterAll(async () => bed.t.cleanup());

  it('puts one remote link per test on each requirement and the coverage property on the issue, updated in place', async () => {
    const run = await bed.createRun(bed.tool);
    await bed.uploadOk(bed.tool, run.id, [checkout('failed'), login('passed')]);
    expect(await pending()).toBe(3);
    // A second file and a second run before delivery: still one pending update per issue and test.
    await bed.uploadOk(bed.tool, run.id, [checkout('failed')]);
    const rerun = await bed.createRun(bed.tool);
    await bed.uploadOk(bed.tool, rerun.id, [checkout('passed'), login('passed')]);
    expect(await pending()).toBe(3);
    expect(await pending(COVERAGE_PROPERTY_KIND)).toBe(2);

    await drain();
    expect(propertyOn('TB-5')).toMatchObject({ status: 'OK', total: 2, passed: 2, failed: 0 });
    expect(await pending()).toBe(0);
    expect(Object.values(linksOn('TB-5')).sort()).toEqual([
      'checkout charges the card: PASSED',
      'logs in: PASSED',
    ]);
    expect(Object.values(linksOn('TB-6'))).toEqual(['checkout charges the card: PASSED']);

    const third = await bed.createRun(bed.tool);
    await bed.uploadOk(bed.tool, third.id, [checkout('failed')]);
    expect(await pending()).toBe(2);
    expect(await pending(COVERAGE_PROPERTY_KIND)).toBe(2);
    await drain();
    expect(propertyOn('TB-5')).toMatchObject({ status: 'NOK', total: 2, failed: 1 });
    expect(propertyOn('TB-6')).toMatchObject({ status: 'NOK', total: 1, failed: 1 });
    expect(Object.values(linksOn('TB-5')).sort()).toEqual([
      'checkout charges the card: FAILED',
      'logs in: PASSED',
    ]);
    expect(Object.keys(linksOn('TB-6'))).toHaveLength(1);
  });

  it('leaves at most one pending update per issue and test for a run of two hundred tests, across files', async () => {
    const tests = Array.from({ length: 200 }, (_, i) => ({
      name: `case ${i}`,
      classname: 'bulk.Suite',
      status: i % 7 === 0 ? 'failed' : 'passed',
      requirements: ['TB-7'],
    }));
    const run = await bed.createRun(bed.tool);
    await bed.uploadOk(bed.tool, run.id, tests);
    await bed.uploadOk(bed.tool, run.id, tests.slice(0, 100));
    expect(await pending()).toBe(200);
    await drain();
    expect(await pending()).toBe(0);
    const links = Object.values(linksOn('TB-7'));
    expect(links).toHaveLength(200);
    expect(links.filter((title) => title.endsWith(': FAILED'))).toHaveLength(29);
  });

  it('removes the remote link from a requirement a test no longer names, and recomputes that issue', async () => {
    const search = (requirements: string[]): Case => ({
      name: 'searches the catalogue',
      status: 'passed',
      requirements,
    });
    const run = await bed.createRun(bed.tool);
    await bed.uploadOk(bed.tool, run.id, [search(['TB-9', 'TB-10'])]);
    await drain();
    expect(Object.values(linksOn('TB-10'))).toEqual(['searches the catalogue: PASSED']);
    expect(propertyOn('TB-10')).toMatchObject({ status: 'OK', total: 1 });

    const next = await bed.createRun(bed.tool);
    await bed.uploadOk(bed.tool, next.id, [search(['TB-9'])]);
    expect(await pending()).toBe(2);
    await drain();
    expect(await pending()).toBe(0);
    expect(linksOn('TB-10')).toEqual({});
    expect(propertyOn('TB-10')).toMatchObject({ status: 'UNCOVERED', total: 0 });
    expect(Object.values(linksOn('TB-9'))).toEqual(['searches the catalogue: PASSED']);
    // The panel agrees: TB-10 has no tests any more.
    const tb10 = await bed.coverage('TB-10');
    expect(tb10.coverage).toBe('UNCOVERED');
  });

  it('waits out a 429 storm and loses nothing', async () => {
    const run = await bed.createRun(bed.tool);
    await bed.uploadOk(bed.tool, run.id, [
      { name: 'pays by invoice', status: 'passed', requirements: ['TB-8'] },
      { name: 'pays by card', status: 'failed', requirements: ['TB-8'] },
    ]);
    bed.sim.addFault({
      kind: 'rate-limit',
      path: '/cloud/acme/rest/api/3/issue/*/remotelink',
      retryAfterSeconds: 30,
      times: 20,
    });
    await drain();
    expect(Object.keys(linksOn('TB-8'))).toHaveLength(0);
    expect(await pending()).toBe(2);
    for (let round = 0; round < 10 && (await pending()) > 0; round++) {
      bed.advance(60_000);
      await drain();
    }
    expect(Object.values(linksOn('TB-8')).sort()).toEqual([
      'pays by card: FAILED',
      'pays by invoice: PASSED',
    ]);
  });
});
