import { gzipSync } from 'node:zlib';
import { REPORT_LIMITS } from '@testbridge/shared/api/test-report';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../http/errors.ts';
import { type JUnitLimits, readJUnitReport } from './junit-reader.ts';
import { chunksOf, collect, textSource } from './testing.ts';

const options = { fileName: 'TEST-Cart.xml', field: 'files[2]' };

/** What the reader refuses `source` with, checking the error's shape on the way. */
async function refusal(
  source: AsyncIterable<Uint8Array> | string,
  limits?: Partial<JUnitLimits>,
  code: 'validation_failed' | 'body_too_large' = 'validation_failed',
): Promise<string> {
  const input = typeof source === 'string' ? textSource(source) : source;
  const error = await collect(readJUnitReport(input, { ...options, limits })).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AppError);
  const appError = error as AppError;
  expect(appError.code).toBe(code);
  expect(appError.invalidFields).toEqual([{ field: 'files[2]', message: appError.message }]);
  return appError.message;
}

/** A source that counts the chunks read from it and whether it was told to stop. */
function countingSource(chunks: Iterable<string | Uint8Array>) {
  const state = { reads: 0, bytes: 0, stopped: false, finished: false };
  async function* source(): AsyncGenerator<Uint8Array> {
    try {
      for (const chunk of chunks) {
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        state.reads += 1;
        state.bytes += bytes.length;
        yield bytes;
      }
      state.finished = true;
    } finally {
      if (!state.finished) state.stopped = true;
    }
  }
  return { state, source: source() };
}

function* repeat(text: string, times: number): Generator<string> {
  for (let i = 0; i < times; i += 1) yield text;
}

const suite = (body: string) => `<testsuite name="s">${body}</testsuite>`;

