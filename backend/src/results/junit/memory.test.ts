import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../http/errors.ts';
import { readJUnitReport } from './junit-reader.ts';
import { collect, generatedReport, textSource } from './testing.ts';

const MiB = 1024 * 1024;
const options = { fileName: 'big.xml', field: 'files[0]' };

/**
 * Memory, not time: these stream tens of megabytes through the reader and check what it holds.
 * Each chunk of the generated input is made on demand, so the input itself is never in memory.
 */
// saxes reads ~10-40 MB/s on this 2-core VM depending on load: generous timeouts, no timing checks.
describe('bounded memory', { timeout: 60_000 }, () => {
  it('refuses a 60 MB report at a lowered size limit, and stops reading it there', async () => {
    const counter = { bytes: 0, stopped: false };
    const source = generatedReport({ cases: 27_000, outputChars: 2000, failEvery: 20 }, counter);
    let cases = 0;
    const error = await (async () => {
      for await (const _ of readJUnitReport(source, {
        ...options,
        limits: { maxBytes: 8 * MiB },
      })) {
        cases += 1;
      }
    })().catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).invalidFields).toEqual([
      { field: 'files[0]', message: 'big.xml: is over the 8 MiB limit' },
    ]);
    expect(cases).toBeGreaterThan(3000);
    expect(counter.stopped).toBe(true);
    // Read up to the limit and one chunk more, out of about 60 MB.
    expect(counter.bytes).toBeLessThan(8 * MiB + 128 * 1024);
  });

  it('streams a 50 MB report with memory growth well under its size', async () => {
    const counter = { bytes: 0, stopped: false };
    const source = generatedReport({ cases: 23_500, outputChars: 2000, failEvery: 20 }, counter);
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    let cases = 0;
    let failed = 0;
    for await (const test of readJUnitReport(source, options)) {
      cases += 1;
      if (test.status === 'failed') failed += 1;
      if (cases % 500 === 0) peak = Math.max(peak, process.memoryUsage().rss);
    }
    expect(counter.bytes).toBeGreaterThan(50 * 1000 * 1000);
    expect(cases).toBe(23_500);
    expect(failed).toBe(1175);
    expect(peak - baseline).toBeLessThan(100 * MiB);
  });

  it('refuses a gzip bomb sent in one chunk without inflating it whole', async () => {
    const inflated = 64 * MiB;
    const bomb = gzipSync(
      Buffer.concat([Buffer.from('<testsuite>'), Buffer.alloc(inflated, 0x20)]),
      {
        level: 9,
      },
    );
    expect(bomb.length).toBeLessThan(inflated / 500);
    const before = process.memoryUsage().arrayBuffers;
    let peak = before;
    async function* oneChunk(): AsyncGenerator<Uint8Array> {
      yield bomb;
    }
    const error = await (async () => {
      for await (const _ of readJUnitReport(oneChunk(), {
        ...options,
        limits: { maxBytes: 4 * MiB },
      })) {
        peak = Math.max(peak, process.memoryUsage().arrayBuffers);
      }
    })().catch((thrown: unknown) => thrown);
    peak = Math.max(peak, process.memoryUsage().arrayBuffers);
    expect((error as AppError).message).toBe('big.xml: is over the 4 MiB limit');
    expect(peak - before).toBeLessThan(32 * MiB);
    expect(await collect(readJUnitReport(textSource('<testsuite/>'), options))).toEqual([]);
  });
});
