import { REPORT_LIMITS } from '@testbridge/shared/api/test-report';
import { describe, expect, it } from 'vitest';
import { readJUnitReport } from './junit-reader.ts';
import { durationMsOf, truncate } from './test-case.ts';
import { collect, textSource } from './testing.ts';

const readCases = (body: string) =>
  collect(
    readJUnitReport(textSource(`<testsuite name="s">${body}</testsuite>`), {
      fileName: 'r.xml',
      field: 'file',
    }),
  );
const readOne = async (body: string) => (await readCases(body))[0];

describe('durations', () => {
  it('reads seconds, with Surefire thousands separators, into milliseconds', () => {
    expect(durationMsOf('0.012')).toBe(12);
    expect(durationMsOf('1,234.5')).toBe(1_234_500);
    expect(durationMsOf('12,345,678')).toBe(12_345_678_000);
    expect(durationMsOf(' 3 ')).toBe(3000);
    expect(durationMsOf('.5')).toBe(500);
    expect(durationMsOf('1e-3')).toBe(1);
    expect(durationMsOf('0.0001234')).toBe(0.123);
  });

  it('leaves out what is not a duration instead of refusing the report', () => {
    for (const bad of ['', 'n/a', '-1', '1,2', '1.2.3', 'NaN', 'Infinity', '1e400', '0,5']) {
      expect(durationMsOf(bad), bad).toBeUndefined();
    }
    expect(durationMsOf(undefined)).toBeUndefined();
  });
});

describe('text limits', () => {
  it('cuts long text with an ellipsis, never splitting a surrogate pair', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
    expect(truncate('ab😀cd', 4)).toBe('ab…');
  });

  it('keeps the top of a long stack, the first line as the message, and cuts output and names', async () => {
    const stack = Array.from({ length: 2000 }, (_, i) => `\tat frame${i}(F.java:${i})`).join('\n');
    const test = await readOne(
      `<testcase name="${'n'.repeat(1500)}" classname="c"><failure>\n\n  Boom: it broke\n${stack}</failure>` +
        `<system-out>${'o'.repeat(10_000)}</system-out></testcase>`,
    );
    expect(test?.name).toBe(`${'n'.repeat(REPORT_LIMITS.nameLength - 1)}…`);
    expect(test?.message).toBe('Boom: it broke');
    expect(test?.stack).toHaveLength(REPORT_LIMITS.stackLength);
    expect(test?.stack).toMatch(/^Boom: it broke\n\tat frame0\(F\.java:0\)\n/);
    expect(test?.stack?.endsWith('…')).toBe(true);
    expect(test?.output).toBe(`${'o'.repeat(REPORT_LIMITS.outputLength - 1)}…`);
  });

  it('keeps a long message attribute in part', async () => {
    const test = await readOne(
      `<testcase name="a"><error message="${'m'.repeat(5000)}"/></testcase>`,
    );
    expect(test?.message).toBe(`${'m'.repeat(REPORT_LIMITS.messageLength - 1)}…`);
    expect(test?.status).toBe('error');
  });
});

describe('statuses', () => {
  it('lets a failure or error outrank a skip, and the first of them stand', async () => {
    expect(
      await readCases(
        '<testcase name="a"><skipped message="later"/><failure message="broke"/></testcase>' +
          '<testcase name="b"><failure message="first"/><error message="teardown"/></testcase>' +
          '<testcase name="c"><error message="setup"/><skipped/></testcase>',
      ),
    ).toEqual([
      { name: 'a', suite: 's', status: 'failed', message: 'broke' },
      { name: 'b', suite: 's', status: 'failed', message: 'first' },
      { name: 'c', suite: 's', status: 'error', message: 'setup' },
    ]);
  });

  it('counts reruns without a first failure as failed every time', async () => {
    expect(
      await readOne(
        '<testcase name="a"><rerunError message="e1"/><rerunFailure message="f2"/></testcase>',
      ),
    ).toEqual({ name: 'a', suite: 's', status: 'error', attempts: 3 });
  });
});

describe('properties', () => {
  it('takes the key from testbridge.key over test_key, unites requirements and keeps the rest', async () => {
    const test = await readOne(
      '<testcase name="a"><properties>' +
        '<property name="test_key" value="XRAY-T1"/><property name="testbridge.key" value=" TB-9 "/>' +
        '<property name="requirements" value="A-1;B-2"/><property name="requirements">C-3\nA-1 lower-1</property>' +
        '<property name="attachment" value="a.png"/><property name="attachment" value="b.png"/>' +
        '<property name="notes">first line\nsecond line</property>' +
        `<property name="long key" value="${'k'.repeat(300)}"/>` +
        '</properties></testcase>',
    );
    expect(test).toEqual({
      name: 'a',
      suite: 's',
      status: 'passed',
      key: 'TB-9',
      requirements: ['A-1', 'B-2', 'C-3'],
      properties: {
        attachment: 'a.png\nb.png',
        notes: 'first line\nsecond line',
        'long key': 'k'.repeat(300),
      },
    });
  });

  it('keeps at most 100 properties and 100 requirements, and no key over 255 characters', async () => {
    const props = Array.from({ length: 120 }, (_, i) => `<property name="p${i}" value="${i}"/>`);
    const keys = Array.from({ length: 120 }, (_, i) => `R-${i + 1}`).join(',');
    const test = await readOne(
      `<testcase name="a"><properties>${props.join('')}<property name="requirements" value="${keys}"/>` +
        `<property name="test_key" value="${'K'.repeat(256)}"/></properties></testcase>`,
    );
    expect(Object.keys(test?.properties ?? {})).toHaveLength(100);
    expect(test?.requirements).toHaveLength(100);
    expect(test?.key).toBeUndefined();
  });

  it('ignores suite properties and properties nested elsewhere', async () => {
    expect(
      await readOne(
        '<properties><property name="requirements" value="S-1"/></properties>' +
          '<testcase name="a"><failure><properties><property name="x" value="y"/></properties></failure></testcase>',
      ),
    ).toEqual({ name: 'a', suite: 's', status: 'failed' });
  });
});
