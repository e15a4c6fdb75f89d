import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { batchLines, createLogger, writeAccessLine } from './logger.ts';

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

describe('batched log lines', () => {
  function sink() {
    const chunks: string[] = [];
    let flushed = 0;
    let flushedSync = 0;
    return {
      chunks,
      flushes: () => ({ flushed, flushedSync }),
      write: (chunk: string) => chunks.push(chunk),
      flush: (callback?: () => void) => {
        flushed += 1;
        callback?.();
      },
      flushSync: () => {
        flushedSync += 1;
      },
    };
  }

  it('hands lines on in whole chunks, in order, once a chunk is full', () => {
    const target = sink();
    const batch = batchLines(target, 10);
    batch.write('aaaa\n');
    batch.write('bbbb\n');
    expect(target.chunks).toEqual(['aaaa\nbbbb\n']);
    batch.write('cc\n');
    expect(target.chunks).toHaveLength(1);
    batch.write('a line longer than the chunk\n');
    expect(target.chunks).toEqual(['aaaa\nbbbb\n', 'cc\na line longer than the chunk\n']);
  });

  it('hands on what it holds at flush and flushSync, then flushes the sink', () => {
    const target = sink();
    const batch = batchLines(target, 4096);
    batch.write('one\n');
    const done: string[] = [];
    batch.flush(() => done.push('flushed'));
    expect(target.chunks).toEqual(['one\n']);
    expect(done).toEqual(['flushed']);
    batch.write('two\n');
    batch.flushSync();
    expect(target.chunks).toEqual(['one\n', 'two\n']);
    expect(target.flushes()).toEqual({ flushed: 1, flushedSync: 1 });
    batch.flushSync();
    expect(target.chunks).toHaveLength(2);
  });

  it('keeps every field of a pino line through the batch', () => {
    const target = sink();
    const logger = createLogger({ level: 'info' }, batchLines(target, 4096));
    logger.info({ route: '/x', password: 'hunter2' }, 'held');
    expect(target.chunks).toEqual([]);
    logger.flush();
    const line = JSON.parse(target.chunks.join(''));
    expect(line).toMatchObject({ level: 'info', msg: 'held', route: '/x', password: '[redacted]' });
  });
});

describe('the access line', () => {
  const fields = {
    requestId: 'ci-run-42',
    method: 'POST',
    path: '/jira/builds/0.1/cloud/a"b\\c\u2028/bulk',
    route: '/jira/builds/0.1/cloud/:cloudId/bulk',
    status: 202,
    ms: 1.3,
  };

  it('is the line pino writes for the same fields, key for key and in order', () => {
    const raw: string[] = [];
    const logger = createLogger({ level: 'info' }, { write: (line: string) => raw.push(line) });
    writeAccessLine(logger, fields);
    logger.info(fields, 'request');
    expect(raw).toHaveLength(2);
    const [fast, viaPino] = raw.map((line) => {
      expect(line.endsWith('}\n')).toBe(true);
      const { time, ...rest } = JSON.parse(line) as Record<string, unknown>;
      expect(String(time)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      return rest;
    });
    expect(Object.keys(JSON.parse(raw[0] ?? '{}'))).toEqual(
      Object.keys(JSON.parse(raw[1] ?? '{}')),
    );
    expect(fast).toEqual(viaPino);
    expect(fast).toMatchObject({ level: 'info', name: 'testbridge', msg: 'request', status: 202 });
  });

  it('follows the logger level, also when it changes', () => {
    const raw: string[] = [];
    const logger = createLogger({ level: 'warn' }, { write: (line: string) => raw.push(line) });
    writeAccessLine(logger, fields);
    expect(raw).toEqual([]);
    logger.level = 'debug';
    writeAccessLine(logger, fields);
    expect(raw).toHaveLength(1);
  });

  it('goes through pino for a logger createLogger did not make', () => {
    const raw: string[] = [];
    const child = createLogger(
      { level: 'info' },
      { write: (line: string) => raw.push(line) },
    ).child({
      component: 'x',
    });
    writeAccessLine(child, fields);
    expect(JSON.parse(raw[0] ?? '{}')).toMatchObject({
      component: 'x',
      msg: 'request',
      route: fields.route,
    });
  });
});
