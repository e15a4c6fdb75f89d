import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.ts';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: createLogger({ level: 'info' }, stream) };
}

describe('the logger', () => {
  it('writes one JSON line per call with an ISO time that follows the clock', async () => {
    const { lines, logger } = capture();
    const before = Date.now();
    logger.info({ route: '/x' }, 'first');
    await new Promise((resolve) => setTimeout(resolve, 5));
    logger.info({ route: '/y' }, 'second');
    const after = Date.now();
    expect(lines.map((l) => l.msg)).toEqual(['first', 'second']);
    const times = lines.map((l) => Date.parse(String(l.time)));
    for (const time of times) {
      expect(time).toBeGreaterThanOrEqual(before);
      expect(time).toBeLessThanOrEqual(after);
    }
    expect(times[1]).toBeGreaterThan(times[0] ?? 0);
    expect(lines[0]).toMatchObject({ level: 'info', name: 'testbridge', route: '/x' });
    expect(String(lines[0]?.time)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('redacts secrets by key', () => {
    const { lines, logger } = capture();
    logger.info({ headers: { authorization: 'Bearer tbat_x' }, client_secret: 's3' }, 'call');
    const text = JSON.stringify(lines);
    expect(text).not.toContain('tbat_x');
    expect(text).not.toContain('s3');
    expect(text).toContain('[redacted]');
  });
});
