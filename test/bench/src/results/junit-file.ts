/**
 * A generated Maven Surefire report for the import-throughput benchmark (testcases per second,
 * import against the parser alone on the same bytes). Deterministic: the same `cases` always
 * gives the same file, so runs compare.
 */

/** How many cases of each outcome `surefireReportFile` wrote, to check an import against. */
export interface SurefireFileCounts {
  cases: number;
  passed: number;
  failed: number;
  error: number;
  skipped: number;
  /** Passed after a `flakyFailure` (also counted in `passed`). */
  flaky: number;
}

const escapeXml = (text: string): string =>
  text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');

const stackOf = (i: number, depth: number): string =>
  Array.from(
    { length: depth },
    (_, frame) => `\tat com.acme.bench.Layer${frame}.call(Layer${frame}.java:${(i + frame) % 400})`,
  ).join('\n');

/**
 * One `<testsuite>` of `cases` test cases over 200 classes, as Surefire 3 writes it: every 20th
 * fails (a 25-frame stack, with output), every 97th errors, every 50th is skipped, every 33rd
 * flaked once, and every 10th carries a `requirements` property (`BENCH-1` … `BENCH-500`).
 */
export function surefireReportFile(cases: number): { bytes: Buffer; counts: SurefireFileCounts } {
  const counts: SurefireFileCounts = {
    cases,
    passed: 0,
    failed: 0,
    error: 0,
    skipped: 0,
    flaky: 0,
  };
  const parts: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>\n',
    '<testsuite xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" version="3.0" ',
    `name="com.acme.bench.GeneratedTest" time="${(cases * 0.0123).toFixed(3)}" tests="${cases}">\n`,
    '  <properties>\n    <property name="java.version" value="21.0.5"/>\n  </properties>\n',
  ];
  for (let i = 0; i < cases; i += 1) {
    const classname = `com.acme.bench.Feature${i % 200}Test`;
    const seconds = ((i * 37) % 5000) / 1000;
    const time =
      seconds >= 1
        ? seconds.toLocaleString('en-US', { minimumFractionDigits: 3 })
        : seconds.toFixed(3);
    const properties =
      i % 10 === 0
        ? `    <properties>\n      <property name="requirements" value="BENCH-${(i % 500) + 1}"/>\n    </properties>\n`
        : '';
    let body = '';
    if (i % 97 === 0) {
      counts.error += 1;
      const message = `Connection refused: db-${i % 7}:5432`;
      body = `    <error message="${escapeXml(message)}" type="java.net.ConnectException"><![CDATA[java.net.ConnectException: ${message}\n${stackOf(i, 12)}\n]]></error>\n`;
    } else if (i % 20 === 0) {
      counts.failed += 1;
      const message = `expected: <${i}> but was: <${i + 1}>`;
      body =
        `    <failure message="${escapeXml(message)}" type="org.opentest4j.AssertionFailedError"><![CDATA[org.opentest4j.AssertionFailedError: ${message}\n${stackOf(i, 25)}\n]]></failure>\n` +
        `    <system-out><![CDATA[request ${i}: 500 Internal Server Error\nretrying with backoff\n]]></system-out>\n`;
    } else if (i % 50 === 0) {
      counts.skipped += 1;
      body = '    <skipped message="disabled on CI"/>\n';
    } else if (i % 33 === 0) {
      counts.passed += 1;
      counts.flaky += 1;
      body = `    <flakyFailure message="timeout after 5000 ms" type="java.util.concurrent.TimeoutException">\n      <stackTrace><![CDATA[java.util.concurrent.TimeoutException: timeout after 5000 ms\n${stackOf(i, 8)}\n]]></stackTrace>\n    </flakyFailure>\n`;
    } else {
      counts.passed += 1;
    }
    const open = `  <testcase name="case${i}()" classname="${classname}" time="${time}"`;
    parts.push(
      properties || body ? `${open}>\n${properties}${body}  </testcase>\n` : `${open}/>\n`,
    );
  }
  parts.push('</testsuite>\n');
  return { bytes: Buffer.from(parts.join(''), 'utf8'), counts };
}
