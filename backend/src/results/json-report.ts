/**
 * The JSON report format (`application/json`, `TestReport` in shared), read from a streamed
 * upload. Stands in for the JUnit reader's `readReport` until the branches merge.
 */
import { type ReportTestCase, TestReport } from '@testbridge/shared/api/test-report';
import { AppError } from '../http/errors.ts';
import { invalidFieldsOf } from '../http/problem.ts';

export interface ReportSource {
  contentType: string;
  contentEncoding: string | undefined;
  fileName: string | undefined;
  /** Where the file is in the request, for `invalidFields` (`body`). */
  field: string;
}

const named = (source: ReportSource) => source.fileName ?? 'the report';

async function* gunzip(source: AsyncIterable<Uint8Array>, name: string) {
  const stream = ReadableStream.from(source).pipeThrough(new DecompressionStream('gzip'));
  try {
    for await (const chunk of stream) yield chunk as Uint8Array;
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('validation_failed', `${name} is not valid gzip`, {
      cause: error,
      invalidFields: [{ field: 'body', message: 'not valid gzip data' }],
    });
  }
}

/** The line of a character offset in `text` (1-based). */
function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Reads a JSON report (gzip allowed) of at most `maxBytes` once decompressed, and yields its
 * cases. Bad JSON → validation_failed naming the file and line; a bad case →
 * validation_failed naming `body.tests[i].field`.
 */
export async function* readJsonReport(
  source: AsyncIterable<Uint8Array>,
  meta: ReportSource,
  maxBytes: number,
): AsyncGenerator<ReportTestCase> {
  const name = named(meta);
  const encoding = meta.contentEncoding?.trim().toLowerCase();
  if (encoding && encoding !== 'gzip' && encoding !== 'identity') {
    throw new AppError(
      'unsupported_media_type',
      `Content-Encoding ${encoding} is not supported; send gzip or none`,
    );
  }
  const bytes = encoding === 'gzip' ? gunzip(source, name) : source;
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of bytes) {
    size += chunk.byteLength;
    if (size > maxBytes) {
      throw new AppError('body_too_large', `${name} is larger than ${maxBytes} bytes`);
    }
    chunks.push(chunk);
  }
  const text = new TextDecoder('utf-8').decode(Buffer.concat(chunks));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const position = /position (\d+)/.exec(error instanceof Error ? error.message : '')?.[1];
    const line =
      position === undefined ? lineOf(text, text.length) : lineOf(text, Number(position));
    throw new AppError('validation_failed', `${name}, line ${line}: not valid JSON`, {
      cause: error,
      invalidFields: [{ field: meta.field, message: `line ${line}: not valid JSON` }],
    });
  }
  const report = TestReport.safeParse(json);
  if (!report.success) {
    const invalidFields = invalidFieldsOf(meta.field, report.error);
    throw new AppError(
      'validation_failed',
      `${name}: invalid ${invalidFields.map((f) => f.field).join(', ')}`,
      { invalidFields },
    );
  }
  yield* report.data.tests;
}
