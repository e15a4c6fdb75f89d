/** Sources and sinks for the readers' tests (Node 20 has no `Array.fromAsync`). */

/** Every value of an async iterable, in order. */
export async function collect<T>(values: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const value of values) all.push(value);
  return all;
}

/** The bytes in chunks of `size`, so tokens and UTF-8 sequences straddle chunks. */
export async function* chunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

/** A UTF-8 source of these strings, one chunk each. */
export async function* textSource(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield Buffer.from(part, 'utf8');
}

/** What `generatedReport` writes: `cases` Surefire-style cases, every `failEvery`-th failing. */
export interface GeneratedReport {
  cases: number;
  outputChars: number;
  failEvery: number;
}

/**
 * A large Surefire-style report made on the fly in ~64 KiB chunks, never held whole: for memory
 * tests. `counter.bytes` says how much of it has been read.
 */
export function generatedReport(
  shape: GeneratedReport,
  counter: { bytes: number; stopped: boolean } = { bytes: 0, stopped: false },
): AsyncGenerator<Uint8Array> {
  const output =
    `${'log line: all systems nominal '.repeat(Math.ceil(shape.outputChars / 30))}`.slice(
      0,
      shape.outputChars,
    );
  const stack = Array.from(
    { length: 20 },
    (_, i) => `\tat com.acme.generated.Layer${i}.call(Layer${i}.java:${i + 10})`,
  ).join('\n');
  const testcase = (i: number) =>
    `<testcase name="case${i}" classname="com.acme.generated.Suite${i % 50}" time="0.012">` +
    (i % shape.failEvery === 0
      ? `<failure message="expected ${i}" type="java.lang.AssertionError"><![CDATA[java.lang.AssertionError: expected ${i}\n${stack}]]></failure>`
      : '') +
    `<system-out><![CDATA[${output}]]></system-out></testcase>\n`;
  async function* generate(): AsyncGenerator<Uint8Array> {
    let done = false;
    try {
      let chunk =
        '<?xml version="1.0" encoding="UTF-8"?>\n<testsuites>\n<testsuite name="generated">\n';
      for (let i = 0; i < shape.cases; i += 1) {
        chunk += testcase(i);
        if (chunk.length >= 64 * 1024) {
          counter.bytes += chunk.length;
          yield Buffer.from(chunk);
          chunk = '';
        }
      }
      chunk += '</testsuite>\n</testsuites>\n';
      counter.bytes += chunk.length;
      yield Buffer.from(chunk);
      done = true;
    } finally {
      if (!done) counter.stopped = true;
    }
  }
  return generate();
}
