import { gzipSync } from 'node:zlib';
import { Problem } from '@testbridge/shared';
import { ResultsImported } from '@testbridge/shared/api/results';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STORE_KINDS } from '../testing/index.ts';
import { createResultsTestbed } from './testing.ts';

const xml = { 'content-type': 'application/xml' };
/** A Maven Surefire report whose tests cover TB-11 and TB-12 (a requirement property, a tag). */
const surefire = `<?xml version="1.0" encoding="UTF-8"?>
<testsuite name="com.acme.CartTest" tests="3" failures="1" time="1,204.5">
  <testcase name="adds an item [TB-11]" classname="com.acme.CartTest" time="0.012"/>
  <testcase name="applies discount" classname="com.acme.CartTest" time="0.4">
    <properties><property name="requirements" value="TB-11,TB-12"/></properties>
    <flakyFailure message="expected 90 but was 100" type="AssertionFailedError">
      <stackTrace>AssertionFailedError: expected 90 but was 100</stackTrace>
    </flakyFailure>
  </testcase>
  <testcase name="computes shipping" classname="com.acme.CartTest" time="0.2">
    <properties><property name="test_key" value="CART-T3"/><property name="requirements" value="TB-12"/></properties>
    <failure message="expected 4.99 but was 5.99" type="AssertionFailedError">at CartTest.java:57</failure>
  </testcase>
</testsuite>`;

/** A body streamed in chunks, never held whole (like a CI uploading a large file). */
function streamOf(parts: () => Generator<string>): ReadableStream<Uint8Array> {
  const iterator = parts();
  const encoder = new TextEncoder();
  return new ReadableStream({
    pull(controller) {
      const next = iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
  });
}

describe.each(STORE_KINDS)('JUnit XML uploads on %s', (kind) => {
  let bed: Awaited<ReturnType<typeof createResultsTestbed>>;
  beforeAll(async () => {
    bed = await createResultsTestbed(kind, { RESULTS_UPLOAD_LIMIT_BYTES: String(8 * 1024 * 1024) });
  });
  afterAll(async () => bed.t.cleanup());

  const post = (
    headers: Record<string, string>,
    runId: string,
    body: string | Uint8Array | ReadableStream<Uint8Array>,
    name = 'TEST-Cart.xml',
  ) =>
    bed.t.app.request(`/api/v1/test-runs/${runId}/results?fileName=${name}`, {
      method: 'POST',
      headers: { ...headers, ...xml },
      body,
      // A streamed body needs this in Node's fetch Request.
      ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
    } as RequestInit);

  it('imports a Surefire report from a tool key and, gzipped, from CI credentials as the same tests', async () => {
    const run = await bed.createRun(bed.tool);
    const res = await post(bed.tool, run.id, surefire);
    expect(res.status, await res.clone().text()).toBe(200);
    const imported = ResultsImported.parse(await res.json());
    expect(imported.run.counts).toMatchObject({ total: 3, passed: 2, failed: 1, flaky: 1 });

    const ci = { authorization: bed.ciAuth.authorization };
    const ciRun = await bed.createRun(ci);
    const zipped = await post({ ...ci, 'content-encoding': 'gzip' }, ciRun.id, gzipSync(surefire));
    expect(zipped.status, await zipped.clone().text()).toBe(200);

    const tb11 = await bed.coverage('TB-11');
    expect(tb11.tests.map((t) => t.name).sort()).toEqual([
      'adds an item [TB-11]',
      'applies discount',
    ]);
    expect(tb11.tests.every((t) => t.history.length === 2)).toBe(true);
    const tb12 = await bed.coverage('TB-12');
    expect(tb12.coverage).toBe('NOK');
    expect(tb12.tests.find((t) => t.key === 'CART-T3')?.latest?.status).toBe('failed');
  });

  it('refuses a DOCTYPE, an entity bomb and a truncated file, naming the file and line, writing nothing', async () => {
    const run = await bed.createRun(bed.tool);
    const bomb = `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;">]>
<testsuite name="x"><testcase name="&lol2;"/></testsuite>`;
    const xxe = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/hostname">]><testsuite name="&x;"/>`;
    const truncated = surefire.slice(0, surefire.indexOf('<testcase name="computes'));
    for (const [body, says] of [
      [bomb, 'DOCTYPE'],
      [xxe, 'DOCTYPE'],
      [truncated, 'TEST-Cart.xml line'],
    ] as const) {
      const res = await post(bed.tool, run.id, body);
      expect(res.status, await res.clone().text()).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      const problem = Problem.parse(await res.json());
      expect(problem.invalidFields?.[0]?.field).toBe('body');
      expect(problem.detail).toContain(says);
    }
    const after = await bed.t.app.request(`/api/v1/test-runs/${run.id}`, { headers: bed.tool });
    expect(ResultsImported.shape.run.parse(await after.json()).counts.total).toBe(0);
  });

  it('refuses a report over the limit while it streams, without reading it all', async () => {
    const run = await bed.createRun(bed.tool);
    let sent = 0;
    const huge = streamOf(function* () {
      yield '<testsuite name="big">';
      // 60 MB of test cases, produced as they are read.
      for (let i = 0; i < 600_000; i++) {
        const part = `<testcase name="case ${i}" classname="big.Suite" time="0.001">${'x'.repeat(60)}</testcase>`;
        sent += part.length;
        yield part;
      }
      yield '</testsuite>';
    });
    const res = await post(bed.tool, run.id, huge, 'huge.xml');
    expect(res.status, await res.clone().text()).toBe(413);
    expect(Problem.parse(await res.json()).code).toBe('body_too_large');
    expect(sent).toBeLessThan(16 * 1024 * 1024);
  });
});
