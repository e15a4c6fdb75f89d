import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../http/errors.ts';
import { jsonErrorPosition, readJsonReport } from './json-reader.ts';
import { readJUnitReport } from './junit-reader.ts';
import { readReport } from './read-report.ts';
import { chunksOf, collect, textSource } from './testing.ts';

const file = { fileName: 'report.json', field: 'files[1]' };

async function failure(run: () => Promise<unknown>): Promise<AppError> {
  const error = await run().then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

const report = {
  format: 'testbridge/v1',
  tests: [
    {
      key: 'SHOP-T1',
      name: '  checks out  ',
      classname: 'shop.Checkout',
      status: 'failed',
      durationMs: 12.5,
      message: 'card declined',
      requirements: ['SHOP-1'],
      attempts: 2,
    },
    { name: 'lists products', status: 'passed', flaky: true, properties: { browser: 'firefox' } },
  ],
};

describe('readJsonReport', () => {
  it('yields the tests of a valid report, as the shared schema reads them', async () => {
    expect(await collect(readJsonReport(JSON.stringify(report), file))).toEqual([
      { ...report.tests[0], name: 'checks out' },
      report.tests[1],
    ]);
    const gzipped = gzipSync(`\uFEFF${JSON.stringify(report)}`);
    expect(await collect(readJsonReport(chunksOf(gzipped, 5), file))).toHaveLength(2);
  });

  it('names each invalid test field under the upload field', async () => {
    const bad = {
      format: 'testbridge/v1',
      tests: [
        report.tests[0],
        { name: 'x', status: 'broken' },
        { name: '', status: 'passed', requirements: ['not a key'], extra: 1 },
      ],
    };
    const error = await failure(() => collect(readJsonReport(JSON.stringify(bad), file)));
    expect(error.code).toBe('validation_failed');
    expect(error.invalidFields?.map((f) => f.field)).toEqual([
      'files[1].tests[1].status',
      'files[1].tests[2].name',
      'files[1].tests[2].requirements[0]',
      'files[1].tests[2].extra',
    ]);
    expect(error.invalidFields?.[2]?.message).toBe('must be an issue key such as PROJ-123');
    expect(error.message).toBe(
      'report.json: invalid files[1].tests[1].status, files[1].tests[2].name, files[1].tests[2].requirements[0], files[1].tests[2].extra',
    );
  });

  it('lists at most 100 invalid fields of a report full of bad rows', async () => {
    const bad = {
      format: 'testbridge/v1',
      tests: Array.from({ length: 150 }, () => ({ name: 'x' })),
    };
    const error = await failure(() => collect(readJsonReport(JSON.stringify(bad), file)));
    expect(error.invalidFields).toHaveLength(100);
    expect(error.message).toMatch(/, … and 50 more$/);
  });

  it('refuses text that is not JSON, and a report over the size limit', async () => {
    const error = await failure(() => collect(readJsonReport('{"format": ', file)));
    expect(error.invalidFields).toEqual([{ field: 'files[1]', message: error.message }]);
    expect(error.message).toMatch(/^report\.json line 1, column 12: is not valid JSON \(.+\)$/);
    const big = await failure(() =>
      collect(readJsonReport(JSON.stringify(report), { ...file, limits: { maxBytes: 100 } })),
    );
    expect(big.message).toBe('report.json: is over the 100 bytes limit');
  });
});

describe('readReport', () => {
  const xml = readFileSync(new URL('./fixtures/pytest.xml', import.meta.url));
  const junitOptions = { fileName: 'pytest.xml', field: 'files[0]' };

  it('reads application/xml and text/xml as JUnit, raw or gzip by encoding or by magic bytes', async () => {
    const expected = await collect(readJUnitReport(chunksOf(xml, xml.length), junitOptions));
    const read = (bytes: Uint8Array, contentType: string, contentEncoding?: string) =>
      collect(readReport(chunksOf(bytes, 100), { ...junitOptions, contentType, contentEncoding }));
    expect(await read(xml, 'application/xml')).toEqual(expected);
    expect(await read(xml, 'text/xml; charset=UTF-8')).toEqual(expected);
    expect(await read(gzipSync(xml), 'application/xml', 'gzip')).toEqual(expected);
    expect(await read(gzipSync(xml), 'text/xml')).toEqual(expected);
  });

  it('reads application/json as the JSON report', async () => {
    const tests = await collect(
      readReport(textSource(JSON.stringify(report)), {
        ...file,
        contentType: 'application/json',
        contentEncoding: undefined,
      }),
    );
    expect(tests.map((test) => test.name)).toEqual(['checks out', 'lists products']);
  });

  it('refuses other media types and encodings before reading anything', () => {
    const untouched = textSource('<testsuite/>');
    const call = (contentType: string | undefined, contentEncoding?: string) => () =>
      readReport(untouched, { ...junitOptions, contentType, contentEncoding });
    for (const [type, encoding, message] of [
      [
        'text/plain',
        undefined,
        'pytest.xml: text/plain is not accepted; send application/xml, text/xml, application/json',
      ],
      [
        undefined,
        undefined,
        'pytest.xml: a report without a Content-Type is not accepted; send application/xml, text/xml, application/json',
      ],
      [
        'application/xml',
        'br',
        'pytest.xml: Content-Encoding br is not supported; send gzip or no encoding',
      ],
    ] as const) {
      expect(call(type, encoding)).toThrow(
        expect.objectContaining({ code: 'unsupported_media_type', message }),
      );
    }
  });

  it('refuses a body sent as gzip that is not', async () => {
    const error = await failure(() =>
      collect(
        readReport(chunksOf(xml, 50), {
          ...junitOptions,
          contentType: 'application/xml',
          contentEncoding: 'gzip',
        }),
      ),
    );
    expect(error.invalidFields).toEqual([
      {
        field: 'files[0]',
        message: 'pytest.xml: is sent as Content-Encoding gzip but is not gzip',
      },
    ]);
  });
});

describe('JSON error positions', () => {
  it('names the line and column of bad JSON: from V8’s position, its quoted window, or the end', () => {
    const at = (text: string) => {
      try {
        JSON.parse(text);
      } catch (error) {
        return jsonErrorPosition(text, (error as Error).message);
      }
      throw new Error('parsed');
    };
    expect(at('{\n "format": "testbridge/v1",\n "tests": [\n  oops')).toEqual({
      line: 4,
      column: 3,
    });
    expect(at('{\n "a": 1,\n "b" 2\n}')).toMatchObject({ line: 3 });
    expect(at('{\n "a":')).toEqual({ line: 2, column: 6 });
    expect(at(`{"tests": [${'1, '.repeat(30)}\n  ]x`)).toMatchObject({ line: 2 });
  });
});
