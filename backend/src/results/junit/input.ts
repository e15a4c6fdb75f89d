/**
 * The byte and text layer under the report readers: gzip detection and decompression with a cap,
 * UTF-8 decoding across chunk boundaries, and the one error shape every reader throws.
 */
import { createGunzip } from 'node:zlib';
import { AppError } from '../../http/errors.ts';

/** The limits of one report file; every reader takes them, tests lower them. */
export interface ReportLimits {
  /** Bytes after decompression (raw input counts too). */
  maxBytes: number;
}

/** 100 MiB: the default `maxBytes` of every reader. */
export const DEFAULT_MAX_BYTES = 100 * 1024 * 1024;

/** Which file and which request field a reader is reading: every error names both. */
export interface ReportSource {
  fileName: string;
  field: string;
}

/** `validation_failed` naming the field, with `<fileName> line L, column C: <what>` (or no position). */
export function reportError(
  source: ReportSource,
  what: string,
  position?: { line: number; column: number },
  cause?: unknown,
): AppError {
  const where = position ? ` line ${position.line}, column ${position.column}` : '';
  const message = `${source.fileName}${where}: ${what}`;
  return new AppError('validation_failed', message, {
    cause,
    invalidFields: [{ field: source.field, message }],
  });
}

const GZIP_MAGIC = [0x1f, 0x8b] as const;

/** Whether these first bytes start a gzip stream. */
export function isGzipMagic(head: Uint8Array): boolean {
  return head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
}

const toBytes = (chunk: Uint8Array | string): Uint8Array =>
  typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;

/**
 * Reads the first two bytes (across chunks if need be) without losing any: the returned iterable
 * replays them. `head` is shorter than 2 bytes only for a shorter input. `stop` releases the
 * source when the replay is not going to be read.
 */
export async function peekHead(
  source: AsyncIterable<Uint8Array>,
): Promise<{ head: Uint8Array; replay: AsyncIterable<Uint8Array>; stop: () => Promise<void> }> {
  const iterator = source[Symbol.asyncIterator]();
  const seen: Uint8Array[] = [];
  let length = 0;
  let done = false;
  while (length < 2) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    const bytes = toBytes(next.value);
    seen.push(bytes);
    length += bytes.length;
  }
  const head = Buffer.concat(seen).subarray(0, 2);
  async function* replay(): AsyncGenerator<Uint8Array> {
    try {
      yield* seen.splice(0);
      if (done) return;
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        yield toBytes(next.value);
      }
      done = true;
    } finally {
      // Stopped early (or failed): tell the source, so it is no longer read.
      if (!done) await iterator.return?.();
    }
  }
  const stop = async () => {
    if (!done) await iterator.return?.();
    done = true;
  };
  return { head, replay: replay(), stop };
}

/**
 * The report's bytes: gunzipped when they start with the gzip magic, raw otherwise, refused past
 * `maxBytes` of output. Stopping early stops reading `source`.
 */
export async function* reportBytes(
  source: AsyncIterable<Uint8Array>,
  limits: ReportLimits,
  report: ReportSource,
): AsyncGenerator<Uint8Array> {
  const { head, replay } = await peekHead(source);
  const bytes = isGzipMagic(head) ? gunzip(replay, report) : replay;
  let total = 0;
  for await (const chunk of bytes) {
    total += chunk.length;
    if (total > limits.maxBytes) {
      // Too large is its own status (413), like a body over the request limit.
      const message = `${report.fileName}: is over the ${formatBytes(limits.maxBytes)} limit`;
      throw new AppError('body_too_large', message, {
        invalidFields: [{ field: report.field, message }],
      });
    }
    yield chunk;
  }
}

/** Gunzips chunk by chunk: each input chunk is written and its output drained before the next. */
async function* gunzip(
  source: AsyncIterable<Uint8Array>,
  report: ReportSource,
): AsyncGenerator<Uint8Array> {
  const inflater = createGunzip();
  const output: Buffer[] = [];
  let failure: Error | undefined;
  let ended = false;
  let wake: (() => void) | undefined;
  const signal = () => {
    wake?.();
    wake = undefined;
  };
  inflater.on('data', (chunk: Buffer) => {
    output.push(chunk);
    signal();
  });
  inflater.on('error', (error: Error) => {
    failure = error;
    signal();
  });
  inflater.on('end', () => {
    ended = true;
    signal();
  });
  const corrupt = (cause: unknown) =>
    reportError(report, 'is not valid gzip (corrupt or truncated)', undefined, cause);
  const drain = async function* (until: () => boolean): AsyncGenerator<Uint8Array> {
    while (true) {
      while (output.length > 0) {
        // Pause while the consumer works, so inflating never runs far ahead of it.
        inflater.pause();
        yield output.shift() as Buffer;
        inflater.resume();
      }
      if (failure) throw corrupt(failure);
      if (until()) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  };
  try {
    for await (const chunk of source) {
      let written = false;
      inflater.write(chunk, () => {
        written = true;
        signal();
      });
      yield* drain(() => written);
    }
    inflater.end();
    yield* drain(() => ended);
  } finally {
    inflater.destroy();
  }
}

/**
 * UTF-8 text of the bytes, decoded across chunk boundaries, a leading BOM dropped. Invalid UTF-8
 * calls `onInvalid`, which must throw (it knows where the text stands).
 */
export async function* utf8Text(
  bytes: AsyncIterable<Uint8Array>,
  onInvalid: (cause: unknown) => Error,
): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const decode = (chunk?: Uint8Array): string => {
    try {
      return chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
    } catch (cause) {
      throw onInvalid(cause);
    }
  };
  for await (const chunk of bytes) {
    const text = decode(chunk);
    if (text.length > 0) yield text;
  }
  const rest = decode();
  if (rest.length > 0) yield rest;
}

/** `100 MiB`, `64 KiB`, `100 bytes`: limits as error messages name them. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB`;
  return `${bytes} bytes`;
}