describe('hostile input', () => {
  it('refuses any DOCTYPE before anything is expanded: XXE', async () => {
    const xxe =
      '<?xml version="1.0"?>\n<!DOCTYPE testsuite [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n' +
      '<testsuite><testcase name="&xxe;"/></testsuite>';
    expect(await refusal(xxe)).toBe(
      'TEST-Cart.xml line 2, column 1: a DOCTYPE is not allowed in test reports',
    );
  });

  it('refuses a billion-laughs DOCTYPE at its first bytes, without reading the rest', async () => {
    const entities = Array.from(
      { length: 9 },
      (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`,
    );
    const { state, source } = countingSource([
      '<?xml version="1.0"?>\n<!DOC',
      'TYPE lolz [<!ENTITY lol0 "lol">',
      ...entities,
      ...repeat('<!-- padding -->', 10_000),
      ']>\n<testsuite><testcase name="&lol9;"/></testsuite>',
    ]);
    expect(await refusal(source)).toBe(
      'TEST-Cart.xml line 2, column 1: a DOCTYPE is not allowed in test reports',
    );
    expect(state.reads).toBe(2);
    expect(state.stopped).toBe(true);
  });

  it('does not mistake "<!DOCTYPE" inside a comment or processing instruction for one', async () => {
    const xml = `<!-- <!DOCTYPE x> --><?note <!DOCTYPE?>${suite('<testcase name="a"/>')}`;
    expect(await collect(readJUnitReport(textSource(xml), options))).toEqual([
      { name: 'a', suite: 's', status: 'passed' },
    ]);
  });

  it('refuses an undefined entity with its line and column', async () => {
    expect(await refusal(suite('\n<testcase name="a&nbsp;b"/>'))).toBe(
      'TEST-Cart.xml line 2, column 23: undefined entity (only &lt; &gt; &amp; &quot; &apos; and character references are allowed)',
    );
  });

  it('refuses malformed XML with its line and column', async () => {
    expect(await refusal('<testsuite>\n<testcase name="a"><failure message="x"</testcase>')).toBe(
      'TEST-Cart.xml line 2, column 40: disallowed character in attribute name',
    );
    expect(await refusal('<testsuite><testcase name="a"></testsuite>')).toBe(
      'TEST-Cart.xml line 1, column 42: unexpected close tag',
    );
    expect(await refusal('<testsuite><testcase name="a" name="b"/></testsuite>')).toBe(
      'TEST-Cart.xml line 1, column 40: duplicate attribute: name',
    );
  });

  it('refuses a truncated file, after yielding the cases it completed', async () => {
    const cases: unknown[] = [];
    const truncated =
      '<testsuites>\n  <testsuite name="s">\n    <testcase name="a"/>\n    <testcase name="b">';
    const error = await (async () => {
      for await (const test of readJUnitReport(textSource(truncated), options)) cases.push(test);
    })().catch((thrown: AppError) => thrown.message);
    expect(cases).toEqual([{ name: 'a', suite: 's', status: 'passed' }]);
    expect(error).toBe(
      'TEST-Cart.xml line 4, column 23: unclosed tag: testcase (is the file truncated?)',
    );
    expect(await refusal('')).toBe(
      'TEST-Cart.xml line 1, column 1: document must contain a root element',
    );
  });

  it('refuses other roots, naming TRX and NUnit reports politely', async () => {
    const trx =
      '\uFEFF<?xml version="1.0" encoding="utf-8"?>\n<TestRun id="5c1f" xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">';
    expect(await refusal(trx)).toBe(
      'TEST-Cart.xml line 2, column 9: this is a .NET TRX report (<TestRun>), not JUnit XML; export the results as JUnit XML',
    );
    expect(await refusal('<test-run id="2" testcasecount="1">')).toBe(
      'TEST-Cart.xml line 1, column 10: this is an NUnit 3 report (<test-run>), not JUnit XML; export the results as JUnit XML',
    );
    expect(await refusal(`<${'x'.repeat(5000)}/>`)).toBe(
      `TEST-Cart.xml line 1, column 5002: the root element is <${'x'.repeat(99)}…>, not <testsuites> or <testsuite> (JUnit XML)`,
    );
    expect(await refusal('<html><body/></html>')).toBe(
      'TEST-Cart.xml line 1, column 6: the root element is <html>, not <testsuites> or <testsuite> (JUnit XML)',
    );
  });

  it('refuses elements nested deeper than 64 levels, and reads 64', async () => {
    const nested = (depth: number) =>
      `${'<testsuite>'.repeat(depth - 1)}<testcase name="deep"/>${'</testsuite>'.repeat(depth - 1)}`;
    expect(await collect(readJUnitReport(textSource(nested(64)), options))).toEqual([
      { name: 'deep', status: 'passed' },
    ]);
    expect(await refusal(nested(65))).toMatch(
      /^TEST-Cart\.xml line 1, column \d+: elements are nested deeper than 64 levels$/,
    );
  });

  it('refuses more than 64 attributes on one element, and reads 64', async () => {
    const attributes = (count: number) =>
      Array.from({ length: count - 1 }, (_, i) => ` a${i}="${i}"`).join('');
    const xml = (count: number) => suite(`<testcase name="a"${attributes(count)}/>`);
    expect(await collect(readJUnitReport(textSource(xml(64)), options))).toHaveLength(1);
    expect(await refusal(xml(65))).toMatch(
      /^TEST-Cart\.xml line 1, column \d+: an element has more than 64 attributes$/,
    );
  });

  it('refuses an attribute value over 64 KiB, and keeps one of 64 KiB cut to the message limit', async () => {
    const message = (length: number) =>
      suite(`<testcase name="a"><failure message="${'m'.repeat(length)}"/></testcase>`);
    const [test] = await collect(readJUnitReport(textSource(message(64 * 1024)), options));
    expect(test?.message).toBe(`${'m'.repeat(REPORT_LIMITS.messageLength - 1)}…`);
    expect(await refusal(message(64 * 1024 + 1))).toMatch(
      /^TEST-Cart\.xml line 1, column \d+: the attribute message is longer than 65536 characters$/,
    );
  });

  it(`refuses more than ${REPORT_LIMITS.casesPerReport} cases, after yielding that many`, async () => {
    let yielded = 0;
    const { source } = countingSource([
      '<testsuite name="s">',
      ...repeat('<testcase name="t"/>'.repeat(1000), REPORT_LIMITS.casesPerReport / 1000 + 1),
      '</testsuite>',
    ]);
    const error = await (async () => {
      for await (const _ of readJUnitReport(source, options)) yielded += 1;
    })().catch((thrown: AppError) => thrown.message);
    expect(yielded).toBe(REPORT_LIMITS.casesPerReport);
    expect(error).toMatch(
      /^TEST-Cart\.xml line 1, column \d+: the report has more than 200000 test cases$/,
    );
  }, 60_000);

  it('yields the cases completed in the same chunk before an error', async () => {
    const cases: unknown[] = [];
    const xml = suite(
      '<testcase name="a"/><testcase name="b"/><testcase name="c">&bad;</testcase>',
    );
    const error = await (async () => {
      for await (const test of readJUnitReport(textSource(xml), options)) cases.push(test);
    })().catch((thrown: AppError) => thrown.code);
    expect(error).toBe('validation_failed');
    expect(cases).toEqual([
      { name: 'a', suite: 's', status: 'passed' },
      { name: 'b', suite: 's', status: 'passed' },
    ]);
  });

  it('refuses a testcase without a name', async () => {
    expect(await refusal(suite('<testcase classname="x" name="  "/>'))).toBe(
      'TEST-Cart.xml line 1, column 55: a <testcase> has no name',
    );
  });

  it('refuses input over the size limit, raw or once decompressed', async () => {
    const big = suite(
      `<testcase name="a"><system-out>${'x'.repeat(2 * 1024 * 1024)}</system-out></testcase>`,
    );
    expect(await refusal(big, { maxBytes: 1024 * 1024 }, 'body_too_large')).toBe(
      'TEST-Cart.xml: is over the 1 MiB limit',
    );
    const gzipped = gzipSync(big);
    expect(gzipped.length).toBeLessThan(64 * 1024);
    expect(
      await refusal(chunksOf(gzipped, 1000), { maxBytes: 1024 * 1024 }, 'body_too_large'),
    ).toBe('TEST-Cart.xml: is over the 1 MiB limit');
    expect(await collect(readJUnitReport(chunksOf(gzipped, 1000), options))).toHaveLength(1);
  });

  it('refuses corrupt and truncated gzip', async () => {
    const gzipped = gzipSync(suite('<testcase name="a"/>'.repeat(100)));
    const corrupt = Buffer.from(gzipped);
    corrupt.fill(0x55, 10, 30);
    expect(await refusal(chunksOf(corrupt, 16))).toBe(
      'TEST-Cart.xml: is not valid gzip (corrupt or truncated)',
    );
    expect(await refusal(chunksOf(gzipped.subarray(0, gzipped.length - 12), 16))).toBe(
      'TEST-Cart.xml: is not valid gzip (corrupt or truncated)',
    );
  });

  it('refuses invalid UTF-8, and decodes a character split across chunks', async () => {
    const bytes = Buffer.from(suite('\n<testcase name="caf\u00e9 \u{1F600}"/>'));
    expect(await collect(readJUnitReport(chunksOf(bytes, 1), options))).toEqual([
      { name: 'café 😀', suite: 's', status: 'passed' },
    ]);
    const broken = Buffer.concat([
      Buffer.from('<testsuite>\n<testcase name="caf'),
      Buffer.from([0xff]),
      Buffer.from('"/></testsuite>'),
    ]);
    expect(await refusal(chunksOf(broken, 4))).toMatch(
      /^TEST-Cart\.xml line 2, column 1\d: has bytes that are not UTF-8 after this point \(reports are read as UTF-8\)$/,
    );
  });
});

describe('stopping early', () => {
  const many = () => repeat(`<testcase name="t"/>`.repeat(100), 10_000);

  it('stops reading a raw source when the consumer returns', async () => {
    const { state, source } = countingSource(['<testsuite>', ...many()]);
    for await (const _ of readJUnitReport(source, options)) break;
    expect(state.stopped).toBe(true);
    expect(state.reads).toBeLessThan(5);
  });

  it('stops reading a gzip source when the consumer returns', async () => {
    const gzipped = gzipSync(Buffer.from(`<testsuite>${[...many()].join('')}</testsuite>`));
    const chunks: Uint8Array[] = [];
    for (let at = 0; at < gzipped.length; at += 1024) chunks.push(gzipped.subarray(at, at + 1024));
    const { state, source } = countingSource(chunks);
    for await (const _ of readJUnitReport(source, options)) break;
    expect(chunks.length).toBeGreaterThan(20);
    expect(state.stopped).toBe(true);
    expect(state.reads).toBeLessThan(5);
  });
});
